"""Bureau admins' pages for the users of their jurisdiction. Thin: each write is one
call to core.users.services."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from core import history
from core.generic_views import ObjectFormView, RoleRequiredMixin, TenantDetailView, TenantListView
from core.jurisdiction import require_role
from core.models import Role, RoleKind
from core.users import services
from core.users.filtersets import UserFilterSet
from core.users.forms import ConfirmForm, RoleGrantForm, UserCreateForm

User = get_user_model()
ADMINS = {RoleKind.BUREAU_ADMIN}


def user_url(user) -> str:
    return reverse("core:user_detail", args=[user.pk])


class AdminOnlyMixin:
    write_roles = ADMINS
    requires_write = True


class UserListView(AdminOnlyMixin, TenantListView):
    model = User
    template_name = "core/users/user_list.html"
    filterset_class = UserFilterSet
    sort_fields = {"username": "username", "last_login": "last_login", "joined": "date_joined"}
    default_sort = "username"

    @property
    def queryset(self):
        # Built per request, inside the jurisdiction: User is not a tenant model, so
        # its default manager would list every user.
        return services.listed_users()


class UserLookupMixin(AdminOnlyMixin):
    """Pages about one user. The user is looked up among those of the jurisdiction
    before the role is checked, so one outside it is a 404 for every role rather than a
    403 confirming they exist."""

    model = User
    # Not "user": that name is the logged-in user in every template.
    context_object_name = "shown_user"

    def get_queryset(self):
        return services.listed_users()

    def url_after(self, shown):
        return user_url(shown)


class UserDetailView(UserLookupMixin, TenantDetailView):
    template_name = "core/users/user_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = (
            Role.objects.filter(user=self.object)
            .select_related("bureau", "office")
            .order_by(F("ended_at").desc(nulls_first=True), "region_id")
        )
        context.update(history.context(self.request, self.object, services.history_of(self.object)))
        return context


def _password_page(request, user, password, title):
    """The temporary password, shown this once: never cached, never stored."""
    return render(
        request,
        "core/users/temporary_password.html",
        {"shown_user": user, "password": password, "title": title},
    )


@method_decorator(never_cache, name="dispatch")
class UserCreateView(AdminOnlyMixin, RoleRequiredMixin, FormView):
    form_class = UserCreateForm
    template_name = "core/users/form.html"
    extra_context = {"title": gettext_lazy("New user")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "admin": self.request.active_role}

    def form_valid(self, form):
        data = form.cleaned_data
        bureau, office = data["unit"]
        try:
            user, password = services.create_user(
                self.request.active_role,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                kind=data["kind"],
                bureau=bureau,
                office=office,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        return _password_page(self.request, user, password, _("User created"))


class UserActionView(UserLookupMixin, ObjectFormView):
    form_class = ConfirmForm
    template_name = "core/users/form.html"
    intro = ""
    submit = gettext_lazy("Save")

    def get_context_data(self, **kwargs):
        return super().get_context_data(intro=self.intro, submit=self.submit, **kwargs)


class RoleGrantView(UserActionView):
    form_class = RoleGrantForm
    success_message = gettext_lazy("Role granted.")

    def get_title(self):
        return _("Grant a role to %(user)s") % {"user": self.object.username}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "admin": self.request.active_role}

    def perform(self, data):
        bureau, office = data["unit"]
        services.grant_role(
            self.request.active_role, self.object, kind=data["kind"], bureau=bureau, office=office
        )
        return self.object


class RoleEndView(UserActionView):
    model = Role
    context_object_name = "role"
    intro = gettext_lazy(
        "The user loses this role at their next request. The role stays in their history."
    )
    submit = gettext_lazy("End the role")
    success_message = gettext_lazy("The role has ended.")

    def get_queryset(self):
        return Role.objects.filter(ended_at__isnull=True).select_related("user", "bureau", "office")

    def get_title(self):
        return _("End the role %(role)s of %(user)s") % {
            "role": self.object,
            "user": self.object.user.username,
        }

    def perform(self, data):
        return services.end_role(self.request.active_role, self.object).user


class UserDeactivateView(UserActionView):
    intro = gettext_lazy(
        "The user can no longer log in, and any open session ends. "
        "Their roles stay and work again if the user is reactivated."
    )
    submit = gettext_lazy("Deactivate")
    success_message = gettext_lazy("The user has been deactivated.")

    def get_title(self):
        return _("Deactivate %(user)s") % {"user": self.object.username}

    def perform(self, data):
        return services.set_active(self.request.active_role, self.object, False)


class UserReactivateView(UserActionView):
    submit = gettext_lazy("Reactivate")
    success_message = gettext_lazy("The user has been reactivated.")

    def get_title(self):
        return _("Reactivate %(user)s") % {"user": self.object.username}

    def perform(self, data):
        return services.set_active(self.request.active_role, self.object, True)


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(UserActionView):
    intro = gettext_lazy(
        "A new temporary password replaces the current one and is shown once. "
        "The user must change it at their next login; open sessions end."
    )
    submit = gettext_lazy("Reset the password")

    def get_title(self):
        return _("Reset the password of %(user)s") % {"user": self.object.username}

    def form_valid(self, form):
        try:
            password = services.reset_password(self.request.active_role, self.object)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The password has been reset."))
        return _password_page(self.request, self.object, password, self.get_title())
