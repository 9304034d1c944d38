from django.apps import AppConfig, apps
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
        for model in apps.get_models():
            if issubclass(model, TenantModel) and not auditlog.contains(model):
                auditlog.register(model, **getattr(model, "audit_options", {}))

        from core import dashboard
        from core.models import JudicialOffice

        dashboard.register(
            _("Judicial offices"),
            lambda request: JudicialOffice.objects.count(),
            "core:office_list",
            order=50,
        )
