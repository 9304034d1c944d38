from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Foundation")

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        from core.tenancy import TenantModel

        # Every tenant-owned model is audited by inheriting TenantModel; the region
        # tree is audited too because bureaus add townships and villages to it.
        auditlog.register(apps.get_model("core", "Region"))
        auditlog.register(apps.get_model("core", "WorkdaySchedule"))
        for model in apps.get_models():
            if issubclass(model, TenantModel) and not auditlog.contains(model):
                auditlog.register(model, **_audit_options(model))
        # Logins are not tenant rows, but bureau admins create, deactivate and reset
        # them: audit their name, status and password (masked; last_login is noise).
        auditlog.register(
            get_user_model(),
            include_fields=["username", "first_name", "is_active", "password"],
            mask_fields=["password"],
            mask_callable="core.personal.mask_for_audit",
        )
        auditlog.register(
            apps.get_model("core", "UserProfile"),
            **_audit_options(apps.get_model("core", "UserProfile")),
        )

        from django.contrib.auth.signals import user_logged_in

        from core.users.first_login import flag_temporary_password

        user_logged_in.connect(flag_temporary_password, dispatch_uid="flag_temporary_password")

        from core import dashboard
        from core.models import JudicialOffice

        dashboard.register(
            _("Judicial offices"),
            lambda request: JudicialOffice.objects.count(),
            "core:office_list",
            order=50,
        )


def _audit_options(model) -> dict:
    """The model's ``audit_options``, with reverse relations left out: auditlog would
    otherwise record every reverse accessor ("appointments": "…Appointment.None")
    as a change on create."""
    options = dict(getattr(model, "audit_options", {}))
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    options["exclude_fields"] = [*options.get("exclude_fields", []), *reverse]
    return options
