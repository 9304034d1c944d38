"""The roster's counters on the dashboard (registered by RegistryConfig.ready, once
the models are loaded). Each counts inside the active jurisdiction."""

from django.utils.translation import gettext_lazy as _

from core import dashboard
from registry import reports
from registry.models import Committee, CommitteeStatus, Mediator, MediatorStatus, TermWarning


def _active_committees(request):
    return Committee.objects.filter(status=CommitteeStatus.ACTIVE).count()


def _serving_mediators(request):
    return Mediator.objects.filter(status=MediatorStatus.ACTIVE).count()


def _open_term_warnings(request):
    return TermWarning.objects.filter(resolved_at__isnull=True).count()


def _short_of_standard(request):
    return reports.committees_short_of_standard()


def register():
    dashboard.register(_("Active committees"), _active_committees, "registry:committee_list", 10)
    dashboard.register(_("Serving mediators"), _serving_mediators, "registry:mediator_list", 20)
    dashboard.register(
        _("Open term warnings"), _open_term_warnings, "registry:term_warning_list", 30
    )
    dashboard.register(
        _("Committees short of the staffing standard"),
        _short_of_standard,
        "registry:compliance",
        40,
    )
