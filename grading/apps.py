from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "grading"
    verbose_name = _("Grading")

    def ready(self):
        from grading import policies, signals, web  # noqa: F401  (registers the rules and hooks)

        web.ready()
