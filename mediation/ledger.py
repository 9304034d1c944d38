"""The case ledger (调解案件台账): the case list's export, one row per case, with the
columns finance and the bureaus keep their ledgers in.

It exports what the list's filters select (CaseFilterSet on the same query string),
in ledger order: by numbering bureau, year and sequence. Parties appear by name and
role with their ID and phone numbers masked; the summary is left out, since it is
free text that may hold numbers no one masked. The headers carry their own message
context, so relabelling a field on the pages never changes a column finance sums by.

Each chunk of cases costs the same few queries however many parties, assistants and
callbacks it has: the committee with its region's township and county, the dispute
type and the lead mediator are joined in, and parties, assistants and recorded
callbacks are prefetched per chunk.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.excel import DATE_FORMAT, MONEY_FORMAT, Column
from core.exports import CHUNK, ListExport, boolean_labels, choice_labels, filtered
from core.regions import RegionLevel
from mediation.forms.cases import CaseFilterSet
from mediation.models import Callback, Case, Party
from registry.models import Mediator

# The committee's region and up to two levels above it: a village's township and county.
AREA_PATH = "committee__region__parent__parent"
AREA_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def area_name(region) -> str:
    """The county and township of a committee's region, as an address names them
    (柯桥区安昌街道); just the county for a county-level committee."""
    names = {}
    node = region
    while node is not None and node.level not in (RegionLevel.CITY, RegionLevel.PROVINCE):
        names[node.level] = node.name
        if node.level == RegionLevel.COUNTY:
            break
        node = node.parent
    return "".join(names[level] for level in AREA_LEVELS if level in names)


def _parties(role_label):
    def parties(case) -> str:
        """申请人 张三（3306**********1234，139****5678）；被申请人 李四"""
        shown = []
        for party in case.party_list:
            text = f"{role_label(party.role)} {party.name}"
            numbers = "，".join(n for n in (party.id_number_masked, party.phone_masked) if n)
            shown.append(f"{text}（{numbers}）" if numbers else text)
        return "；".join(shown)

    return parties


def _callback(getter):
    """A value of the case's latest recorded callback; empty when it had none."""

    def value(case):
        return getter(case.recorded_callbacks[0]) if case.recorded_callbacks else None

    return value


def ledger_columns() -> list[Column]:
    label = {
        field: choice_labels(Case, field)
        for field in ("source", "difficulty", "status", "result", "agreement_form")
    }
    yes_no = boolean_labels()
    return [
        Column(pgettext_lazy("case ledger", "Case number"), lambda c: c.number, 20),
        Column(
            pgettext_lazy("case ledger", "Received on"), lambda c: c.received_on, 12, DATE_FORMAT
        ),
        Column(pgettext_lazy("case ledger", "Committee"), lambda c: c.committee.name, 28),
        Column(pgettext_lazy("case ledger", "Area"), lambda c: area_name(c.committee.region), 22),
        Column(pgettext_lazy("case ledger", "Lead mediator"), lambda c: c.lead_mediator.name, 10),
        Column(
            pgettext_lazy("case ledger", "Assisting mediators"),
            lambda c: "、".join(m.name for m in c.assistant_list),
        ),
        Column(pgettext_lazy("case ledger", "Parties"), _parties(choice_labels(Party, "role")), 48),
        Column(pgettext_lazy("case ledger", "Dispute type"), lambda c: c.dispute_type.name),
        Column(pgettext_lazy("case ledger", "Source"), lambda c: label["source"](c.source)),
        Column(
            pgettext_lazy("case ledger", "Difficulty"),
            lambda c: label["difficulty"](c.difficulty),
            10,
        ),
        Column(pgettext_lazy("case ledger", "Status"), lambda c: label["status"](c.status), 8),
        Column(pgettext_lazy("case ledger", "Result"), lambda c: label["result"](c.result), 10),
        Column(pgettext_lazy("case ledger", "Closed on"), lambda c: c.closed_on, 12, DATE_FORMAT),
        Column(
            pgettext_lazy("case ledger", "Agreement form"),
            lambda c: label["agreement_form"](c.agreement_form),
        ),
        Column(
            pgettext_lazy("case ledger", "Amount involved (yuan)"),
            lambda c: c.amount,
            16,
            MONEY_FORMAT,
        ),
        Column(pgettext_lazy("case ledger", "Fulfilled"), lambda c: yes_no(c.fulfilled), 10),
        Column(
            pgettext_lazy("case ledger", "Judicial confirmation"),
            lambda c: yes_no(c.judicial_confirmation),
            10,
        ),
        Column(
            pgettext_lazy("case ledger", "Callback date"),
            _callback(lambda b: b.called_on),
            12,
            DATE_FORMAT,
        ),
        Column(
            pgettext_lazy("case ledger", "Callback satisfaction"),
            _callback(lambda b: b.satisfaction),
            10,
        ),
        Column(
            pgettext_lazy("case ledger", "Fulfilled at callback"),
            _callback(lambda b: yes_no(b.fulfilled)),
            10,
        ),
        Column(
            pgettext_lazy("case ledger", "Prevented 民转刑"),
            lambda c: yes_no(c.prevented_criminal),
            10,
        ),
        Column(
            pgettext_lazy("case ledger", "Prevented suicide"),
            lambda c: yes_no(c.prevented_suicide),
            10,
        ),
        Column(
            pgettext_lazy("case ledger", "Prevented mass petition"),
            lambda c: yes_no(c.prevented_mass_petition),
        ),
        Column(
            pgettext_lazy("case ledger", "Persons (mass petition)"),
            lambda c: c.mass_petition_persons,
            10,
        ),
        Column(
            pgettext_lazy("case ledger", "Prevented mass incident"),
            lambda c: yes_no(c.prevented_mass_incident),
        ),
        Column(
            pgettext_lazy("case ledger", "Persons (mass incident)"),
            lambda c: c.mass_incident_persons,
            10,
        ),
    ]


def ledger_queryset(query):
    """The cases *query* selects, with everything a ledger row shows. What belongs to a
    case (its parties, assistants and callbacks) is read with it through the base
    managers: the case itself was reached through the scoped queryset."""
    queryset = Case.objects.select_related(
        AREA_PATH, "dispute_type", "lead_mediator"
    ).prefetch_related(
        # Into lists (to_attr): a related manager's all() builds a queryset per row.
        Prefetch("parties", queryset=Party._base_manager.order_by("pk"), to_attr="party_list"),
        Prefetch(
            "assistants",
            queryset=Mediator._base_manager.only("pk", "name").order_by("name"),
            to_attr="assistant_list",
        ),
        Prefetch(
            "callbacks",
            queryset=Callback._base_manager.filter(called_on__isnull=False).order_by(
                "-called_on", "-pk"
            ),
            to_attr="recorded_callbacks",
        ),
    )
    return filtered(CaseFilterSet, query, queryset).order_by("bureau_id", "year", "sequence")


class CaseLedger(ListExport):
    """The case list's export (core.exports); a job (mediation.jobs.ledger) beyond
    core.exports.STREAM_LIMIT cases."""

    name = "case-ledger"
    job_kind = "export_cases"

    def queryset(self):
        return ledger_queryset(self.query)

    def write(self, target, progress=None):
        rows = self.queryset().iterator(chunk_size=CHUNK)
        return self.workbook(target, _("Case ledger"), ledger_columns(), rows, progress)
