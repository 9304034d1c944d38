"""The cases part's counters on the dashboard (called from ready())."""

from django.utils.translation import gettext_lazy as _

from core import dashboard


def _unreported(request):
    from mediation import reporting

    return reporting.unreported_committees().count()


def _open_flags(request):
    from mediation.models import CaseFlag

    return CaseFlag.objects.filter(reviewed_at__isnull=True).count()


def register():
    dashboard.register(
        _("Committees not reported last month"), _unreported, "mediation:unreported", 50
    )
    dashboard.register(_("Case flags to review"), _open_flags, "mediation:flag_list", 55)
