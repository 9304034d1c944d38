"""The complaints' counters on the dashboard (called from ready())."""

import datetime

from django.utils.translation import gettext_lazy as _

from core import dashboard


def _open(request):
    from complaints import selectors

    return selectors.open_complaints().count()


def _overdue(request):
    from complaints import selectors

    return selectors.overdue(datetime.date.today()).count()


def register():
    dashboard.register(_("Open complaints"), _open, "complaints:complaint_list", 60)
    dashboard.register(
        _("Overdue complaints"),
        _overdue,
        "complaints:complaint_list",
        61,
        query="overdue=1",
        alert=True,
    )
