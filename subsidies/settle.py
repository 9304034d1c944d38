"""Settling a bureau's month: the lines computed from the rule version in force, by a
handful of set queries (cases, assistants, posts, rankings, mediators, adjustments)
whatever the number of mediators, and written in bulk.

Two guards keep a mediator-month from being paid twice: the settlement is claimed by
a conditional update (``computing``) before it is computed, so two workers never
compute it at once; and the database refuses a second line for a mediator, month and
payer, or a second payment of a case to a mediator, whichever bureau settles it."""

import datetime
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import Case, RankingEntry, RankingSnapshot
from mediation.models.choices import SnapshotStatus
from registry.models import Appointment, Mediator
from registry.models.appointments import NO_PAYER
from subsidies import eligibility, hooks, months
from subsidies.models import (
    Adjustment,
    BlockReason,
    MediatorRole,
    SettledCase,
    Settlement,
    SettlementLine,
    SettlementStatus,
)
from subsidies.rules import rules_of, version_for

FEN = Decimal("0.01")
SHARE = Decimal("0.0001")
MONEY = ("base", "case_amount", "bonus", "award", "capped", "adjustment", "total")


@dataclass(slots=True)
class Line:
    """A line being computed (plain attributes: thousands are built per month)."""

    mediator_id: int
    region_id: str
    payer: str
    level: int | None
    full_time: bool
    blocked: str
    cases: int = 0
    base: Decimal = Decimal("0.00")
    case_amount: Decimal = Decimal("0.00")
    bonus: Decimal = Decimal("0.00")
    award: Decimal = Decimal("0.00")
    capped: Decimal = Decimal("0.00")
    adjustment: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")


@dataclass(slots=True)
class Paid:
    """A case paid on a line being computed."""

    line: Line
    case_id: int
    mediator_id: int
    region_id: str
    role: str
    rate_kind: str
    rate: Decimal
    share: Decimal
    factors: Decimal
    award: Decimal
    amount: Decimal


LINE_COLUMNS = (
    "settlement_id",
    "rule_version_id",
    "month",
    "mediator_id",
    "region_id",
    "payer",
    "level",
    "full_time",
    "blocked",
    "cases",
    *MONEY,
)
CASE_COLUMNS = (
    "line_id",
    "case_id",
    "mediator_id",
    "region_id",
    "role",
    "rate_kind",
    "rate",
    "share",
    "factors",
    "award",
    "amount",
)


def _insert(cursor, model, columns, rows, batch=500):
    """Multi-row INSERTs of *rows*, *batch* rows a statement (one round trip each)."""
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    )
    row = "({})".format(", ".join(["%s"] * len(columns)))
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        cursor.execute(head + ", ".join([row] * len(chunk)), [v for r in chunk for v in r])


def write_lines(settlement, version, lines, cases):
    """Insert the computed lines, then their cases, by multi-row INSERTs (the ORM's
    bulk_create spent most of a city's settlement preparing every value)."""
    ops = connection.ops
    month = ops.adapt_datefield_value(settlement.month)

    def money(value):
        return ops.adapt_decimalfield_value(value, 12, 2)

    line_rows = [
        (
            settlement.pk,
            version.pk,
            month,
            line.mediator_id,
            line.region_id,
            line.payer,
            line.level,
            line.full_time,
            line.blocked,
            line.cases,
            *(money(getattr(line, name)) for name in MONEY),
        )
        for line in lines
    ]
    table = ops.quote_name(SettlementLine._meta.db_table)
    with connection.cursor() as cursor:
        _insert(cursor, SettlementLine, LINE_COLUMNS, line_rows)
        cursor.execute(
            f"SELECT id, mediator_id, payer FROM {table} WHERE settlement_id = %s",
            [settlement.pk],
        )
        ids = {(mediator, payer): pk for pk, mediator, payer in cursor.fetchall()}
        case_rows = [
            (
                ids[paid.line.mediator_id, paid.line.payer],
                paid.case_id,
                paid.mediator_id,
                paid.region_id,
                paid.role,
                paid.rate_kind,
                money(paid.rate),
                ops.adapt_decimalfield_value(paid.share, 5, 4),
                money(paid.factors),
                money(paid.award),
                money(paid.amount),
            )
            for paid in cases
        ]
        _insert(cursor, SettledCase, CASE_COLUMNS, case_rows)


def fen(amount) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def refuse_month(bureau, month: datetime.date):
    """Raise a ValidationError (on ``month``) when *month* may not be settled."""
    if not months.has_ended(month):
        raise ValidationError({"month": _("This month has not ended yet.")})
    if version_for(bureau, month) is None:
        raise ValidationError({"month": _("No subsidy rule version is in force in this month.")})


