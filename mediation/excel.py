"""Case import from a workbook (for bureaus moving from the provincial system), on
core.imports: the template's columns and the importer.

A case has no number from the old system to match on, so its natural key is
(committee code, date received, lead mediator, summary): importing the same file
again finds every case already there and writes nothing. Existing cases are never
changed by an import. New cases are numbered through the numbering service, as
filed cases are, and every row goes through Case.full_clean(), so the import refuses
what the case form refuses (a future date, a mediator without a post in the
committee on that date, a committee outside the jurisdiction, a negative amount…).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import log_created
from core.imports import BOOL, CHOICE, DATE, NEW, UNCHANGED, Column, Importer
from core.imports import template_workbook as build_template
from core.personal import digest, normalize_id_number
from mediation.models import (
    AgreementForm,
    Case,
    CaseResult,
    CaseSource,
    CaseStatus,
    Difficulty,
    DisputeType,
    Party,
    PartyRole,
)
from mediation.services import format_number, next_number
from registry.models import Committee, Mediator
from registry.services import governing_bureau

NAME_SEPARATORS = re.compile(r"[、,，;；/\n]+")
YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))
CHUNK = 2000


def _label(name):
    return capfirst(Case._meta.get_field(name).verbose_name)


CASE_COLUMNS = [
    Column("committee", gettext_lazy("Committee code"), required=True, example="TWH-330602001001"),
    Column(
        "received_on",
        _label("received_on"),
        DATE,
        required=True,
        example=datetime.date(2025, 3, 10),
    ),
    Column(
        "source",
        _label("source"),
        CHOICE,
        required=True,
        choices=tuple(CaseSource.choices),
        example=CaseSource.APPLICATION.label,
        width=18,
    ),
    Column(
        "dispute_type",
        _label("dispute_type"),
        required=True,
        example="邻里纠纷",
        help=gettext_lazy("A name (or code) from the list of dispute types."),
        width=16,
    ),
    Column(
        "summary",
        _label("summary"),
        required=True,
        example="邻里之间因排水沟堵塞发生纠纷。",
        width=40,
    ),
    Column(
        "difficulty",
        _label("difficulty"),
        CHOICE,
        choices=tuple(Difficulty.choices),
        help=gettext_lazy("Empty: ordinary."),
    ),
    Column("amount", _label("amount"), example="12000.00", help=gettext_lazy("Yuan; empty: 0.")),
    Column(
        "lead_mediator",
        gettext_lazy("Lead mediator's ID card number"),
        required=True,
        example="330602198001011234",
        help=gettext_lazy("The mediator must hold a post in the committee on the date received."),
        width=22,
    ),
    Column(
        "status",
        _label("status"),
        CHOICE,
        choices=tuple(CaseStatus.choices),
        help=gettext_lazy("Empty: received."),
    ),
    Column("result", _label("result"), CHOICE, choices=tuple(CaseResult.choices)),
    Column("closed_on", _label("closed_on"), DATE),
    Column(
        "agreement_form", _label("agreement_form"), CHOICE, choices=tuple(AgreementForm.choices)
    ),
    Column("fulfilled", _label("fulfilled"), CHOICE, choices=YES_NO),
    Column("judicial_confirmation", _label("judicial_confirmation"), BOOL),
    Column(
        "applicants",
        gettext_lazy("Applicants' names"),
        required=True,
        example="张三、李四",
        help=gettext_lazy("Separate several names with 、"),
        width=20,
    ),
    Column("respondents", gettext_lazy("Respondents' names"), example="王五", width=20),
]


def case_template() -> bytes:
    return build_template(
        _("Cases"),
        CASE_COLUMNS,
        _("How to fill it in"),
        notes=[
            _(
                "One case per row. A case already in the system (same committee, date "
                "received, lead mediator and summary) is left as it is."
            ),
            _("A closed case needs its result and the date it closed."),
            _("Name every party: two at least, applicants and respondents together."),
        ],
    )


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _names(text) -> list[str]:
    return [n.strip() for n in NAME_SEPARATORS.split(text or "") if n.strip()]


@dataclass
class CasePlan:
    action: str
    case: Case
    parties: list = field(default_factory=list)


class CaseImporter(Importer):
    columns = CASE_COLUMNS
    key = "summary"  # the natural key's last part: a row without it is already an error
    error_columns = {"parties": "applicants"}

    def __init__(self, actor=None):
        self.actor = actor

    def natural_key(self, values):
        return (
            values["committee"],
            values["received_on"],
            digest(normalize_id_number(values["lead_mediator"])),
            values["summary"],
        )

    def prepare(self, rows):
        codes = {row.values["committee"] for row in rows}
        digests = {digest(normalize_id_number(row.values["lead_mediator"])) for row in rows}
        self.committees, self.mediators = {}, {}
        for chunk in _chunks(codes):
            self.committees.update(
                (c.code, c)
                for c in Committee.objects.filter(code__in=chunk).select_related("region")
            )
        for chunk in _chunks(digests):
            self.mediators.update(
                (m.id_number_digest, m)
                for m in Mediator.objects.filter(id_number_digest__in=chunk).only(
                    "pk", "name", "id_number_digest", "region_id"
                )
            )
        self.types = {}
        for dispute_type in DisputeType.objects.all():
            self.types[dispute_type.code.lower()] = dispute_type
            self.types[dispute_type.name] = dispute_type
        self.existing = set()
        committee_ids = [c.pk for c in self.committees.values()]
        for chunk in _chunks(committee_ids):
            self.existing.update(
                Case.objects.filter(committee_id__in=chunk).values_list(
                    "committee_id", "received_on", "lead_mediator_id", "summary"
                )
            )
        self.bureaus = {}

    def plan(self, row):
        values, errors = row.values, {}
        committee = self.committees.get(values["committee"])
        if committee is None:
            errors["committee"] = _("No committee with this code in your jurisdiction.")
        mediator = self.mediators.get(digest(normalize_id_number(values["lead_mediator"])))
        if mediator is None:
            errors["lead_mediator"] = _(
                "No mediator with this ID card number in your jurisdiction."
            )
        dispute_type = self.types.get(values["dispute_type"]) or self.types.get(
            values["dispute_type"].lower()
        )
        if dispute_type is None:
            errors["dispute_type"] = _("Unknown dispute type. Known types: %(names)s.") % {
                "names": "、".join(sorted({t.name for t in self.types.values()}))
            }
        try:
            amount = Decimal(str(values["amount"]).replace(",", "") or "0")
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors["amount"] = _("Enter an amount in yuan, such as 12000.50.")
            amount = Decimal(0)
        if errors:
            raise ValidationError(errors)
        if (committee.pk, values["received_on"], mediator.pk, values["summary"]) in self.existing:
            return CasePlan(UNCHANGED, None)
        fulfilled = {"yes": True, "no": False}.get(values["fulfilled"])
        case = Case(
            committee=committee,
            region=committee.region,
            bureau=self._bureau(committee.region_id),
            received_on=values["received_on"],
            source=values["source"],
            dispute_type=dispute_type,
            summary=values["summary"],
            difficulty=values["difficulty"] or Difficulty.ORDINARY,
            amount=amount,
            lead_mediator=mediator,
            status=values["status"] or CaseStatus.RECEIVED,
            result=values["result"],
            closed_on=values["closed_on"],
            agreement_form=values["agreement_form"],
            fulfilled=fulfilled,
            judicial_confirmation=values["judicial_confirmation"],
            filed_by=self.actor,
        )
        case.full_clean(
            exclude=["bureau", "year", "sequence", "number", "region", "filed_by"],
            validate_unique=False,
        )
        parties = [
            Party(name=name, role=role, region=committee.region)
            for role, key in (
                (PartyRole.APPLICANT, "applicants"),
                (PartyRole.RESPONDENT, "respondents"),
            )
            for name in _names(values[key])
        ]
        Party.check_count(len(parties))  # on the applicants' column
        for party in parties:
            try:
                party.full_clean(exclude=["case", "region"])
            except ValidationError as exc:
                column = "applicants" if party.role == PartyRole.APPLICANT else "respondents"
                raise ValidationError({column: exc.messages}) from exc
        # The same case twice in one file is caught by the duplicate check; twice in
        # two runs by self.existing.
        return CasePlan(NEW, case, parties)

    def _bureau(self, region_code):
        if region_code not in self.bureaus:
            self.bureaus[region_code] = governing_bureau(region_code)
        return self.bureaus[region_code]

    def write(self, plans):
        new = [p for p in plans if p.action == NEW]
        # Numbered in the file's order, per bureau and year, gap-free (the counter row
        # stays locked until the import's transaction ends).
        for plan in new:
            case = plan.case
            case.year = case.received_on.year
            case.sequence = next_number(case.bureau, case.year)
            case.number = format_number(case.bureau, case.year, case.sequence)
        cases = Case.objects.bulk_create([p.case for p in new], batch_size=500)
        log_created(cases, actor=self.actor)
        parties = []
        for plan in new:
            for party in plan.parties:
                party.case = plan.case
                parties.append(party)
        Party.objects.bulk_create(parties, batch_size=1000)
