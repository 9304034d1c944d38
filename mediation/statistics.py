"""The figures bureaus report (seed 002 and the monthly-report fields): cases,
successes, success rate, cases by source and by dispute type, 疑难复杂 cases, amount
involved, oral and written agreements, agreements fulfilled, prevented 民转刑 /
suicide / mass petitions / mass incidents, callbacks and satisfaction.

One function, ``compute``, serves the page, its workbook and the API, so the three
agree. It runs inside the active jurisdiction with a fixed number of queries: the
case figures are conditional aggregates grouped by the rows one level down (city →
county → township by a prefix of the division code, then committee, then lead
mediator), the callbacks a second grouped query, the monthly trend a third.

A case counts in the period it was received; a callback in the period it was made.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.regions import prefix_of
from core.tenancy import active_prefix
from mediation.models import (
    AgreementForm,
    Callback,
    Case,
    CaseResult,
    CaseSource,
    Difficulty,
    DisputeType,
)
from registry.models import Committee, Mediator

# Levels of the drill-down, and the division-code digits that group an area level.
CITY, COUNTY, TOWNSHIP, COMMITTEE, MEDIATOR = "city", "county", "township", "committee", "mediator"
LEVEL_LABELS = {
    CITY: _("City"),
    COUNTY: _("County"),
    TOWNSHIP: _("Township"),
    COMMITTEE: _("Committee"),
    MEDIATOR: _("Lead mediator"),
}
AREA_DIGITS = {CITY: 4, COUNTY: 6, TOWNSHIP: 9}

# The plain counts of a row: key → (label, condition on the case).
COUNTS = {
    "cases": (_("Cases"), Q()),
    "successes": (_("Successful"), Q(result=CaseResult.SUCCESS)),
    "complex_cases": (
        _("Difficult and complex cases"),
        Q(difficulty__in=[Difficulty.COMPLEX, Difficulty.MAJOR]),
    ),
    "oral": (_("Oral agreements"), Q(agreement_form=AgreementForm.ORAL)),
    "written": (_("Written agreements"), Q(agreement_form=AgreementForm.WRITTEN)),
    "fulfilled": (_("Agreements fulfilled"), Q(fulfilled=True)),
    "judicial_confirmations": (_("Judicial confirmations"), Q(judicial_confirmation=True)),
    "prevented_criminal": (_("Prevented 民转刑"), Q(prevented_criminal=True)),
    "prevented_suicide": (_("Prevented suicides"), Q(prevented_suicide=True)),
    "mass_petitions": (_("Prevented mass petitions"), Q(prevented_mass_petition=True)),
    "mass_incidents": (_("Prevented mass incidents"), Q(prevented_mass_incident=True)),
}
# Sums of a row: key → (label, field).
SUMS = {
    "mass_petition_persons": (_("Persons (mass petitions)"), "mass_petition_persons"),
    "mass_incident_persons": (_("Persons (mass incidents)"), "mass_incident_persons"),
}


@dataclass
class Row:
    """The figures of one area, committee or mediator (or the total)."""

    key: str
    name: str
    drill: str = ""  # query string that drills into the row; "" when it cannot
    counts: dict = field(default_factory=dict)
    amount: Decimal = Decimal(0)
    by_source: dict = field(default_factory=dict)  # source value → cases
    by_type: dict = field(default_factory=dict)  # dispute type code → cases
    callbacks: int = 0
    satisfaction_sum: int = 0

    def __getattr__(self, name):
        # Templates and serializers read counts as attributes (row.cases).
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    @property
    def success_rate(self) -> float | None:
        """成功率, as a percentage of the cases received."""
        cases = self.counts.get("cases", 0)
        return round(self.counts.get("successes", 0) * 100 / cases, 1) if cases else None

    @property
    def satisfaction(self) -> float | None:
        """Average satisfaction (1–5) of the callbacks made."""
        return round(self.satisfaction_sum / self.callbacks, 2) if self.callbacks else None

    def add(self, other: "Row"):
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        self.amount += other.amount
        for mine, theirs in ((self.by_source, other.by_source), (self.by_type, other.by_type)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.callbacks += other.callbacks
        self.satisfaction_sum += other.satisfaction_sum


@dataclass
class Statistics:
    start: datetime.date
    end: datetime.date
    level: str
    rows: list[Row]
    total: Row
    dispute_types: list  # [(code, name)] in the list's order
    trend: list  # [(month date, cases, successes)]

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]

    def trend_chart(self) -> dict:
        return {
            "months": [f"{m:%Y-%m}" for m, _c, _s in self.trend],
            "cases": [c for _m, c, _s in self.trend],
            "successes": [s for _m, _c, s in self.trend],
        }

    def type_chart(self) -> list[dict]:
        return [
            {"name": name, "value": self.total.by_type.get(code, 0)}
            for code, name in self.dispute_types
            if self.total.by_type.get(code)
        ]


def level_for(prefix: str, committee=None) -> str:
    """The level one below *prefix* (a division-code prefix), or the mediators of
    *committee*."""
    if committee is not None:
        return MEDIATOR
    if len(prefix) < 4:
        return CITY
    if len(prefix) < 6:
        return COUNTY
    if len(prefix) < 9:
        return TOWNSHIP
    return COMMITTEE


def compute(
    *, start: datetime.date, end: datetime.date, area: str = "", own: bool = False, committee=None
) -> Statistics:
    """The figures of the cases received from *start* to *end* (inclusive) in the
    active jurisdiction, narrowed to *area* (a division code; *own*: only the rows
    registered at that region itself, not below it) or to *committee*, one row per
    child area, committee or lead mediator."""
    cases = Case.objects.filter(received_on__range=(start, end))
    callbacks = Callback.objects.filter(called_on__range=(start, end), satisfaction__isnull=False)
    prefix = prefix_of(area) if area else (active_prefix() or "")
    if committee is not None:
        cases = cases.filter(committee=committee)
        callbacks = callbacks.filter(case__committee=committee)
    elif area and own:
        cases = cases.filter(region_id=area)
        callbacks = callbacks.filter(case__region_id=area)
    elif area:
        cases = cases.filter(region__code__startswith=prefix)
        callbacks = callbacks.filter(case__region__code__startswith=prefix)
    level = COMMITTEE if own and committee is None else level_for(prefix, committee)
    if level in AREA_DIGITS:
        digits = AREA_DIGITS[level]
        case_key = Substr("region_id", 1, digits)
        callback_key = Substr("case__region_id", 1, digits)
    elif level == COMMITTEE:
        case_key, callback_key = F("committee_id"), F("case__committee_id")
    else:
        case_key, callback_key = F("lead_mediator_id"), F("case__lead_mediator_id")

    dispute_types = list(DisputeType.objects.values_list("code", "name"))
    aggregates = {key: Count("pk", filter=cond) for key, (_label, cond) in COUNTS.items()}
    aggregates |= {key: Coalesce(Sum(f), Value(0)) for key, (_label, f) in SUMS.items()}
    aggregates["amount"] = Coalesce(
        Sum("amount"), Value(Decimal(0)), output_field=DecimalField(max_digits=16, decimal_places=2)
    )
    aggregates |= {f"source_{s}": Count("pk", filter=Q(source=s)) for s in CaseSource.values}
    aggregates |= {
        f"type_{code}": Count("pk", filter=Q(dispute_type_id=code)) for code, _n in dispute_types
    }
    grouped = cases.order_by().values(key=case_key).annotate(**aggregates)
    rows = {}
    for values in grouped:
        key = str(values["key"])
        rows[key] = Row(
            key=key,
            name=key,
            counts={k: values[k] for k in (*COUNTS, *SUMS)},
            amount=values["amount"],
            by_source={s: values[f"source_{s}"] for s in CaseSource.values},
            by_type={code: values[f"type_{code}"] for code, _n in dispute_types},
        )
    called = (
        callbacks.order_by()
        .values(key=callback_key)
        .annotate(n=Count("pk"), total=Sum("satisfaction"))
    )
    for values in called:
        row = rows.setdefault(str(values["key"]), Row(key=str(values["key"]), name=""))
        row.callbacks, row.satisfaction_sum = values["n"], values["total"] or 0

    _name_rows(rows, level)
    ordered = sorted(rows.values(), key=lambda r: r.key if level in AREA_DIGITS else r.name)
    total = Row(key="", name=str(_("Total")))
    for row in ordered:
        total.add(row)
    trend = _trend(cases, start, end)
    return Statistics(start, end, level, ordered, total, dispute_types, trend)


def _name_rows(rows: dict, level: str):
    """Name each row and say how to drill into it (one query)."""
    if level in AREA_DIGITS:
        codes = {key: key.ljust(12, "0") for key in rows}
        names = dict(Region.objects.filter(code__in=codes.values()).values_list("code", "name"))
        for key, row in rows.items():
            code = codes[key]
            row.name = names.get(code, code)
            # Committees registered at the region above (a county's own committees
            # grouped by township) drill into those committees, not the same level.
            own = prefix_of(code) != key
            if own:
                row.name = "{} ({})".format(row.name, _("own level"))
            row.drill = f"area={code}" + ("&own=1" if own else "")
    elif level == COMMITTEE:
        names = Committee.objects.filter(pk__in=rows).values_list("pk", "name", "code")
        for pk, name, code in names:
            rows[str(pk)].name = name
            # Named by its record code, as the committee filter takes it.
            rows[str(pk)].drill = f"committee={code}"
    else:
        for pk, name in Mediator.objects.filter(pk__in=rows).values_list("pk", "name"):
            rows[str(pk)].name = name


def _trend(cases, start, end) -> list:
    """Cases and successes per month of the period, months without cases included."""
    per_month = {
        values["month"]: (values["n"], values["ok"])
        for values in cases.order_by()
        .values(month=TruncMonth("received_on"))
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(result=CaseResult.SUCCESS)))
    }
    months, month = [], start.replace(day=1)
    while month <= end:
        n, ok = per_month.get(month, (0, 0))
        months.append((month, n, ok))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def columns(statistics: Statistics) -> list[tuple[str, object]]:
    """(header, value-of-row) of the table, the workbook and the API alike."""
    cols = [(LEVEL_LABELS[statistics.level], lambda r: r.name)]
    cols += [(label, _getter(key)) for key, (label, _c) in list(COUNTS.items())[:2]]
    cols.append((_("Success rate (%)"), lambda r: r.success_rate))
    cols += [(label, _getter(key)) for key, (label, _c) in list(COUNTS.items())[2:3]]
    cols.append((_("Amount involved (yuan)"), lambda r: r.amount))
    cols += [(label, _getter(key)) for key, (label, _c) in list(COUNTS.items())[3:]]
    cols += [(label, _getter(key)) for key, (label, _f) in SUMS.items()]
    cols.append((_("Callbacks"), lambda r: r.callbacks))
    cols.append((_("Average satisfaction"), lambda r: r.satisfaction))
    cols += [(label, _source(value)) for value, label in CaseSource.choices]
    cols += [(name, _type(code)) for code, name in statistics.dispute_types]
    return cols


def _getter(key):
    return lambda r: r.counts.get(key, 0)


def _source(value):
    return lambda r: r.by_source.get(value, 0)


def _type(code):
    return lambda r: r.by_type.get(code, 0)
