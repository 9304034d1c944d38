"""Honours' part of the dashboard (registered by honours' web start-up): what waits
for each role — calls open for nominations (offices), nominees awaiting the user's
score (panel members), calls before the panel (the bureau)."""

from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import BUREAU_KINDS, CLERKS
from honours.models import CallStatus


def _awaiting_my_score(request):
    from honours import services
    from honours.views import _nominations_for

    return services.awaiting_my_score(request.user, _nominations_for(request)).count()


def _open_calls(request):
    from honours import services

    return services.visible_calls(request.active_role).filter(status=CallStatus.OPEN).count()


def register():
    dashboard.register(
        "honours_open",
        _("Calls for nominations open"),
        "honours:call_list",
        roles=BUREAU_KINDS | CLERKS,
        order=75,
        query=f"status={CallStatus.OPEN}",
    )
    dashboard.register(
        "honours_to_score",
        _("Nominees awaiting your score"),
        "honours:nomination_list",
        roles=BUREAU_KINDS | CLERKS,
        order=76,
        query="awaiting=me",
    )
    dashboard.register(
        "honours_judging",
        _("Calls before the panel"),
        "honours:call_list",
        roles=BUREAU_KINDS,
        order=77,
        query=f"status={CallStatus.JUDGING}",
    )
