"""The cases part of the dashboard (called from ready()): what a clerk has to close,
call back and report, what bureau staff review and publish, and the charts a director
compares the year and the areas by."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import BUREAU_KINDS, CLERKS, DIRECTORS, FINANCE
from core.tenancy import active_prefix

COUNTY_DIGITS, TOWNSHIP_DIGITS = 6, 9


def _reports_late(request):
    from mediation import reporting

    return reporting.deadline_passed(request.active_role.home_bureau)


def cases_by_month(request, today=None) -> dict:
    """Cases received each month of this year beside the same month last year (one
    query). Months still to come this year are empty, not zero."""
    from mediation.models import Case

    today = today or datetime.date.today()
    this, last = today.year, today.year - 1
    counts = {
        (row["month"].year, row["month"].month): row["n"]
        for row in Case.objects.filter(received_on__range=(datetime.date(last, 1, 1), today))
        .order_by()
        .values(month=TruncMonth("received_on"))
        .annotate(n=Count("pk"))
    }
    return {
        "months": [str(MONTHS[m]) for m in range(1, 13)],
        "this_year": [counts.get((this, m), 0) if m <= today.month else None for m in range(1, 13)],
        "last_year": [counts.get((last, m), 0) for m in range(1, 13)],
        "this_label": str(_("Year %(year)s") % {"year": this}),
        "last_label": str(_("Year %(year)s") % {"year": last}),
    }


def cases_by_area(request, today=None) -> dict:
    """Cases received this year and by the same day last year in each county (each
    township for a county's staff), in one query."""
    from mediation.models import Case
    from registry.reports import Area, area_names

    today = today or datetime.date.today()
    try:
        same_day_last_year = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        same_day_last_year = today.replace(year=today.year - 1, day=28)
    digits = TOWNSHIP_DIGITS if len(active_prefix() or "") >= COUNTY_DIGITS else COUNTY_DIGITS
    this_year = Q(received_on__gte=datetime.date(today.year, 1, 1))
    rows = list(
        Case.objects.filter(
            received_on__range=(datetime.date(today.year - 1, 1, 1), today),
        )
        .order_by()
        .values(area=Substr("region_id", 1, digits))
        .annotate(
            this=Count("pk", filter=this_year),
            last=Count("pk", filter=~this_year & Q(received_on__lte=same_day_last_year)),
        )
        .order_by("area")
    )
    names = area_names()
    areas = [Area.of(row["area"], names) for row in rows]
    return {
        "names": [f"{a.name} ({_('county level')})" if a.county_level else a.name for a in areas],
        "this_year": [row["this"] for row in rows],
        "last_year": [row["last"] for row in rows],
        "this_label": str(_("Year %(year)s") % {"year": today.year}),
        "last_label": str(_("Year %(year)s to the same day") % {"year": today.year - 1}),
    }


def register():
    from mediation.forms.callbacks import PENDING
    from mediation.forms.cases import OPEN, OVERDUE

    dashboard.register(
        "cases_to_close",
        _("Cases to close"),
        "mediation:case_list",
        roles=CLERKS,
        order=10,
        query=f"progress={OPEN}&sort=received_on",
    )
    dashboard.register(
        "cases_late",
        _("Cases not closed in time"),
        "mediation:case_list",
        roles=CLERKS,
        order=11,
        query=f"progress={OVERDUE}&sort=received_on",
        alert=True,
    )
    dashboard.register(
        "callbacks",
        _("Callbacks to make"),
        "mediation:callback_list",
        roles=CLERKS | BUREAU_KINDS,
        order=20,
        query=f"state={PENDING}",
    )
    dashboard.register(
        "reports_to_file",
        _("Committees yet to report last month"),
        "mediation:unreported",
        roles=CLERKS,
        order=30,
        query="upcoming=on",
        alert=_reports_late,
    )
    dashboard.register(
        "unreported",
        _("Committees not reported last month"),
        "mediation:unreported",
        roles=BUREAU_KINDS,
        order=50,
        alert=True,
    )
    dashboard.register(
        "flags",
        _("Case flags to review"),
        "mediation:flag_list",
        roles=BUREAU_KINDS,
        order=55,
        query="open=true",
    )
    dashboard.register(
        "draft_rankings",
        _("Draft rankings to publish"),
        "mediation:ranking_list",
        roles=BUREAU_KINDS,
        order=58,
        query="status=draft",
    )
    dashboard.register_chart(
        "year-chart",
        _("Cases received by month, this year and last"),
        cases_by_month,
        roles=DIRECTORS,
        order=10,
        url_name="mediation:statistics",
    )
    dashboard.register_chart(
        "area-chart",
        _("Cases received by area"),
        cases_by_area,
        roles=DIRECTORS,
        order=20,
        url_name="mediation:statistics",
    )
    dashboard.register_link(
        _("Case statistics (workbook)"),
        "mediation:statistics",
        roles=FINANCE,
        order=10,
        query="export=xlsx",
        help_text=_("Cases, amounts involved and callbacks of this year by area."),
    )
    dashboard.register_link(
        _("Quarterly rankings"), "mediation:ranking_list", roles=FINANCE, order=20
    )
