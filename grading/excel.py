"""The round's workbooks: the eligibility list (every figure, threshold and result),
the panel's decision sheet and the notice list, written through core.excel (text
stays text, numbers and dates typed) with Chinese headers.

Each is a core.exports.ListExport of the rows its list page's filters select: up to
STREAM_LIMIT rows are written in the request, more (a city's eligibility list is
about ten thousand rows) run as a job with progress and end with the download, like
the roster's exports. Rows are read in chunks and streamed by the write-only
workbook, so memory stays flat."""

from django.utils.translation import gettext as _

from core.excel import Column
from core.exports import CHUNK, ListExport, filtered
from grading.filtersets import ApplicationFilterSet, EligibilityFilterSet, NoticeFilterSet
from grading.models import (
    BASIC_CRITERIA,
    Application,
    ApplicationStatus,
    Criterion,
    Eligibility,
)
from registry import levels
from registry.models import Appointment
from registry.models.appointments import held_on

PERCENT_FORMAT = "0.0%"


def _names(round_):
    return (round_.rules or {}).get("levels") or levels.names(round_.bureau)


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


def eligibility_columns(round_) -> list[Column]:
    names = _names(round_)
    criteria = (round_.rules or {}).get("criteria", {})
    labels = dict(Criterion.choices)
    columns = [
        Column(_("Mediator"), lambda e: e.mediator.name, 12),
        Column(_("Committee"), lambda e: e.committee.name if e.committee else "", 28),
        Column(_("Level at the cut-off"), lambda e: levels.name(e.current_rank, names), 10),
        Column(_("Years of service"), lambda e: e.years, 10),
        Column(_("Cases mediated"), lambda e: e.cases, 10),
        Column(_("Successful cases"), lambda e: e.successes, 10),
        Column(_("Success rate"), lambda e: e.success_rate, 10, PERCENT_FORMAT),
        Column(_("Share of oral agreements"), lambda e: e.oral_share, 10, PERCENT_FORMAT),
        Column(_("Difficult and complex cases"), lambda e: e.difficult, 10),
        Column(_("Training hours"), lambda e: e.training_hours, 10),
        Column(_("Average satisfaction"), lambda e: e.satisfaction, 10),
        Column(_("Founded complaints and sanctions"), lambda e: e.complaints, 10),
        Column(_("Disputes turned criminal"), lambda e: e.criminal, 10),
    ]
    columns += [
        Column(
            str(labels[criterion]),
            lambda e, c=criterion: _yes_no(e.checks.get("basic", {}).get(c, True)),
            10,
        )
        for criterion in BASIC_CRITERIA
    ]
    for rank in round_.ranks:
        name = levels.name(rank, names)
        row = criteria.get(str(rank), {})
        threshold = _("%(level)s: at least %(years)s years, %(cases)s cases") % {
            "level": name,
            "years": row.get("years", "—"),
            "cases": row.get("cases", "—"),
        }
        columns.append(
            Column(threshold, lambda e, r=rank: _yes_no(e.passes(r)), 16),
        )
        columns.append(
            Column(
                _("%(level)s: not met") % {"level": name},
                lambda e, r=rank: "、".join(str(labels.get(c, c)) for c in e.failed(r)),
                30,
            )
        )
    columns.append(
        Column(_("Highest level met"), lambda e: levels.name(e.qualified_rank, names), 10)
    )
    return columns


def _eligibility_by_mediator(round_, applications) -> dict:
    ids = [a.mediator_id for a in applications]
    return {e.mediator_id: e for e in Eligibility.objects.filter(round=round_, mediator_id__in=ids)}


def committees_of(round_, applications) -> dict:
    """Each applicant's committee: the latest post held on the cut-off (one query)."""
    ids = [a.mediator_id for a in applications]
    posts = (
        Appointment._base_manager.filter(held_on(round_.cutoff_on), mediator_id__in=ids)
        .select_related("committee")
        .order_by("mediator_id", "starts_on", "pk")
    )
    return {post.mediator_id: post.committee for post in posts}


