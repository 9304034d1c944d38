"""The evaluation's workbooks: the evaluation sheet (every figure, the score and the
grade of each mediator, as the page's filters select them) and the renewal list (the
candidates with the reason, the figures behind it and the decision). Both are
core.exports.ListExports: small ones stream in the request, big ones run as a job."""

from django.utils.translation import gettext as _

from core.excel import Column
from core.exports import CHUNK, ListExport, choice_labels, filtered
from evaluation.forms import CandidateFilterSet, EntryFilterSet
from evaluation.models import EvaluationEntry, RenewalCandidate

PERCENT_FORMAT = "0.0%"


def entry_columns(entry_of=lambda row: row) -> list[Column]:
    """The figures of an entry; *entry_of* finds the entry in a row (a candidate's)."""
    grades = choice_labels(EvaluationEntry, "grade")
    return [
        Column(_("Rank"), lambda r: entry_of(r).rank, 8),
        Column(_("Mediator"), lambda r: entry_of(r).mediator.name, 12),
        Column(
            _("Committee"),
            lambda r: entry_of(r).committee.name if entry_of(r).committee else "",
            28,
        ),
        Column(_("Cases"), lambda r: entry_of(r).cases, 8),
        Column(_("Successes"), lambda r: entry_of(r).successes, 8),
        Column(_("Success rate"), lambda r: entry_of(r).success_rate, 10, PERCENT_FORMAT),
        Column(
            _("Agreement fulfilment rate"),
            lambda r: entry_of(r).fulfilment_rate,
            10,
            PERCENT_FORMAT,
        ),
        Column(_("Average satisfaction"), lambda r: entry_of(r).satisfaction, 10),
        Column(_("Training hours"), lambda r: entry_of(r).training_hours, 10),
        Column(_("Attendance rate"), lambda r: entry_of(r).attendance_rate, 10, PERCENT_FORMAT),
        Column(_("Founded complaints"), lambda r: entry_of(r).complaints, 10),
        Column(_("Score"), lambda r: entry_of(r).score, 8),
        Column(_("Computed grade"), lambda r: grades(entry_of(r).computed_grade), 10),
        Column(_("Grade"), lambda r: grades(entry_of(r).grade), 10),
        Column(_("Reason for the grade change"), lambda r: entry_of(r).adjustment_reason, 30),
    ]


class EvaluationSheetExport(ListExport):
    """One evaluation's sheet. *evaluation* was looked up in the active jurisdiction
    (by the page, or by the job as its owner's role)."""

    name = "evaluation"
    job_kind = "evaluation_export"
    key = "sheet"

    def __init__(self, role, query, evaluation):
        super().__init__(role, query)
        self.evaluation = evaluation

    def job_params(self):
        return {"sheet": self.key, "evaluation": self.evaluation.pk}

    def queryset(self):
        rows = EvaluationEntry.objects.filter(evaluation=self.evaluation)
        return filtered(EntryFilterSet, self.query, rows).order_by("rank", "mediator_id")

    def write(self, target, progress=None):
        rows = self.queryset().select_related("mediator", "committee").iterator(chunk_size=CHUNK)
        return self.workbook(target, _("Annual evaluation"), entry_columns(), rows, progress)


class RenewalListExport(EvaluationSheetExport):
    """One evaluation's renewal list, with the decisions taken so far."""

    name = "renewal-list"
    key = "renewal"

    def queryset(self):
        rows = RenewalCandidate.objects.filter(evaluation=self.evaluation)
        return filtered(CandidateFilterSet, self.query, rows).order_by("entry__rank", "pk")

    def write(self, target, progress=None):
        reasons = choice_labels(RenewalCandidate, "reason")
        decisions = choice_labels(RenewalCandidate, "decision")
        columns = [
            *entry_columns(lambda c: c.entry),
            Column(_("Why listed"), lambda c: reasons(c.reason), 20),
            Column(_("Quarters under target"), lambda c: c.quarters_under, 10),
            Column(_("Decision"), lambda c: decisions(c.decision), 12),
            Column(_("Contract ends on"), lambda c: c.ends_on, 12),
            Column(_("Note"), lambda c: c.note, 30),
        ]
        rows = self.queryset().select_related("entry__mediator", "entry__committee")
        return self.workbook(
            target, _("Renewal list"), columns, rows.iterator(chunk_size=CHUNK), progress
        )


EXPORTS = {export.key: export for export in (EvaluationSheetExport, RenewalListExport)}
