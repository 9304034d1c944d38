from django.apps import AppConfig, apps
from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Foundation")

    def ready(self):
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        from core import validators
        from core.audit import stamp_role_on_save
        from core.tenancy import TenantModel

        # Every field of every project model carries the input rules of its type.
        for model in apps.get_models():
            if _is_project_model(model):
                validators.attach_to_model(model)

        # Every tenant-owned model is audited by inheriting TenantModel; the region
        # tree is audited too because bureaus add townships and villages to it.
        for model in (apps.get_model("core", "Region"), apps.get_model("core", "WorkdaySchedule")):
            auditlog.register(model, **_audit_options(model))
        for model in apps.get_models():
            if issubclass(model, TenantModel) and not auditlog.contains(model):
                auditlog.register(model, **_audit_options(model))
        pre_save.connect(stamp_role_on_save, sender=LogEntry, dispatch_uid="core.audit.role")
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

        # Registers the schema extension with drf-spectacular by being imported.
        import core.schema  # noqa: F401

        # Each app declares its kinds of job in its job_kinds module (core.job_kinds).
        autodiscover_modules("job_kinds")
        # …and the reports it keeps as snapshots in its snapshots module (core.snapshots).
        autodiscover_modules("snapshots")

        from core import dashboard_items, pickers
        from core.api import tokens  # noqa: F401  (connects the token revocation signals)

        dashboard_items.register()
        pickers.register(pickers.RegionPicker())
        pickers.register(pickers.OfficePicker())


def _is_project_model(model) -> bool:
    """A model of this project's apps (not Django's or a library's)."""
    return model._meta.app_config.name in settings.PROJECT_APPS


def _audit_options(model) -> dict:
    """The model's ``audit_options``, plus what no model should have to list: reverse
    relations (auditlog would otherwise record every reverse accessor, "appointments":
    "…Appointment.None", as a change on create), the automatic timestamps (the entry
    has its own) and the keyed-hash columns beside personal numbers. The trail and
    its readable rendering (core.history) both leave these out."""
    options = dict(getattr(model, "audit_options", {}))
    internal = [
        f.name
        for f in model._meta.get_fields()
        if (f.auto_created and not f.concrete)
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        or (isinstance(f, models.CharField) and f.name.endswith(("_digest", "_hash")))
    ]
    options["exclude_fields"] = list(dict.fromkeys([*options.get("exclude_fields", []), *internal]))
    return options