def decision_columns(round_, applications) -> list[Column]:
    names = _names(round_)
    found = _eligibility_by_mediator(round_, applications)
    committees = committees_of(round_, applications)
    labels = dict(Criterion.choices)

    def failed(a):
        row = found.get(a.mediator_id)
        if row is None:
            return _("Not on the eligibility list")
        return "、".join(str(labels.get(c, c)) for c in row.failed(a.rank))

    columns = [
        Column(_("Mediator"), lambda a: a.mediator.name, 12),
        Column(_("Committee"), lambda a: getattr(committees.get(a.mediator_id), "name", ""), 28),
        Column(_("Level applied for"), lambda a: levels.name(a.rank, names), 10),
        Column(_("Source"), lambda a: a.get_source_display(), 12),
        Column(_("Status"), lambda a: a.get_status_display(), 12),
        Column(
            _("Meets every criterion"),
            lambda a: _yes_no(found.get(a.mediator_id) and found[a.mediator_id].passes(a.rank)),
            10,
        ),
        Column(_("Criteria not met"), failed, 30),
        Column(_("Committee's opinion"), lambda a: a.committee_note, 24),
        Column(_("First review opinion"), lambda a: a.office_note, 24),
        Column(_("Panel's decision"), lambda a: a.decision_note, 24),
        Column(_("Reason for the exception"), lambda a: a.exception_reason, 24),
    ]
    return columns


def notice_columns(round_, committees) -> list[Column]:
    """Name, committee and level: nothing else about a person is public."""
    names = _names(round_)
    return [
        Column(_("Name"), lambda a: a.mediator.name, 12),
        Column(_("Committee"), lambda a: getattr(committees.get(a.mediator_id), "name", ""), 30),
        Column(_("Level"), lambda a: levels.name(a.rank, names), 10),
    ]


class RoundExport(ListExport):
    """One of a round's lists, as its page's filters select it. *round_* was looked
    up in the active jurisdiction (by the page, or by the job as its owner's role)."""

    job_kind = "grading_export"
    key = ""  # which list: the job task's parameter
    filterset_class = None
    model = None
    order = ()

    def __init__(self, role, query, round_):
        super().__init__(role, query)
        self.round = round_

    def job_params(self):
        return {"sheet": self.key, "round": self.round.pk}

    def queryset(self):
        rows = self.model.objects.filter(round=self.round)
        return filtered(self.filterset_class, self.query, rows).order_by(*self.order)


class EligibilityExport(RoundExport):
    key = "eligibility"
    name = "grading-eligibility"
    filterset_class = EligibilityFilterSet
    model = Eligibility
    order = ("mediator__name", "pk")

    def write(self, target, progress=None):
        rows = self.queryset().select_related("mediator", "committee").iterator(chunk_size=CHUNK)
        columns = eligibility_columns(self.round)
        return self.workbook(target, _("Eligibility list"), columns, rows, progress)


class DecisionExport(RoundExport):
    key = "decisions"
    name = "grading-decisions"
    filterset_class = ApplicationFilterSet
    model = Application
    order = ("rank", "mediator__name", "pk")

    def write(self, target, progress=None):
        # Each row needs its eligibility and committee: read per list, not per row.
        applications = list(self.queryset().select_related("mediator"))
        columns = decision_columns(self.round, applications)
        return self.workbook(target, _("Panel decision sheet"), columns, applications, progress)


class NoticeExport(RoundExport):
    key = "notice"
    name = "grading-notice"
    filterset_class = NoticeFilterSet
    model = Application
    order = ("rank", "mediator__name", "pk")

    def queryset(self):
        # The notice lists the approved only, as its page does.
        return super().queryset().filter(status=ApplicationStatus.APPROVED)

    def write(self, target, progress=None):
        applications = list(self.queryset().select_related("mediator"))
        columns = notice_columns(self.round, committees_of(self.round, applications))
        return self.workbook(target, _("Grading notice"), columns, applications, progress)


ROUND_EXPORTS = {export.key: export for export in (EligibilityExport, DecisionExport, NoticeExport)}
