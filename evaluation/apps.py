from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Annual evaluation")

    def ready(self):
        # Registers the rules, the job kinds, the seed_demo step and the dashboard items.
        from evaluation import demo, job_kinds, policies, web  # noqa: F401

        web.ready()
