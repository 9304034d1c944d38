"""The cases part's counters on the dashboard (called from ready())."""

from django.utils.translation import gettext_lazy as _

from core import dashboard


def _unreported(request):
    from mediation import reporting

    return reporting.unreported_committees().count()


def register():
    dashboard.register(
        _("Committees not reported last month"), _unreported, "mediation:unreported", 50
    )
