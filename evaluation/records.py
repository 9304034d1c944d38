"""The records behind an evaluation's figures (each figure links to them) and the
committee terms the renewal list shows beside it. Reads only: a few queries per page,
none per row."""

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.models.choices import Finding
from evaluation.figures import Figures, full_time_posts, year_bounds
from mediation.models import Callback, Case
from registry.models import CommitteeTerm, MonthlyAttendance, TrainingAttendance

SHOWN = 500  # records per section on the page; a mediator's year has far fewer


def as_figures(entry) -> Figures:
    """The stored entry as the scoring reads it (to show each component's score)."""
    return Figures(
        mediator_id=entry.mediator_id,
        committee_id=entry.committee_id,
        cases=entry.cases,
        successes=entry.successes,
        fulfilment_checked=entry.fulfilment_checked,
        fulfilled=entry.fulfilled,
        callbacks=entry.callbacks,
        satisfaction=entry.satisfaction,
        training_hours=entry.training_hours,
        attendance_months=entry.attendance_months,
        days_present=entry.days_present,
        days_leave=entry.days_leave,
        complaints=entry.complaints,
    )


def for_entry(entry) -> list[dict]:
    """The records of each figure, as the evaluation selected them (see
    evaluation.figures), each with the link to its own page."""
    evaluation = entry.evaluation
    prefix = evaluation.bureau.region.prefix
    start, end = year_bounds(evaluation.year)
    cases = Case.objects.filter(
        region__code__startswith=prefix,
        lead_mediator=entry.mediator_id,
        closed_on__gte=start,
        closed_on__lte=end,
    ).order_by("closed_on", "pk")
    callbacks = (
        Callback.objects.filter(case__in=cases.values("pk"), called_on__isnull=False)
        .select_related("case")
        .order_by("called_on", "pk")
    )
    training = (
        TrainingAttendance.objects.filter(
            mediator=entry.mediator_id, session__held_on__gte=start, session__held_on__lte=end
        )
        .select_related("session")
        .order_by("session__held_on", "pk")
    )
    attendance = MonthlyAttendance.objects.filter(
        mediator=entry.mediator_id, month__gte=start, month__lte=end
    ).order_by("month")
    complaints = Complaint.objects.filter(
        mediator=entry.mediator_id,
        finding=Finding.FOUNDED,
        concluded_on__gte=start,
        concluded_on__lte=end,
    ).order_by("concluded_on", "pk")
    return [
        {
            "key": "cases",
            "title": _("Cases led and closed in the year"),
            "rows": [
                (c.get_absolute_url(), c.number, c.closed_on, c.get_result_display())
                for c in cases[:SHOWN]
            ],
        },
        {
            "key": "callbacks",
            "title": _("Callbacks on those cases"),
            "rows": [
                (
                    b.get_absolute_url(),
                    b.case.number,
                    b.called_on,
                    _callback_summary(b),
                )
                for b in callbacks[:SHOWN]
            ],
        },
        {
            "key": "training",
            "title": _("Training attended in the year"),
            "rows": [
                (
                    t.session.get_absolute_url(),
                    t.session.title,
                    t.session.held_on,
                    _("%(hours)s hours") % {"hours": t.session.hours},
                )
                for t in training[:SHOWN]
            ],
        },
        {
            "key": "attendance",
            "title": _("Monthly attendance reported"),
            "rows": [
                (
                    a.get_absolute_url(),
                    f"{a.month:%Y-%m}",
                    a.month,
                    _("%(days)s days present") % {"days": a.days_present},
                )
                for a in attendance[:SHOWN]
            ],
        },
        {
            "key": "complaints",
            "title": _("Founded complaints"),
            "rows": [
                (c.get_absolute_url(), c.tracking_number, c.concluded_on, c.get_sanction_display())
                for c in complaints[:SHOWN]
            ],
        },
    ]


def _callback_summary(callback) -> str:
    parts = []
    if callback.satisfaction is not None:
        parts.append(_("satisfaction %(n)s") % {"n": callback.satisfaction})
    if callback.fulfilled is not None:
        parts.append(
            _("agreement fulfilled") if callback.fulfilled else _("agreement not fulfilled")
        )
    return "，".join(str(p) for p in parts)


def _latest_terms(prefix: str):
    """Each committee's latest term, of the committees in *prefix*."""
    latest = (
        CommitteeTerm.objects.filter(committee=OuterRef("committee"))
        .order_by()
        .values("committee")
        .annotate(n=Max("number"))
        .values("n")
    )
    return CommitteeTerm.objects.filter(region__code__startswith=prefix, number=Subquery(latest))


def terms_ending(evaluation, year: int) -> dict[int, object]:
    """{committee id: the day its current term ends} for the committees of the
    bureau's region whose latest term ends in *year*: one query."""
    start, end = year_bounds(year)
    return dict(
        _latest_terms(evaluation.bureau.region.prefix)
        .filter(ends_on__gte=start, ends_on__lte=end)
        .values_list("committee_id", "ends_on")
    )


def posts_in_ending_terms(evaluation, year: int):
    """The open full-time posts in committees whose term ends in *year*: those
    contracts come up for renewal with the term (shown beside the list)."""
    start, end = year_bounds(year)
    prefix = evaluation.bureau.region.prefix
    ending = _latest_terms(prefix).filter(ends_on__gte=start, ends_on__lte=end)
    return (
        full_time_posts(prefix, year)
        .filter(Q(ends_on__isnull=True), committee__in=ending.values("committee"))
        .select_related("mediator", "committee")
        .order_by("committee__name", "mediator__name", "pk")
    )
