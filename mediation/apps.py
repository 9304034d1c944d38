from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Mediation cases")

    def ready(self):
        from core import pickers
        from mediation import dashboard, policies  # noqa: F401  (registers the rules)
        from mediation.pickers import CasePicker

        dashboard.register()
        pickers.register(CasePicker())
