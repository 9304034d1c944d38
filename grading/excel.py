"""The round's workbooks: the eligibility list (every figure, threshold and result),
the panel's decision sheet and the notice list, written through core.excel (text
stays text, numbers and dates typed) with Chinese headers.

A city's eligibility list is about ten thousand rows: the rows are read in chunks
and streamed by openpyxl's write-only mode into a temporary file, so memory stays
flat; the file goes back in the response."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from core.excel import XLSX_CONTENT_TYPE, Column, write_workbook
from core.exports import CHUNK, file_name
from grading.models import BASIC_CRITERIA, Criterion, Eligibility
from registry import levels
from registry.models import Appointment
from registry.models.appointments import held_on

PERCENT_FORMAT = "0.0%"


def _names(round_):
    return (round_.rules or {}).get("levels") or levels.names(round_.bureau)


def _respond(name, title, columns, rows) -> FileResponse:
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_workbook(target, title, columns, rows, every=CHUNK)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=file_name(name), content_type=XLSX_CONTENT_TYPE
    )


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


def eligibility_response(round_, queryset) -> FileResponse:
    rows = queryset.select_related("mediator", "committee").iterator(chunk_size=CHUNK)
    title = _("Eligibility list")
    return _respond("grading-eligibility", title, eligibility_columns(round_), rows)


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


def decision_response(round_, queryset) -> FileResponse:
    applications = list(queryset)
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
    return _respond("grading-decisions", _("Panel decision sheet"), columns, applications)


def notice_columns(round_, committees) -> list[Column]:
    """Name, committee and level: nothing else about a person is public."""
    names = _names(round_)
    return [
        Column(_("Name"), lambda a: a.mediator.name, 12),
        Column(_("Committee"), lambda a: getattr(committees.get(a.mediator_id), "name", ""), 30),
        Column(_("Level"), lambda a: levels.name(a.rank, names), 10),
    ]


def notice_response(round_, queryset) -> FileResponse:
    applications = list(queryset)
    committees = committees_of(round_, applications)
    columns = notice_columns(round_, committees)
    return _respond("grading-notice", _("Grading notice"), columns, applications)
