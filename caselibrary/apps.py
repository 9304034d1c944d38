from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaselibraryConfig(AppConfig):
    name = "caselibrary"
    verbose_name = _("Typical-case library")

    def ready(self):
        from caselibrary import demo  # noqa: F401  (registers the demo step)