def create_settlement(bureau, month: datetime.date, user) -> Settlement:
    """A new draft settlement of *bureau* for *month*, not yet computed. Settling a
    month twice is refused (and the database refuses it too)."""
    month = months.first_day(month)
    refuse_month(bureau, month)
    if Settlement._base_manager.filter(bureau=bureau, month=month).exists():
        raise ValidationError({"month": _("This month is already settled for this bureau.")})
    try:
        with transaction.atomic():
            return Settlement.objects.create(
                bureau=bureau,
                region=bureau.region,
                month=month,
                rule_version=version_for(bureau, month),
                prepared_by=user,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"month": _("This month is already settled for this bureau.")}
        ) from exc


def settle_month(bureau, month: datetime.date, user, progress=None) -> Settlement:
    """Create (or recompute, while it is a draft) *bureau*'s settlement of *month*."""
    month = months.first_day(month)
    settlement = Settlement._base_manager.filter(bureau=bureau, month=month).first()
    if settlement is None:
        settlement = create_settlement(bureau, month, user)
    return compute(settlement, user, progress)


def compute(settlement: Settlement, user=None, progress=None) -> Settlement:
    """(Re)compute a draft settlement's lines from its inputs."""
    if settlement.status != SettlementStatus.DRAFT:
        raise ValidationError(
            _("Only a draft settlement is computed; this one is %(status)s.")
            % {"status": settlement.get_status_display()}
        )
    refuse_month(settlement.bureau, settlement.month)
    token = str(uuid.uuid4())
    claimed = Settlement._base_manager.filter(
        pk=settlement.pk, status=SettlementStatus.DRAFT, computing=""
    ).update(computing=token)
    if not claimed:
        raise ValidationError(_("This settlement is being computed by another job."))
    try:
        with transaction.atomic():
            version = version_for(settlement.bureau, settlement.month)
            lines, cases = build_lines(settlement, version, progress)
            # A draft's lines are its computation, recorded whole by the digest and the
            # settlement's own trail: replaced by two plain deletes, not one signal
            # per row.
            SettledCase._base_manager.filter(line__settlement=settlement)._raw_delete(
                SettledCase._base_manager.db
            )
            SettlementLine._base_manager.filter(settlement=settlement)._raw_delete(
                SettlementLine._base_manager.db
            )
            write_lines(settlement, version, lines, cases)
            settlement.rule_version = version
            settlement.digest = digest(lines, cases)
            settlement.computed_at = timezone.now()
            if user is not None and settlement.prepared_by_id is None:
                settlement.prepared_by = user
            settlement.budget_warning = hooks.budget_warning(settlement) or ""
            settlement.save()
    finally:
        Settlement._base_manager.filter(pk=settlement.pk, computing=token).update(computing="")
    settlement.computing = ""
    return settlement


