from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = _("Public roster")

    def ready(self):
        from django.db.models.signals import post_save

        from core.models import Bureau
        from publication import policies  # noqa: F401  (registers the bureau rules)
        from publication.cache import forget_bureau

        # The public pages show the bureau's name and footer fields: an edit drops
        # the bureau's cached pointers so its pages are rendered again.
        post_save.connect(
            lambda sender, instance, **kwargs: forget_bureau(instance),
            sender=Bureau,
            weak=False,
            dispatch_uid="publication.forget_bureau",
        )
