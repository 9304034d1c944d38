"""Exports of the roster lists as workbooks: what a list page shows (its FilterSet
applied to the same query string), with Chinese headers, real dates, and personal
numbers masked unless the user asked to reveal them and their role may.

The mediator export has the import template's columns first, so an unmasked export
can be edited and imported again. Rows are streamed: the queryset is iterated in
chunks with its relations read per chunk, and the writer (core.excel) writes each row
to a temporary file as it comes, so memory stays flat however many rows there are.
"""

import itertools
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.excel import DATE_FORMAT, Column
from core.exports import CHUNK, ListExport, boolean_labels, choice_labels, filtered
from core.subqueries import joined_per_row
from registry.excel.templates import COMMITTEE_COLUMNS, MEDIATOR_COLUMNS
from registry.filtersets import CommitteeFilterSet, MediatorFilterSet
from registry.models import Appointment, Committee, ExpertiseField, Mediator
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


# What a mediator row is read as: plain values, not model instances; building three
# instances a row (mediator, post, committee) and a related manager for the expertise
# took more time than writing it. The personal numbers as their stored masked forms;
# those revealed are read too (and decrypted by their field).
MEDIATOR_VALUES = (
    "pk",
    "id_number_masked",
    "name",
    "gender",
    "birth_date",
    "phone_masked",
    "education",
    "political_status",
    "background",
    "volunteer",
    "expert_pool",
    "bank_name",
    "bank_account_masked",
    "level_name",
    "status",
    "region_id",
)
POST_VALUES = (
    "mediator_id",
    "committee__code",
    "committee__name",
    "post",
    "full_time",
    "paid_by",
    "starts_on",
)


@dataclass(slots=True)
class MediatorLine:
    """One row of the mediator export: the mediator's values, the names of their
    fields of expertise, and the post the row shows (the current full-time one, else
    the latest current one), if any."""

    mediator: tuple
    expertise: str
    post: tuple | None


def mediator_lines(queryset, revealed=frozenset(), chunk=CHUNK):
    """The mediators of *queryset* as MediatorLines, read *chunk* at a time, their
    current posts with one query per chunk; the personal numbers masked, and those
    named in *revealed* in full too.

    The codes of each mediator's fields of expertise come with the mediator's row,
    from a subquery the database answers from the index on the mediator's key (a
    query per chunk by a list of keys read the whole expertise table every time:
    an export's time grew with the square of its size). There are a few dozen
    fields, so their names and order are looked up here."""
    through = Mediator.expertise.through
    records = (
        queryset.annotate(
            expertise_codes=joined_per_row(through.objects, "mediator_id", "expertisefield_id")
        )
        .values_list(*MEDIATOR_VALUES, *sorted(revealed), "expertise_codes", named=True)
        .iterator(chunk_size=chunk)
    )
    fields = list(ExpertiseField.objects.all())  # in their order (position, code)
    position = {field.code: index for index, field in enumerate(fields)}
    names = {field.code: field.name for field in fields}
    joined = {None: ""}  # a set of codes as the database joined them → the names

    def expertise_of(codes):
        if codes not in joined:
            ordered = sorted(codes.split(" "), key=position.__getitem__)
            joined[codes] = "、".join(names[code] for code in ordered)
        return joined[codes]

    while batch := list(itertools.islice(records, chunk)):
        ids = [mediator.pk for mediator in batch]
        posts = {}
        for post in (
            Appointment.objects.filter(held_on(), mediator_id__in=ids)
            .order_by("mediator_id", "-full_time", "-starts_on", "-pk")
            .values_list(*POST_VALUES, named=True)
        ):
            posts.setdefault(post.mediator_id, post)
        for mediator in batch:
            yield MediatorLine(
                mediator, expertise_of(mediator.expertise_codes), posts.get(mediator.pk)
            )


def _post_value(getter):
    def value(line):
        return getter(line.post) if line.post is not None else None

    return value


def mediator_columns(revealed=frozenset()) -> list[Column]:
    def header(key):
        return _header(MEDIATOR_COLUMNS, key)

    def personal(field):
        shown = field if field in revealed else f"{field}_masked"
        return lambda line: getattr(line.mediator, shown) or ""

    def choice(field):
        label = choice_labels(Mediator, field)
        return lambda line: label(getattr(line.mediator, field))

    post, paid_by = choice_labels(Appointment, "post"), choice_labels(Appointment, "paid_by")
    yes_no = boolean_labels()

    return [
        Column(header("id_number"), personal("id_number"), 22),
        Column(header("name"), lambda line: line.mediator.name),
        Column(header("gender"), choice("gender"), 8),
        Column(
            header("birth_date"), lambda line: line.mediator.birth_date, number_format=DATE_FORMAT
        ),
        Column(header("phone"), personal("phone")),
        Column(header("education"), choice("education")),
        Column(header("political_status"), choice("political_status")),
        Column(header("background"), choice("background")),
        Column(header("expertise"), lambda line: line.expertise, 22),
        Column(header("volunteer"), lambda line: yes_no(line.mediator.volunteer), 8),
        Column(header("expert_pool"), lambda line: yes_no(line.mediator.expert_pool), 8),
        Column(header("bank_name"), lambda line: line.mediator.bank_name),
        Column(header("bank_account"), personal("bank_account"), 22),
        Column(header("committee"), _post_value(lambda p: p.committee__code), 20),
        Column(header("post"), _post_value(lambda p: post(p.post))),
        Column(header("full_time"), _post_value(lambda p: yes_no(p.full_time)), 8),
        Column(header("paid_by"), _post_value(lambda p: paid_by(p.paid_by))),
        Column(header("starts_on"), _post_value(lambda p: p.starts_on), number_format=DATE_FORMAT),
        Column(header("ends_on"), lambda line: None, number_format=DATE_FORMAT),
        Column(header("exit_reason"), lambda line: ""),
        Column(gettext_lazy("Committee"), _post_value(lambda p: p.committee__name), 28),
        Column(gettext_lazy("Level"), lambda line: line.mediator.level_name),
        Column(gettext_lazy("Status"), choice("status")),
        Column(gettext_lazy("Division code"), lambda line: line.mediator.region_id, 16),
    ]


def committee_queryset(query):
    queryset = Committee.objects.select_related("region", "office", "industry_field")
    return filtered(CommitteeFilterSet, query, queryset).order_by("region_id", "code")


def mediator_queryset(query):
    return filtered(MediatorFilterSet, query, Mediator.objects.all()).order_by(
        "region_id", "name", "pk"
    )


def revealed_fields(role, asked: bool) -> frozenset:
    """The personal numbers an export shows in full: those the user asked to reveal
    and the role may see; every other is masked."""
    if not asked:
        return frozenset()
    return frozenset(f for f in ("id_number", "phone", "bank_account") if may_reveal(role, f))


def _audited(lines, fields, role):
    """Pass the lines through, auditing the reveal of *fields* chunk by chunk."""
    ids = []
    for line in lines:
        ids.append(line.mediator.pk)
        if len(ids) == CHUNK:
            log_reveals(ids, fields, role=role, via="export")
            ids = []
        yield line
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
        rows = mediator_lines(self.queryset(), fields)
        if fields:
            rows = _audited(rows, sorted(fields), self.role)
        return self.workbook(target, _("Mediators"), mediator_columns(fields), rows, progress)


ROSTER_EXPORTS = {export.name: export for export in (CommitteeExport, MediatorExport)}
