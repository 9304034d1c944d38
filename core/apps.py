from django.apps import AppConfig, apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Foundation")

    def ready(self):
        from auditlog.registry import auditlog

        from core.tenancy import TenantModel

        # Every tenant-owned model is audited by inheriting TenantModel; the region
        # tree is audited too because bureaus add townships and villages to it.
        auditlog.register(apps.get_model("core", "Region"))
        auditlog.register(apps.get_model("core", "WorkdaySchedule"))
        for model in apps.get_models():
            if issubclass(model, TenantModel) and not auditlog.contains(model):
                auditlog.register(model, **_audit_options(model))

        # Each app declares its kinds of job in its job_kinds module (core.job_kinds).
        autodiscover_modules("job_kinds")

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
