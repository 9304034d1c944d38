"""The complaints' part of the dashboard (called from ready()): complaints due within
the week and overdue, those assigned to a clerk's own office for the clerk."""

from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import BUREAU_KINDS, CLERKS, DIRECTORS, OVERVIEW


def _office_query(**filters):
    """The list's filters narrowed to the clerk's own office (named as its picker
    takes it: pages accept no ids)."""

    def query(request):
        return urlencode({"assigned_office": request.active_role.office.name, **filters})

    return query


def register():
    from complaints.selectors import OPEN, SOON

    dashboard.register(
        "complaints_due",
        _("Complaints due within a week"),
        "complaints:complaint_list",
        roles=BUREAU_KINDS,
        order=60,
        query=f"progress={SOON}",
    )
    dashboard.register(
        "complaints_overdue",
        _("Overdue complaints"),
        "complaints:complaint_list",
        roles=BUREAU_KINDS,
        order=61,
        query="overdue=1",
        alert=True,
    )
    dashboard.register(
        "office_complaints_due",
        _("Complaints assigned to your office, due within a week"),
        "complaints:complaint_list",
        roles=CLERKS,
        order=60,
        query=_office_query(progress=SOON),
    )
    dashboard.register(
        "office_complaints_overdue",
        _("Complaints assigned to your office, overdue"),
        "complaints:complaint_list",
        roles=CLERKS,
        order=61,
        query=_office_query(overdue=1),
        alert=True,
    )
    dashboard.register(
        "complaints_open",
        _("Open complaints"),
        "complaints:complaint_list",
        roles=DIRECTORS,
        section=OVERVIEW,
        order=60,
        query=f"progress={OPEN}",
    )
