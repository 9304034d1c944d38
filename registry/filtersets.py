"""FilterSets of the roster, shared by the list pages, their Excel exports and the
API (one definition, so a page, its export and the API list agree)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filtersets import PickerFilter, TenantFilterSet, YearFilter
from core.personal import digest, normalize_id_number, normalize_phone
from registry import levels
from registry.models import (
    Appointment,
    Committee,
    CommitteeStatus,
    CommitteeType,
    ExpertiseField,
    LeaveRecord,
    Mediator,
    Mentorship,
    MonthlyAttendance,
    TrainingKind,
    TrainingSession,
)
from registry.models.appointments import held_on

ALL = "all"


class RankFilter(django_filters.TypedChoiceFilter):
    """A level, offered by its name in the active bureau (levels are ranks into the
    bureau's ``grading_levels``, 一级..四级 or 特级..三级); ``choices`` is callable, so
    the names are read when the form is built, inside the request."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", levels.active_choices)
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


# A city has thousands of committees and ten thousand mediators: filters that name
# one are pickers (core.pickers), searched by name or record code, not drop-downs.


class CommitteeFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or code"))
    status = django_filters.ChoiceFilter(
        choices=[*CommitteeStatus.choices, (ALL, _("All"))],
        method="filter_status",
        label=_("Status"),
        empty_label=_("Active (default)"),
    )
    industry_field = django_filters.ModelChoiceFilter(
        queryset=ExpertiseField.objects.all(), label=_("Industry field")
    )
    office = PickerFilter("office", label=_("Judicial office"))

    class Meta:
        model = Committee
        fields = ["q", "kind", "status", "filing_status", "industry_field", "office"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__iexact=value))

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(status=value)

    def filter_queryset(self, queryset):
        # Deregistered committees drop out of lists unless asked for.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=CommitteeStatus.ACTIVE)
        return super().filter_queryset(queryset)


def _current_posts(**conditions):
    # The base manager inside a subquery: the outer mediator query is already scoped.
    return Appointment._base_manager.filter(held_on(), mediator=OuterRef("pk"), **conditions)


class MediatorFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="contains", label=pgettext_lazy("person", "Name")
    )
    id_number = django_filters.CharFilter(method="filter_id_number", label=_("ID card number"))
    phone = django_filters.CharFilter(method="filter_phone", label=_("Phone"))
    level = RankFilter(label=pgettext_lazy("mediator grade", "Level"))
    full_time = django_filters.BooleanFilter(method="filter_full_time", label=_("Full-time"))
    committee = PickerFilter("committee", method="filter_committee", label=_("Committee"))
    committee_kind = django_filters.ChoiceFilter(
        choices=CommitteeType.choices, method="filter_committee_kind", label=_("Committee type")
    )
    expertise = django_filters.ModelChoiceFilter(
        queryset=ExpertiseField.objects.all(), label=_("Expertise")
    )

    class Meta:
        model = Mediator
        fields = [
            "q",
            "status",
            "level",
            "gender",
            "full_time",
            "committee",
            "committee_kind",
            "expertise",
            "education",
            "political_status",
            "background",
            "volunteer",
            "expert_pool",
            "id_number",
            "phone",
        ]

    # Personal numbers are encrypted with a random IV: they are found by keyed hash.
    def filter_id_number(self, queryset, name, value):
        return queryset.filter(id_number_digest=digest(normalize_id_number(value)))

    def filter_phone(self, queryset, name, value):
        return queryset.filter(phone_digest=digest(normalize_phone(value)))

    def filter_full_time(self, queryset, name, value):
        posts = Exists(_current_posts(full_time=True))
        return queryset.filter(posts if value else ~posts)

    def filter_committee(self, queryset, name, value):
        return queryset.filter(Exists(_current_posts(committee=value)))

    def filter_committee_kind(self, queryset, name, value):
        return queryset.filter(Exists(_current_posts(committee__kind=value)))


class AppointmentFilterSet(TenantFilterSet):
    mediator = PickerFilter("mediator", label=_("Mediator"))
    committee = PickerFilter("committee", label=_("Committee"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Current"))

    class Meta:
        model = Appointment
        fields = ["mediator", "committee", "post", "full_time", "paid_by", "exit_reason", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(held_on()) if value else queryset.exclude(held_on())


class TrainingSessionFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="contains", label=_("Title"))
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices, label=_("Type"))
    year = YearFilter(field_name="held_on", lookup_expr="year", label=_("Year"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("From"))
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = TrainingSession
        fields = ["q", "kind", "year", "held_after", "held_before"]


class MentorshipFilterSet(TenantFilterSet):
    mentor = PickerFilter("mediator", label=_("Mentor"))
    apprentice = PickerFilter("mediator", label=_("Apprentice"))

    class Meta:
        model = Mentorship
        fields = ["mentor", "apprentice"]


class MonthlyAttendanceFilterSet(TenantFilterSet):
    mediator = PickerFilter("mediator", label=_("Mediator"))

    class Meta:
        model = MonthlyAttendance
        fields = ["mediator", "month"]


class LeaveRecordFilterSet(TenantFilterSet):
    mediator = PickerFilter("mediator", label=_("Mediator"))

    class Meta:
        model = LeaveRecord
        fields = ["mediator", "kind", "approved"]
