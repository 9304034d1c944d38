from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        # The finance parts (built alongside): demo data registers itself on import;
        # the dashboard registers its items with register().
        if find_spec("subsidies.demo") is not None:
            import_module("subsidies.demo")
        if find_spec("subsidies.dashboard") is not None:
            import_module("subsidies.dashboard").register()
