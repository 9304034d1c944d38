from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import dashboard, services
        from core.workdays import schedule_saved

        dashboard.register()
        schedule_saved.connect(
            lambda sender, **kwargs: services.recompute_provisional_deadlines(),
            weak=False,
            dispatch_uid="complaints.recompute_provisional_deadlines",
        )
