"""Exports of the roster lists as workbooks: what a list page shows (its FilterSet
applied to the same query string), with Chinese headers, real dates, and personal
numbers masked unless the user asked to reveal them and their role may.

The mediator export has the import template's columns first, so an unmasked export
can be edited and imported again. Rows are streamed: the queryset is iterated in
chunks with its relations prefetched per chunk, and openpyxl's write-only mode writes
to a temporary file, so memory stays flat however many rows there are.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.excel import DATE_FORMAT, Column
from core.exports import CHUNK, ListExport, boolean_labels, choice_labels, filtered
from registry.excel.templates import COMMITTEE_COLUMNS, MEDIATOR_COLUMNS
from registry.filtersets import CommitteeFilterSet, MediatorFilterSet
from registry.models import Appointment, Committee, Mediator
from registry.models.appointments import held_on
from registry.personal_access import log_reveals, may_reveal


def _header(columns, key):
    return next(c.header for c in columns if c.key == key)


def committee_columns() -> list[Column]:
    def header(key):
        return _header(COMMITTEE_COLUMNS, key)

    kind, filing = choice_labels(Committee, "kind"), choice_labels(Committee, "filing_status")
    status = choice_labels(Committee, "status")

    return [
        Column(header("code"), lambda c: c.code, 20),
        Column(header("name"), lambda c: c.name, 28),
        Column(header("kind"), lambda c: kind(c.kind), 22),
        Column(header("region"), lambda c: c.region_id, 16),
        Column(header("office"), lambda c: c.office.name if c.office else "", 18),
        Column(header("address"), lambda c: c.address, 24),
        Column(header("phone"), lambda c: c.phone),
        Column(header("founded_on"), lambda c: c.founded_on, number_format=DATE_FORMAT),
        Column(
            header("industry_field"), lambda c: c.industry_field.name if c.industry_field else ""
        ),
        Column(header("host_institution"), lambda c: c.host_institution, 18),
        Column(header("namesake"), lambda c: c.namesake),
        Column(header("filing_status"), lambda c: filing(c.filing_status)),
        Column(header("filed_on"), lambda c: c.filed_on, number_format=DATE_FORMAT),
        Column(gettext_lazy("Region"), lambda c: c.region.name, 16),
        Column(gettext_lazy("Status"), lambda c: status(c.status)),
        Column(
            gettext_lazy("Deregistered on"), lambda c: c.deregistered_on, number_format=DATE_FORMAT
        ),
    ]


def _post(mediator):
    """The post a row shows: the current full-time one, else the latest current one."""
    return mediator.current_posts[0] if mediator.current_posts else None


def _post_value(getter):
    def value(mediator):
        post = _post(mediator)
        return getter(post) if post is not None else None

    return value


def mediator_columns(revealed=frozenset()) -> list[Column]:
    def header(key):
        return _header(MEDIATOR_COLUMNS, key)

    def personal(field):
        return lambda m: (getattr(m, field) or "") if field in revealed else m.masked(field)

    label = {
        field: choice_labels(Mediator, field)
        for field in ("gender", "education", "political_status", "background", "status")
    }
    post, paid_by = choice_labels(Appointment, "post"), choice_labels(Appointment, "paid_by")
    yes_no = boolean_labels()

    return [
        Column(header("id_number"), personal("id_number"), 22),
        Column(header("name"), lambda m: m.name),
        Column(header("gender"), lambda m: label["gender"](m.gender), 8),
        Column(header("birth_date"), lambda m: m.birth_date, number_format=DATE_FORMAT),
        Column(header("phone"), personal("phone")),
        Column(header("education"), lambda m: label["education"](m.education)),
        Column(header("political_status"), lambda m: label["political_status"](m.political_status)),
        Column(header("background"), lambda m: label["background"](m.background)),
        Column(header("expertise"), lambda m: "、".join(f.name for f in m.expertise.all()), 22),
        Column(header("volunteer"), lambda m: yes_no(m.volunteer), 8),
        Column(header("expert_pool"), lambda m: yes_no(m.expert_pool), 8),
        Column(header("bank_name"), lambda m: m.bank_name),
        Column(header("bank_account"), personal("bank_account"), 22),
        Column(header("committee"), _post_value(lambda p: p.committee.code), 20),
        Column(header("post"), _post_value(lambda p: post(p.post))),
        Column(header("full_time"), _post_value(lambda p: yes_no(p.full_time)), 8),
        Column(header("paid_by"), _post_value(lambda p: paid_by(p.paid_by))),
        Column(header("starts_on"), _post_value(lambda p: p.starts_on), number_format=DATE_FORMAT),
        Column(header("ends_on"), lambda m: None, number_format=DATE_FORMAT),
        Column(header("exit_reason"), lambda m: ""),
        Column(gettext_lazy("Committee"), _post_value(lambda p: p.committee.name), 28),
        Column(gettext_lazy("Level"), lambda m: m.level_name),
        Column(gettext_lazy("Status"), lambda m: label["status"](m.status)),
        Column(gettext_lazy("Division code"), lambda m: m.region_id, 16),
    ]


def committee_queryset(query):
    queryset = Committee.objects.select_related("region", "office", "industry_field")
    return filtered(CommitteeFilterSet, query, queryset).order_by("region_id", "code")


def mediator_queryset(query):
    current = (
        Appointment.objects.filter(held_on())
        .select_related("committee")
        .order_by("-full_time", "-starts_on", "-pk")
    )
    queryset = Mediator.objects.prefetch_related(
        "expertise", Prefetch("appointments", queryset=current, to_attr="current_posts")
    )
    return filtered(MediatorFilterSet, query, queryset).order_by("region_id", "name", "pk")


def revealed_fields(role, asked: bool) -> frozenset:
    """The personal numbers an export shows in full: those the user asked to reveal
    and the role may see; every other is masked."""
    if not asked:
        return frozenset()
    return frozenset(f for f in ("id_number", "phone", "bank_account") if may_reveal(role, f))


def _audited(mediators, fields, role):
    """Pass the mediators through, auditing the reveal of *fields* chunk by chunk."""
    ids = []
    for mediator in mediators:
        ids.append(mediator.pk)
        if len(ids) == CHUNK:
            log_reveals(ids, fields, role=role, via="export")
            ids = []
        yield mediator
    if ids:
        log_reveals(ids, fields, role=role, via="export")


class RosterExport(ListExport):
    """A roster list's export (core.exports), run as a job by
    registry.excel.tasks.export_roster when it is big. *reveal*: the user asked for
    personal numbers in full (only the mediators have any)."""

    def __init__(self, role, query, reveal=False):
        super().__init__(role, query, reveal=reveal)

    def job_params(self):
        return {"records": self.name, **self.options}


class CommitteeExport(RosterExport):
    name = "committees"
    job_kind = "export_committees"

    def queryset(self):
        return committee_queryset(self.query)

    def write(self, target, progress=None):
        rows = self.queryset().iterator(chunk_size=CHUNK)
        return self.workbook(target, _("Committees"), committee_columns(), rows, progress)


class MediatorExport(RosterExport):
    name = "mediators"
    job_kind = "export_mediators"

    def queryset(self):
        return mediator_queryset(self.query)

    def revealed(self) -> frozenset:
        return revealed_fields(self.role, self.options["reveal"])

    def write(self, target, progress=None):
        fields = self.revealed()
        rows = self.queryset().iterator(chunk_size=CHUNK)
        if fields:
            rows = _audited(rows, sorted(fields), self.role)
        return self.workbook(target, _("Mediators"), mediator_columns(fields), rows, progress)


ROSTER_EXPORTS = {export.name: export for export in (CommitteeExport, MediatorExport)}
