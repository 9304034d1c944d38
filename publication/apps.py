from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = _("Public roster")

    def ready(self):
        from publication import policies  # noqa: F401  (registers the bureau rules)
