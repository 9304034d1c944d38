"""A mediator's monthly statement, so they can check their pay: each line of the
month (one per payer) with its amounts and rule version, the cases it counted with
the rate applied, and the cases they mediated that month that were not counted,
each with the reason (subsidies.eligibility.why_not, the settlement's own words).
A constant number of queries per statement."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from mediation.models import Case
from subsidies import months
from subsidies.models import SettledCase, SettlementLine

ZERO = Decimal("0.00")
AMOUNTS = ("base", "case_amount", "bonus", "award", "capped", "adjustment", "total")


@dataclass
class NotCounted:
    case: Case
    reason: str


@dataclass
class Statement:
    mediator: object
    month: datetime.date
    lines: list = field(default_factory=list)
    counted: list = field(default_factory=list)  # SettledCase rows
    not_counted: list = field(default_factory=list)  # NotCounted
    totals: dict = field(default_factory=dict)

    @property
    def final(self) -> bool:
        """Every line's settlement is approved or later: the amounts will not change."""
        return bool(self.lines) and all(line.settlement.locked for line in self.lines)


def months_of(mediator, limit=24) -> list[datetime.date]:
    """The months the mediator has settlement lines in, newest first."""
    found = (
        SettlementLine.objects.filter(mediator=mediator)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )
    return list(found[:limit])


def statement(mediator, month: datetime.date) -> Statement:
    lines = list(
        SettlementLine.objects.filter(mediator=mediator, month=month)
        .select_related("settlement__bureau", "rule_version")
        .order_by("payer", "pk")
    )
    counted = list(
        SettledCase.objects.filter(line__in=[line.pk for line in lines])
        .select_related("case", "line")
        .order_by("case__closed_on", "case__number")
    )
    totals = {name: sum((getattr(line, name) for line in lines), ZERO) for name in AMOUNTS}
    totals["cases"] = sum(line.cases for line in lines)
    found = Statement(mediator, month, lines, counted, totals=totals)
    found.not_counted = _not_counted(mediator, month, lines, {c.case_id for c in counted})
    return found


def _not_counted(mediator, month, lines, counted_ids) -> list[NotCounted]:
    """Cases the mediator led or assisted that closed in *month* and are not on this
    month's lines: counted in another month, or why not, under the month's rules."""
    from subsidies import eligibility, rules

    cases = list(
        Case.objects.filter(
            Q(lead_mediator=mediator) | Q(assistants=mediator),
            closed_on__gte=month,
            closed_on__lte=months.last_day(month),
        )
        .exclude(pk__in=counted_ids)
        .select_related("subsidy_review")
        .distinct()
        .order_by("closed_on", "number")
    )
    if not cases:
        return []
    elsewhere = dict(
        SettledCase.objects.filter(case__in=cases, mediator=mediator).values_list(
            "case_id", "line__month"
        )
    )
    version = lines[0].rule_version if lines else _version(mediator, month)
    found_rules = rules.rules_of(version) if version is not None else None
    result = []
    for case in cases:
        if case.pk in elsewhere:
            reason = _("Counted in the settlement of %(month)s.") % {
                "month": f"{elsewhere[case.pk]:%Y-%m}"
            }
        elif found_rules is None:
            reason = _("No subsidy rules are in force for this month.")
        else:
            reason = eligibility.why_not(case, found_rules) or _(
                "Not yet settled: it counts in the next settlement."
            )
        result.append(NotCounted(case, reason))
    return result


def _version(mediator, month):
    from registry.services import governing_bureau
    from subsidies import rules

    bureau = governing_bureau(mediator.region_id)
    return rules.version_for(bureau, month) if bureau is not None else None
