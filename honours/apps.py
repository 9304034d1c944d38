from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = _("Honours")

    def ready(self):
        from honours import demo, policies, web  # noqa: F401  (registers rules, demo step, items)

        web.ready()