def digest(lines, cases) -> str:
    """The lines' fingerprint: a re-run from the same inputs gives the same one."""
    parts = sorted(
        "|".join([str(line.mediator_id), line.payer, line.blocked])
        + "|"
        + "|".join(str(getattr(line, name)) for name in MONEY)
        for line in lines
    ) + sorted(f"{c.case_id}|{c.mediator_id}|{c.rate_kind}|{c.amount}" for c in cases)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_lines(settlement, version, progress=None):
    """The unsaved lines and settled cases of *settlement* under *version*."""
    rules = rules_of(version)
    month, end = settlement.month, months.last_day(settlement.month)
    prefix = settlement.bureau.region.prefix
    fund_payer = rules["case_fund_payer"]
    report = progress or (lambda done, total=None: None)
    report(0, 6)

    # 1. The cases and their mediators (lead and assistants).
    rows = list(eligibility.case_rows(prefix, end, rules["min_review_score"], settlement.pk))
    priced = {row["pk"]: (row, eligibility.price(row, rules)) for row in rows}
    priced = {pk: pair for pk, pair in priced.items() if pair[1] is not None}
    assistants = defaultdict(list)
    for case_id, mediator_id in (
        Case.assistants.through.objects.filter(case_id__in=list(priced))
        .order_by("case_id", "mediator_id")
        .values_list("case_id", "mediator_id")
    ):
        assistants[case_id].append(mediator_id)
    report(1)

    # 2. Full-time posts held in the month: the base, by the post's payer.
    posts = {}
    for post in (
        Appointment._base_manager.filter(
            region__code__startswith=prefix, full_time=True, starts_on__lte=end
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month))
        .order_by("mediator_id", "-starts_on", "-pk")
        .values("mediator_id", "post", "paid_by")
    ):
        posts.setdefault(post["mediator_id"], post)
    report(2)

    # 3. The quarterly bonus, in the month after a quarter, from its published ranking.
    bonus = {}
    if month.month in (1, 4, 7, 10) and rules["bonus_top"]:
        quarter_month = months.previous(month)
        snapshot = (
            RankingSnapshot._base_manager.filter(
                bureau=settlement.bureau,
                year=quarter_month.year,
                quarter=(quarter_month.month - 1) // 3 + 1,
                status=SnapshotStatus.PUBLISHED,
            )
            .order_by("-version")
            .first()
        )
        if snapshot is not None:
            for mediator_id in RankingEntry._base_manager.filter(
                snapshot=snapshot, rank__lte=rules["bonus_top"]
            ).values_list("mediator_id", flat=True):
                bonus[mediator_id] = rules.money("bonus_amount")
    report(3)

    # 4. Adjustments of earlier months paid in this one.
    adjustments = defaultdict(Decimal)
    for row in (
        Adjustment._base_manager.filter(settlement_id=settlement.pk)
        .values("mediator_id", "payer")
        .annotate(amount=Sum("amount"))
    ):
        adjustments[row["mediator_id"], row["payer"]] += row["amount"]

    # 5. The mediators: level, region, whether a bank account is on file.
    mediator_ids = set(posts) | set(bonus) | {key[0] for key in adjustments}
    for row, _price in priced.values():
        mediator_ids.add(row["lead_mediator_id"])
        mediator_ids.update(assistants[row["pk"]])
    # An empty bank account is stored as NULL (the encrypted field encrypts only a
    # value), so its absence is read in SQL without decrypting anyone's number.
    mediators = {
        m["pk"]: m
        for m in Mediator._base_manager.filter(pk__in=list(mediator_ids))
        .annotate(no_bank=ExpressionWrapper(Q(bank_account__isnull=True), BooleanField()))
        .values("pk", "region_id", "level", "no_bank")
    }
    # A mediator-month-payer another settlement already pays is not paid again here.
    taken = set(
        SettlementLine._base_manager.filter(month=month)
        .exclude(settlement_id=settlement.pk)
        .values_list("mediator_id", "payer")
    )
    report(4)

    lines = {}

    def line(mediator_id, payer):
        key = (mediator_id, payer)
        if key not in lines:
            mediator = mediators[mediator_id]
            lines[key] = Line(
                mediator_id=mediator_id,
                region_id=mediator["region_id"],
                payer=payer,
                level=mediator["level"],
                full_time=mediator_id in posts,
                blocked=BlockReason.NO_BANK_ACCOUNT.value if mediator["no_bank"] else "",
            )
        return lines[key]

    for mediator_id, post in posts.items():
        payer = post["paid_by"] if post["paid_by"] not in NO_PAYER else rules["base_payer"]
        if (mediator_id, payer) in taken:
            continue
        line(mediator_id, payer).base += fen(
            rules.base(post["post"], mediators[mediator_id]["level"])
        )

    settled = []
    for case_id, (row, (kind, rate, factors, award)) in priced.items():
        helpers = assistants[case_id]
        shares = [(row["lead_mediator_id"], MediatorRole.LEAD, Decimal(1))]
        if helpers:
            lead = rules.share("lead_share").quantize(SHARE)
            each = ((1 - lead) / len(helpers)).quantize(SHARE, rounding=ROUND_HALF_UP)
            shares = [(row["lead_mediator_id"], MediatorRole.LEAD, lead)]
            shares += [
                (m, MediatorRole.ASSISTANT, each) for m in helpers if m != row["lead_mediator_id"]
            ]
        for mediator_id, role, share in shares:
            if (mediator_id, fund_payer) in taken:
                continue
            paid_rate = fen(rate * rules.level_factor(mediators[mediator_id]["level"]))
            amount = fen((paid_rate + factors + award) * share)
            target = line(mediator_id, fund_payer)
            target.cases += 1
            target.award += fen(award * share)
            target.case_amount += amount - fen(award * share)
            settled.append(
                Paid(
                    line=target,
                    case_id=case_id,
                    mediator_id=mediator_id,
                    region_id=row["region_id"],
                    role=role.value,
                    rate_kind=kind.value,
                    rate=paid_rate,
                    share=share,
                    factors=fen(factors),
                    award=fen(award),
                    amount=amount,
                )
            )
    report(5)

    for mediator_id, amount in bonus.items():
        if (mediator_id, fund_payer) not in taken:
            line(mediator_id, fund_payer).bonus += fen(amount)
    for (mediator_id, payer), amount in adjustments.items():
        line(mediator_id, payer).adjustment += fen(amount)

    cap = rules.money("monthly_cap")
    for item in lines.values():
        paid = item.case_amount + item.bonus + item.award
        item.capped = max(Decimal(0), paid - cap) if cap else Decimal(0)
        item.total = item.base + paid - item.capped + item.adjustment
    report(6)
    ordered = [lines[key] for key in sorted(lines)]
    return ordered, settled


def start_settlement(role, settlement: Settlement):
    """Queue the computation of a draft *settlement* as a job with progress."""
    from core.jobs import start_job
    from subsidies.tasks import settle_month_job

    if settlement.status != SettlementStatus.DRAFT:
        raise ValidationError(_("Only a draft settlement is computed."))
    return start_job(role, "subsidy_settlement", settle_month_job, settlement=settlement.pk)
