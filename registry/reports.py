"""The roster's reports: staffing-standard compliance, training per mediator, data
completeness and open term warnings.

Each runs inside the active jurisdiction with a fixed number of queries, however many
committees or mediators it covers: the rules of every bureau concerned become one SQL
CASE, and the per-area figures are conditional aggregates grouped by a prefix of the
division code (6 digits: county, 9: township).

What a figure needs from another table (a committee's full-time mediators, whether a
mediator holds a post) is computed once for the whole jurisdiction, as a grouped or
distinct set LEFT JOINed to the rows (``_joined``): a subquery or EXISTS per row is an
index probe per row, millions at province scale.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.policy_sql import bureau_rules, overrides, rule_expression
from core.regions import RegionLevel, prefix_of
from core.subqueries import count_per_row
from core.tenancy import active_prefix
from registry.models import (
    Appointment,
    Committee,
    CommitteeStatus,
    CommitteeType,
    FilingStatus,
    Mediator,
    MediatorStatus,
    TrainingAttendance,
)
from registry.models.appointments import held_on, unfunded_full_time

COUNTY_DIGITS = 6
TOWNSHIP_DIGITS = 9


def required_full_time():
    """Each committee's minimum of full-time mediators under its governing bureau's
    staffing standard, as an SQL expression."""
    rules = bureau_rules("staffing_standard")
    whens = []
    for kind in CommitteeType.values:
        per_prefix = {p: rule.get(kind, 0) for p, rule in rules.items()}
        whens += [
            When(kind=kind, region__code__startswith=p, then=Value(n))
            for p, n in overrides(per_prefix)
        ]
        whens.append(When(kind=kind, then=Value(per_prefix[""])))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def min_training_sessions():
    """Each mediator's minimum training sessions a year (policy training_min_sessions
    of the bureau governing their region), as an SQL expression."""
    return rule_expression("training_min_sessions")


# --- Areas (counties, townships) -------------------------------------------------------


def area_names() -> dict[str, str]:
    """Names of the counties and townships in the jurisdiction by 12-digit code (one
    query; the filter forms offer the same list)."""
    return dict(
        Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        .order_by("code")
        .values_list("code", "name")
    )


def area_digits(region: str = "") -> int:
    """Group by township once the view is narrowed to one county (by a filter or the
    user's own jurisdiction), else by county."""
    narrowest = max(len(active_prefix() or ""), len(prefix_of(region)) if region else 0)
    return TOWNSHIP_DIGITS if narrowest >= COUNTY_DIGITS else COUNTY_DIGITS


@dataclass
class Area:
    code: str  # 12-digit code of the county or township
    name: str
    county_level: bool = False  # the rows registered at the county itself

    @classmethod
    def of(cls, area_prefix: str, names: dict[str, str]):
        code = area_prefix.ljust(12, "0")
        county_level = len(prefix_of(code)) == COUNTY_DIGITS and len(area_prefix) > COUNTY_DIGITS
        return cls(code, names.get(code, code), county_level)


def county_and_township(region_id: str, names: dict[str, str]) -> tuple[str, str]:
    """The names of the county and township a region lies in ("" for none)."""
    county = region_id[:COUNTY_DIGITS].ljust(12, "0")
    township = region_id[:TOWNSHIP_DIGITS].ljust(12, "0")
    return names.get(county, ""), names.get(township, "") if township != county else ""


def _within(queryset, region: str):
    return queryset.filter(region__code__startswith=prefix_of(region)) if region else queryset


def _joined(rows, sets: dict) -> tuple[str, list]:
    """A FROM clause: the *rows* queryset as ``t`` (its key in column ``row_id``), and
    each of *sets* (querysets with a ``k`` column) LEFT JOINed on ``k = t.row_id``
    under its name."""
    sql, params = rows.query.sql_with_params()
    clauses, params = [f"({sql}) t"], list(params)
    for name, queryset in sets.items():
        set_sql, set_params = queryset.query.sql_with_params()
        clauses.append(f"LEFT JOIN ({set_sql}) {name} ON {name}.k = t.row_id")
        params += set_params
    return " ".join(clauses), params


def _fetch(rows, sql: str, params: list) -> list[tuple]:
    # On the database the rows' queryset reads from (a replica, for reports).
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Staffing-standard compliance --------------------------------------------------------


def members_now(**posts):
    """Mediators holding a post in the committee today (narrowed by *posts*, e.g.
    ``full_time=True``): a subquery per committee row, for tables, where the database
    runs it for the rows it returns only (after ORDER BY … LIMIT)."""
    # The base manager inside a subquery: the outer committee query is already scoped.
    held = Appointment._base_manager.filter(held_on(), **posts)
    return count_per_row(held, "committee", Count("mediator", distinct=True))


def full_time_now():
    """Full-time mediators holding a post in the committee today."""
    return members_now(full_time=True)


def full_time_counts():
    """(committee ``k``, full-time mediators holding a post there today ``n``) for
    every committee with any: one grouped scan of the posts."""
    return (
        Appointment._base_manager.filter(held_on(), full_time=True)
        .order_by()
        .values(k=F("committee_id"))
        .annotate(n=Count("mediator_id", distinct=True))
    )


def _active_committees(region: str = "", kind: str = ""):
    committees = _within(Committee.objects.filter(status=CommitteeStatus.ACTIVE), region)
    return committees.filter(kind=kind) if kind else committees


# Figures of one committee row ``t`` (with its ``required``) joined to full_time_counts
# as ``ft``.
_ACTUAL = "COALESCE(ft.n, 0)"
_SHORT = f"{_ACTUAL} < t.required"


def _staffing_rows(committees, required, **extra):
    return committees.order_by().values(row_id=F("pk"), required=required, **extra)


def staffed_committees(region: str = "", kind: str = "", required=None):
    """Active committees annotated with ``required``, ``actual`` (full-time mediators
    now) and ``shortfall`` in people: the table (a page, or the workbook), where the
    count per row is made for the rows read."""
    committees = _active_committees(region, kind)
    required = required_full_time() if required is None else required
    return committees.annotate(required=required, actual=full_time_now()).annotate(
        shortfall=Case(
            When(actual__lt=F("required"), then=F("required") - F("actual")),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


@dataclass
class ComplianceArea:
    area: Area
    committees: int = 0
    with_requirement: int = 0
    meeting: int = 0
    shortfall: int = 0

    @property
    def short(self) -> int:
        return self.with_requirement - self.meeting

    @property
    def rate(self) -> float | None:
        """达标率: committees meeting the standard among those it asks anything of."""
        return self.meeting / self.with_requirement if self.with_requirement else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)


@dataclass
class ComplianceRates:
    """The rates per county (or township) and in all: what the page, the dashboard's
    count and chart read, kept as a snapshot for a large jurisdiction."""

    areas: list[ComplianceArea]
    total: ComplianceArea
    by_township: bool

    def chart(self) -> dict:
        return {
            "names": [a.area.name for a in self.areas],
            "rates": [a.percent for a in self.areas],
        }


@dataclass
class ComplianceReport:
    rates: ComplianceRates
    committees: object  # the annotated queryset of the table and the export

    @property
    def areas(self):
        return self.rates.areas

    @property
    def total(self):
        return self.rates.total

    @property
    def by_township(self):
        return self.rates.by_township

    def chart(self) -> dict:
        return self.rates.chart()


def compliance_rates(
    *, region: str = "", kind: str = "", names=None, required=None
) -> ComplianceRates:
    """Each county's (or township's) active committees, those the standard asks for
    full-time mediators, those meeting it and the people short; one grouped query."""
    names = area_names() if names is None else names
    digits = area_digits(region)
    required = required_full_time() if required is None else required
    rows = _staffing_rows(
        _active_committees(region, kind), required, area=Substr("region_id", 1, digits)
    )
    joined, params = _joined(rows, {"ft": full_time_counts()})
    grouped = _fetch(
        rows,
        f"SELECT t.area, COUNT(*),"
        f" SUM(CASE WHEN t.required > 0 THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN t.required > 0 AND NOT ({_SHORT}) THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {_SHORT} THEN t.required - {_ACTUAL} ELSE 0 END)"
        f" FROM {joined} GROUP BY t.area ORDER BY t.area",
        params,
    )
    areas = [
        # SUM of a COUNT's difference is numeric on PostgreSQL: a whole number here.
        ComplianceArea(Area.of(area, names), n, with_requirement, meeting, int(people_short or 0))
        for area, n, with_requirement, meeting, people_short in grouped
    ]
    total = ComplianceArea(
        Area(region or "", ""),
        sum(a.committees for a in areas),
        sum(a.with_requirement for a in areas),
        sum(a.meeting for a in areas),
        sum(a.shortfall for a in areas),
    )
    return ComplianceRates(areas, total, digits == TOWNSHIP_DIGITS)


def compliance(
    *, region: str = "", kind: str = "", only_short: bool = False, names=None, rates=None
):
    """Each active committee's required and actual full-time count, and the rate per
    county (or township): *rates* when given (a kept snapshot of compliance_rates for
    the same filters). *only_short* narrows the table, never the rates."""
    required = required_full_time()  # the rules are read once for the rates and the table
    if rates is None:
        rates = compliance_rates(region=region, kind=kind, names=names, required=required)
    table = (
        staffed_committees(region, kind, required)
        .select_related("region")
        .order_by("region_id", "code")
    )
    if only_short:
        table = table.filter(shortfall__gt=0)
    return ComplianceReport(rates, table)


# --- Training --------------------------------------------------------------------------


def _attendance_in(year: int):
    """Attendance at the sessions held in *year*. Sessions organised above the
    jurisdiction count too (the base manager): attendance is the mediator's."""
    days = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return TrainingAttendance._base_manager.filter(session__held_on__range=days).order_by()


def _serving(region: str = "", name: str = ""):
    mediators = _within(Mediator.objects.filter(status=MediatorStatus.ACTIVE), region)
    return mediators.filter(name__contains=name) if name else mediators


def training_report(year: int, *, region: str = "", name: str = "", only_below: bool = False):
    """Serving mediators with the training sessions they attended in *year* and the
    hours, beside the minimum their bureau asks (``below`` when unmet). The figures
    are subqueries per row, which the database runs for the rows of the page it
    reads only (the order is the (region, name) index's)."""
    attended = _attendance_in(year).filter(mediator=OuterRef("pk")).values("mediator")
    mediators = (
        _serving(region, name)
        .select_related("region")
        .annotate(
            sessions=Coalesce(Subquery(attended.annotate(n=Count("pk")).values("n")), Value(0)),
            hours=Coalesce(
                Subquery(attended.annotate(h=Sum("session__hours")).values("h")),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=7, decimal_places=1),
            ),
            min_sessions=min_training_sessions(),
        )
        .order_by("region_id", "name", "pk")
    )
    return below_minimum(mediators) if only_below else mediators


def below_minimum(report):
    """The rows of a training report below their bureau's minimum of sessions."""
    return report.filter(sessions__lt=F("min_sessions"))


@dataclass
class TrainingCounts:
    listed: int  # the rows the report lists
    below: int  # of the serving mediators it covers, those below their minimum


def training_counts(year: int, *, region: str = "", name: str = "", only_below: bool = False):
    """How many rows the training report lists and how many are below the minimum,
    in one query: the year's sessions counted per mediator once and joined."""
    rows = _serving(region, name).order_by().values(row_id=F("pk"), minimum=min_training_sessions())
    per_mediator = _attendance_in(year).values(k=F("mediator_id")).annotate(n=Count("pk"))
    joined, params = _joined(rows, {"a": per_mediator})
    ((listed, below),) = _fetch(
        rows,
        f"SELECT COUNT(*), SUM(CASE WHEN COALESCE(a.n, 0) < t.minimum THEN 1 ELSE 0 END)"
        f" FROM {joined}",
        params,
    )
    below = int(below or 0)
    return TrainingCounts(below if only_below else listed, below)


# --- Data completeness ---------------------------------------------------------------


def _committee_checks() -> dict[str, Q]:
    """Field → the condition of an active committee having it (seed 000: 100 %)."""
    rooms_and_townships = [CommitteeType.TOWNSHIP, CommitteeType.VILLAGE]
    return {
        "name": ~Q(name=""),
        "code": ~Q(code=""),
        "industry_field": ~Q(kind=CommitteeType.INDUSTRY) | Q(industry_field__isnull=False),
        "host_institution": ~Q(kind=CommitteeType.DISPATCHED) | ~Q(host_institution=""),
        "namesake": ~Q(kind=CommitteeType.NAMED) | ~Q(namesake=""),
        "address": ~Q(address=""),
        "phone": ~Q(phone=""),
        "founded_on": Q(founded_on__isnull=False),
        "office": ~Q(kind__in=rooms_and_townships) | Q(office__isnull=False),
        "filing_status": Q(filing_status=FilingStatus.FILED),
    }


def _mediator_checks() -> dict[str, Q]:
    return {
        "gender": ~Q(gender=""),
        "birth_date": Q(birth_date__isnull=False),
        # Phones are encrypted; an empty one has an empty keyed hash.
        "phone": ~Q(phone_digest=""),
        "education": ~Q(education=""),
        "political_status": ~Q(political_status=""),
        "background": ~Q(background=""),
        # The photo is not required: it is published only with consent, and seed 000's
        # 100 % counts records entered, not portraits.
    }


def _mediator_sets() -> dict[str, tuple[object, bool]]:
    """Field → (the distinct mediators of a set, whether having it means complete)."""
    # The base manager: a post in a committee outside the jurisdiction counts too, and
    # the join keeps the jurisdiction's mediators only.
    posts = Appointment._base_manager.filter(held_on()).order_by()
    return {
        "expertise": (
            Mediator.expertise.through.objects.order_by().values(k=F("mediator_id")).distinct(),
            True,
        ),
        "appointments": (posts.values(k=F("mediator_id")).distinct(), True),
        # A full-time post names who pays (补贴来源); posts stored before that rule may
        # not, and are counted here until someone enters it.
        "funding": (
            posts.filter(unfunded_full_time()).values(k=F("mediator_id")).distinct(),
            False,
        ),
    }


def mediator_record_checks(on=None, within=None) -> dict[str, Q]:
    """What a complete mediator record has, as filters on a mediator query (grading
    reads them with the posts held on its cut-off date *on*; today by default). The
    same fields as the completeness report, which joins the sets once instead.
    *within*, a filter on ``mediator``, narrows the subqueries to the mediators the
    outer query reads (a batch of them): PostgreSQL may hash a subquery's whole table
    once per query, which per batch would read a province's table again each time."""
    # Subqueries on the base manager: the outer mediator query is already scoped.
    expertise = Mediator.expertise.through.objects.filter(mediator_id=OuterRef("pk"))
    post = Appointment._base_manager.filter(held_on(on), mediator=OuterRef("pk"))
    if within is not None:
        expertise, post = expertise.filter(within), post.filter(within)
    return _mediator_checks() | {
        "expertise": Q(Exists(expertise)),
        "appointments": Q(Exists(post)),
        "funding": ~Q(Exists(post.filter(unfunded_full_time()))),
    }


def _field_label(model, name):
    if model is Mediator and name == "appointments":
        return _("current appointment")
    if model is Mediator and name == "funding":
        return _("funding source of the full-time post")
    return model._meta.get_field(name).verbose_name


@dataclass
class CompletenessRow:
    area: Area
    total: int
    complete: int
    missing: dict[str, int]  # field → records lacking it
    labels: dict[str, str]  # field → its label

    @property
    def percent(self) -> float | None:
        return round(self.complete * 100 / self.total, 1) if self.total else None

    @property
    def most_missing(self) -> tuple[str, str, int] | None:
        """(field, label, records lacking it) of the field missing most often."""
        name, count = max(self.missing.items(), key=lambda kv: kv[1], default=("", 0))
        return (name, self.labels[name], count) if count else None

    def fields_by_missing(self) -> list[tuple[str, int]]:
        """(label, records lacking it), most missing first."""
        ranked = sorted(self.missing.items(), key=lambda kv: -kv[1])
        return [(self.labels[name], count) for name, count in ranked if count]


@dataclass
class CompletenessTable:
    rows: list[CompletenessRow]
    total: CompletenessRow


def _completeness(queryset, checks, digits, names, model, sets=None) -> CompletenessTable:
    """Per area: the rows, those with every field, and those lacking each. *checks*
    are conditions on the row's own columns (one 0/1 column each); *sets* the fields
    a row has when it is (or, False, is not) in a set of distinct keys."""
    sets = sets or {}
    flags = {f"ok_{f}": Case(When(c, then=Value(1)), default=Value(0)) for f, c in checks.items()}
    rows = queryset.order_by().values(row_id=F("pk"), area=Substr("region_id", 1, digits), **flags)
    joined, params = _joined(rows, {f"s_{f}": s for f, (s, _present) in sets.items()})
    has = {f: f"t.ok_{f} = 1" for f in checks} | {
        f: f"s_{f}.k IS {'NOT ' if present else ''}NULL" for f, (_s, present) in sets.items()
    }
    every = " AND ".join(has.values())
    missing = ", ".join(f"SUM(CASE WHEN {c} THEN 0 ELSE 1 END)" for c in has.values())
    grouped = _fetch(
        rows,
        f"SELECT t.area, COUNT(*), SUM(CASE WHEN {every} THEN 1 ELSE 0 END), {missing}"
        f" FROM {joined} GROUP BY t.area ORDER BY t.area",
        params,
    )
    labels = {f: _field_label(model, f) for f in has}
    rows = [
        CompletenessRow(
            Area.of(area, names), n, complete, dict(zip(has, counts, strict=True)), labels
        )
        for area, n, complete, *counts in grouped
    ]
    total = CompletenessRow(
        Area("", ""),
        sum(r.total for r in rows),
        sum(r.complete for r in rows),
        {f: sum(r.missing[f] for r in rows) for f in has},
        labels,
    )
    return CompletenessTable(rows, total)


@dataclass
class CompletenessReport:
    committees: CompletenessTable
    mediators: CompletenessTable
    by_township: bool


def completeness(*, region: str = "", names=None) -> CompletenessReport:
    """The share of active committees and serving mediators with every required field,
    per county (or per township once narrowed to a county); two grouped queries."""
    names = area_names() if names is None else names
    digits = area_digits(region)
    committees = _within(Committee.objects.filter(status=CommitteeStatus.ACTIVE), region)
    mediators = _within(Mediator.objects.filter(status=MediatorStatus.ACTIVE), region)
    return CompletenessReport(
        _completeness(committees, _committee_checks(), digits, names, Committee),
        _completeness(
            mediators, _mediator_checks(), digits, names, Mediator, sets=_mediator_sets()
        ),
        digits == TOWNSHIP_DIGITS,
    )
