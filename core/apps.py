from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Foundation")

    def ready(self):
        from auditlog.registry import auditlog

        from core import validators
        from core.tenancy import TenantModel

        # Every field of every project model carries the input rules of its type.
        for model in apps.get_models():
            if _is_project_model(model):
                validators.attach_to_model(model)

        # Every tenant-owned model is audited by inheriting TenantModel; the region
        # tree is audited too because bureaus add townships and villages to it.
        auditlog.register(apps.get_model("core", "Region"))
        auditlog.register(apps.get_model("core", "WorkdaySchedule"))
        for model in apps.get_models():
            if issubclass(model, TenantModel) and not auditlog.contains(model):
                auditlog.register(model, **_audit_options(model))

        from core import dashboard
        from core.models import JudicialOffice

        dashboard.register(
            _("Judicial offices"),
            lambda request: JudicialOffice.objects.count(),
            "core:office_list",
            order=50,
        )


def _is_project_model(model) -> bool:
    """A model of this project's apps (not Django's or a library's)."""
    return Path(model._meta.app_config.path).is_relative_to(settings.BASE_DIR)


def _audit_options(model) -> dict:
    """The model's ``audit_options``, with reverse relations left out: auditlog would
    otherwise record every reverse accessor ("appointments": "…Appointment.None")
    as a change on create."""
    options = dict(getattr(model, "audit_options", {}))
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    options["exclude_fields"] = [*options.get("exclude_fields", []), *reverse]
    return options
