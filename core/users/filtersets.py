import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filtersets import PickerFilter, PickerFilterSetMixin, TenantFilterSet
from core.models import Bureau, Role, RoleKind


@extend_schema_field(OpenApiTypes.INT)
class UnitFilter(django_filters.ModelChoiceFilter):
    """A bureau or office, by id (the schema cannot see through the filter method)."""


NEVER_LOGGED_IN, TEMPORARY_PASSWORD = "never", "temporary"


def _current_roles():
    # The default manager limits these to the active jurisdiction.
    return Role.objects.filter(ended_at__isnull=True)


class UserFilterSet(PickerFilterSetMixin, django_filters.FilterSet):
    """Users of the jurisdiction; role and unit filters look at current roles. A
    city has a hundred judicial offices: the office is a picker."""

    q = django_filters.CharFilter(method="filter_q", label=_("Username or name"))
    kind = django_filters.ChoiceFilter(
        choices=RoleKind.choices, method="filter_roles", label=_("Role")
    )
    bureau = UnitFilter(queryset=Bureau.objects.all(), method="filter_roles", label=_("Bureau"))
    office = PickerFilter("office", method="filter_roles", label=_("Judicial office"))
    status = django_filters.ChoiceFilter(
        choices=[("active", pgettext_lazy("account", "Active")), ("inactive", _("Deactivated"))],
        method="filter_status",
        label=_("Status"),
    )
    setup = django_filters.ChoiceFilter(
        choices=[
            (NEVER_LOGGED_IN, _("Never logged in")),
            (TEMPORARY_PASSWORD, _("Still on a temporary password")),
        ],
        method="filter_setup",
        label=_("First login"),
    )

    class Meta:
        model = get_user_model()
        fields = ["q", "kind", "bureau", "office", "status", "setup"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value))

    def filter_roles(self, queryset, name, value):
        return queryset.filter(pk__in=_current_roles().filter(**{name: value}).values("user_id"))

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")

    def filter_setup(self, queryset, name, value):
        """Active accounts whose owner has not started: never logged in, or still
        holding the temporary password an admin gave them."""
        if value == NEVER_LOGGED_IN:
            return queryset.filter(is_active=True, last_login__isnull=True)
        return queryset.filter(is_active=True, profile__must_change_password=True)


class RoleFilterSet(TenantFilterSet):
    user = django_filters.NumberFilter(field_name="user_id", label=_("User"))
    current = django_filters.BooleanFilter(
        field_name="ended_at", lookup_expr="isnull", label=pgettext_lazy("role", "Current")
    )

    class Meta:
        model = Role
        fields = ["kind", "bureau", "office", "user", "current"]
