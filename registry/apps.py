from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Roster")

    def ready(self):
        from registry import dashboard, policies  # noqa: F401  (registers the rules)

        dashboard.register()

        from core import pickers
        from registry.pickers import CommitteePicker, MediatorPicker

        pickers.register(CommitteePicker())
        pickers.register(MediatorPicker())
