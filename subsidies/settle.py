"""Settling a bureau's month: the lines, and the cases each pays, computed and written
by the database itself, by ``INSERT … SELECT`` statements over the cases, their reviews
and mediators, the posts, the quarter's ranking and the adjustments, with the rule
version's numbers (``subsidies.rules``) as parameters. Reading a city's rows into
Python to price them and writing them back cost ten to fifty times one SQL query
(``make bench-settlement``); ``subsidies.eligibility`` prices a single case in Python
for the statements' explanations, and the tests hold the two to the same rules.

Amounts are computed as integers, in fen, and shares in ten-thousandths (``SHARE``):
SQLite's decimal arithmetic is floating point, and integers keep every fen exact on
both databases. Each rounding (to the fen, half up, per case, as
``Decimal.quantize(ROUND_HALF_UP)`` would) is an integer division.

Two guards keep a mediator-month from being paid twice: the settlement is claimed by
a conditional update (``computing``) before it is computed, so two workers never
compute it at once; and the database refuses a second line for a mediator, month and
payer, or a second payment of a case to a mediator, whichever bureau settles it."""

import datetime
import hashlib
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import Case, Party, RankingEntry, RankingSnapshot
from mediation.models.choices import (
    AgreementForm,
    CaseResult,
    CaseStatus,
    Difficulty,
    SnapshotStatus,
)
from registry.models import Appointment, Mediator
from registry.models.appointments import NO_PAYER
from subsidies import hooks, months
from subsidies.models import (
    Adjustment,
    BlockReason,
    CaseRate,
    CaseReview,
    MediatorRole,
    ReviewDecision,
    SettledCase,
    Settlement,
    SettlementLine,
    SettlementStatus,
)
from subsidies.rules import rules_of, version_for

SHARE = Decimal("0.0001")
SHARE_PLACES = 4
UNIT = 10**SHARE_PLACES  # a share of 1 in ten-thousandths, SHARE's unit
MONEY = ("base", "case_amount", "bonus", "award", "capped", "adjustment", "total")


def _tables():
    quote = connection.ops.quote_name
    models = {
        "case": Case,
        "party": Party,
        "review": CaseReview,
        "assistants": Case.assistants.through,
        "mediator": Mediator,
        "appointment": Appointment,
        "entry": RankingEntry,
        "adjustment": Adjustment,
        "line": SettlementLine,
        "settled": SettledCase,
    }
    return {name: quote(model._meta.db_table) for name, model in models.items()}


def _whole(value, scale: int) -> int:
    """*value* times *scale* as an integer; a rule finer than that is refused (the
    rule fields allow fen and a tenth of a percent)."""
    scaled = Decimal(value) * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is finer than 1/{scale}")
    return int(scaled)


def _half_up(expression: str, divisor: int) -> str:
    """SQL rounding the non-negative integer *expression* / *divisor* half up (every
    value rounded here is non-negative; *divisor* is even)."""
    return f"(({expression}) + {divisor // 2}) / {divisor}"


class _Query:
    """The WITH clause of a settlement and its parameters: ``paid``, one row per case
    and mediator paid (amounts in fen, the share in ten-thousandths), and ``lines``,
    one row per mediator and payer. Built from the rule version's numbers; a rule that
    is off, or a level whose factor is 1 and extra 0, leaves its part out."""

    def __init__(self, settlement, version):
        rules = rules_of(version)
        month = settlement.month
        self.params = {}
        p = self.param
        t = _tables()
        settlement_id = p(settlement.pk or 0, "settlement")
        fund_payer = p(rules["case_fund_payer"], "fund_payer")
        month_param = p(connection.ops.adapt_datefield_value(month), "month")
        end = p(connection.ops.adapt_datefield_value(months.last_day(month)), "end")
        like = p(settlement.bureau.region.prefix + "%", "like")
        success, major = p(CaseResult.SUCCESS), p(Difficulty.MAJOR)

        def mapping(column, values, scale, default=0):
            """A CASE over *column* giving each key's value times *scale*, leaving out
            the keys that would give *default*; None when all do."""
            whens = [
                f"WHEN {p(key)} THEN {p(_whole(value, scale))}"
                for key, value in values.items()
                if _whole(value, scale) != default
            ]
            return f"(CASE {column} {' '.join(whens)} ELSE {default} END)" if whens else None

        # A mediator-month-payer another settlement already pays is not paid here;
        # while no other settlement of the month exists, none is, and the check (an
        # index probe per row) is left out.
        contested = Settlement._base_manager.filter(month=month).exclude(pk=settlement.pk).exists()

        def taken(alias, payer, keyword="AND"):
            if not contested:
                return ""
            return (
                f"{keyword} NOT EXISTS (SELECT 1 FROM {t['line']} t WHERE t.mediator_id = "
                f"{alias}.mediator_id AND t.month = {month_param} AND t.payer = {payer} "
                f"AND t.settlement_id <> {settlement_id})"
            )

        # A case counted by another settlement is not counted again; the settlement's
        # own cases are (a recomputation compares with them, a preview disregards them).
        counted_before = (
            f"SELECT 1 FROM {t['settled']} s WHERE s.case_id = c.id AND s.line_id NOT IN"
            f" (SELECT l.id FROM {t['line']} l WHERE l.settlement_id = {settlement_id})"
        )

        # The rate before the level factor, in fen times UNIT (so that a share of it
        # stays whole), and its kind, by result, agreement form and review, as
        # eligibility.price.
        rate = mapping("c.difficulty", rules["case_rates"], 100) or "0"
        ordinary = _whole(rules.rate(Difficulty.ORDINARY), 100)
        oral = p(AgreementForm.ORAL)
        unfulfilled = (
            "WHEN NOT COALESCE(c.fulfilled, FALSE) THEN NULL " if rules["require_fulfilled"] else ""
        )
        kind = (
            f"CASE WHEN c.result = {success} THEN CASE {unfulfilled}"
            f"WHEN c.agreement_form = {oral} THEN "
            f"CASE WHEN r.participation_evidenced THEN {p(CaseRate.ORAL.value)} END "
            f"ELSE {p(CaseRate.FULL.value)} END "
            f"WHEN r.handled_properly THEN {p(CaseRate.UNSUCCESSFUL.value)} END"
        )
        scaled_rate = (
            f"CASE WHEN c.result = {success} AND c.agreement_form = {oral} "
            f"THEN {p(ordinary * _whole(rules.share('oral_share'), UNIT))} "
            f"WHEN c.result = {success} THEN CAST({rate} AS BIGINT) * {UNIT} "
            f"ELSE CAST({rate} AS BIGINT) * {p(_whole(rules.share('unsuccessful_share'), UNIT))} "
            "END"
        )
        factors = []
        if rules["persons_threshold"]:
            threshold = p(rules["persons_threshold"])
            persons = f"(SELECT COUNT(*) FROM {t['party']} pa WHERE pa.case_id = c.id)"
            factors.append(
                f"CASE WHEN {persons} > {threshold} THEN CAST({persons} - {threshold} AS BIGINT)"
                f" * {p(_whole(rules.money('per_person'), 100))} ELSE 0 END"
            )
        if rules.money("amount_threshold"):
            factors.append(
                f"CASE WHEN CAST(ROUND(c.amount * 100) AS BIGINT) >= "
                f"{p(_whole(rules.money('amount_threshold'), 100))} "
                f"THEN {p(_whole(rules.money('amount_extra'), 100))} ELSE 0 END"
            )
        # Levels are whole numbers; a mediator without one (or of level 0) has the
        # factor 1 and no extra (Rules.level_factor, Rules.base).
        levels = {int(level) for level in rules["level_factors"]} - {0}
        level_factor = mapping(
            "m.level", {level: rules.level_factor(level) for level in levels}, UNIT, UNIT
        )
        extra = mapping(
            "m.level",
            {int(level): value for level, value in rules["base_by_level"].items() if int(level)},
            100,
        )
        base = mapping("p.post", rules["base_by_post"], 100) or "0"
        lead_share = p(_whole(rules.share("lead_share").quantize(SHARE), UNIT))
        no_payer = ", ".join(p(value) for value in NO_PAYER)
        cap = p(_whole(rules.money("monthly_cap"), 100))
        # An empty bank account is stored as NULL (the encrypted field encrypts only a
        # value), so "blocked" is read in SQL without decrypting anyone's number.
        no_bank = p(BlockReason.NO_BANK_ACCOUNT.value)

        parts = [
            f"""SELECT mediator_id, payer, base, 0 AS cases, 0 AS case_amount, 0 AS award,
                   0 AS bonus, 0 AS adjustment
            FROM bases b {taken("b", "b.payer", "WHERE")}""",
            f"""SELECT mediator_id, {fund_payer}, 0, 1, amount - award_part, award_part, 0, 0
            FROM paid""",
            f"""SELECT mediator_id, payer, 0, 0, 0, 0, 0,
                   SUM(CAST(ROUND(amount * 100) AS BIGINT))
            FROM {t["adjustment"]} WHERE settlement_id = {settlement_id}
            GROUP BY mediator_id, payer""",
        ]
        snapshot = self._ranking(settlement, rules)
        if snapshot is not None:
            parts.append(
                f"""SELECT DISTINCT e.mediator_id, {fund_payer}, 0, 0, 0, 0,
                       {p(_whole(rules.money("bonus_amount"), 100))}, 0
                FROM {t["entry"]} e
                WHERE e.snapshot_id = {p(snapshot)} AND e.rank <= {p(rules["bonus_top"])}
                  {taken("e", fund_payer)}"""
            )
        union = "\n            UNION ALL\n            ".join(parts)
        by_level = f"JOIN {t['mediator']} m ON m.id = {{}}.mediator_id"

        # The CTEs in order, each reading those before it.
        self.ctes = {
            "counted": f"""
            SELECT c.id AS case_id, c.region_id, c.lead_mediator_id, {kind} AS kind,
                   {scaled_rate} AS rate, {" + ".join(factors) or "0"} AS factors,
                   CASE WHEN c.result = {success} AND c.difficulty = {major}
                        THEN {p(_whole(rules.money("major_award"), 100))} ELSE 0 END AS award,
                   (SELECT COUNT(*) FROM {t["assistants"]} a WHERE a.case_id = c.id) AS helpers
            FROM {t["case"]} c JOIN {t["review"]} r ON r.case_id = c.id
            WHERE c.region_id LIKE {like} AND c.status = {p(CaseStatus.CLOSED)}
              AND c.closed_on <= {end} AND r.decision = {p(ReviewDecision.ACCEPTED)}
              AND r.score >= {p(rules["min_review_score"])}
              AND NOT EXISTS ({counted_before})""",
            "shares": f"""
            SELECT case_id, region_id, lead_mediator_id AS mediator_id,
                   {p(MediatorRole.LEAD.value)} AS role, kind, rate, factors, award,
                   CASE WHEN helpers = 0 THEN {UNIT} ELSE {lead_share} END AS share
            FROM counted WHERE kind IS NOT NULL
            UNION ALL
            SELECT k.case_id, k.region_id, a.mediator_id, {p(MediatorRole.ASSISTANT.value)},
                   k.kind, k.rate, k.factors, k.award,
                   (2 * ({UNIT} - {lead_share}) + k.helpers) / (2 * k.helpers)
            FROM counted k JOIN {t["assistants"]} a ON a.case_id = k.case_id
            WHERE k.kind IS NOT NULL AND a.mediator_id <> k.lead_mediator_id""",
            "rated": f"""
            SELECT s.case_id, s.region_id, s.mediator_id, s.role, s.kind, s.share,
                   s.factors, s.award,
                   {_half_up(f"CAST(s.rate AS BIGINT) * {level_factor or UNIT}", UNIT * UNIT)}
                   AS rate
            FROM shares s {by_level.format("s") if level_factor else ""}
            {taken("s", fund_payer, "WHERE")}""",
            "paid": f"""
            SELECT case_id, region_id, mediator_id, role, kind, share, rate, factors, award,
                   {_half_up("(rate + factors + award) * share", UNIT)} AS amount,
                   {_half_up("CAST(award AS BIGINT) * share", UNIT)} AS award_part
            FROM rated""",
            "posts": f"""
            SELECT p.mediator_id, p.post, p.paid_by, ROW_NUMBER() OVER (
                       PARTITION BY p.mediator_id ORDER BY p.starts_on DESC, p.id DESC
                   ) AS latest
            FROM {t["appointment"]} p
            WHERE p.region_id LIKE {like} AND p.full_time AND p.starts_on <= {end}
              AND (p.ends_on IS NULL OR p.ends_on >= {month_param})""",
            "bases": f"""
            SELECT p.mediator_id,
                   CASE WHEN p.paid_by IN ({no_payer}) THEN {p(rules["base_payer"])}
                        ELSE p.paid_by END AS payer,
                   {base} + {extra or 0} AS base
            FROM posts p {by_level.format("p") if extra else ""}
            WHERE p.latest = 1""",
            "sums": f"""
            SELECT mediator_id, payer, SUM(base) AS base, SUM(cases) AS cases,
                   SUM(case_amount) AS case_amount, SUM(award) AS award,
                   SUM(bonus) AS bonus, SUM(adjustment) AS adjustment
            FROM (
            {union}
            ) AS parts
            GROUP BY mediator_id, payer""",
            "capped": f"""
            SELECT s.*, CASE WHEN {cap} > 0 AND case_amount + bonus + award > {cap}
                             THEN case_amount + bonus + award - {cap} ELSE 0 END AS capped
            FROM sums s""",
            "lines": f"""
            SELECT c.mediator_id, c.payer, m.region_id, m.level,
                   c.mediator_id IN (SELECT mediator_id FROM posts) AS full_time,
                   CASE WHEN m.bank_account IS NULL THEN {no_bank} ELSE '' END AS blocked,
                   c.cases, c.base, c.case_amount, c.bonus, c.award, c.capped, c.adjustment,
                   c.base + c.case_amount + c.bonus + c.award - c.capped + c.adjustment AS total
            FROM capped c JOIN {t["mediator"]} m ON m.id = c.mediator_id""",
        }

    def with_clause(self, paid=None) -> str:
        """The WITH clause; with *paid*, the name of a table already holding ``paid``'s
        rows, read from it instead of computing them again."""
        ctes = dict(self.ctes)
        if paid:
            for name in ("counted", "shares", "rated"):
                del ctes[name]
            ctes["paid"] = f"SELECT * FROM {paid}"
        return "WITH " + ",\n".join(f"{name} AS ({body}\n)" for name, body in ctes.items())

    def param(self, value, name=None) -> str:
        name = name or f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    @staticmethod
    def _ranking(settlement, rules):
        """The published ranking of the quarter just ended whose first ``bonus_top``
        get the bonus (in the month after a quarter), or None."""
        month = settlement.month
        if month.month not in (1, 4, 7, 10) or not rules["bonus_top"]:
            return None
        quarter_month = months.previous(month)
        return (
            RankingSnapshot._base_manager.filter(
                bureau=settlement.bureau,
                year=quarter_month.year,
                quarter=(quarter_month.month - 1) // 3 + 1,
                status=SnapshotStatus.PUBLISHED,
            )
            .order_by("-version")
            .values_list("pk", flat=True)
            .first()
        )


def _scaled(whole: str, places: int) -> str:
    """SQL of the integer *whole* divided by 10 ** *places*: on PostgreSQL a product
    with an exact decimal, whose scale is *places* (cheaper than a division, and
    printed as "2500.00"); SQLite's decimals are floating point, where dividing
    rounds once and correctly."""
    if connection.vendor == "sqlite":
        return f"{whole} / {10**places}.0"
    return f"{whole} * 0.{'0' * (places - 1)}1"


def _money_text(fen: str) -> str:
    """SQL printing an amount in fen as its Decimal in yuan prints (2500.00)."""
    if connection.vendor == "sqlite":
        return f"printf('%%.2f', {fen} / 100.0)"
    return f"CAST({_scaled(fen, 2)} AS TEXT)"


def _differs(pairs) -> str:
    """SQL true when any (old, new) pair of expressions differs, NULLs compared too."""
    op = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    return "(" + " OR ".join(f"{old} {op} {new}" for old, new in pairs) + ")"


LINE_VALUES = ("region_id", "level", "full_time", "blocked", "cases", *MONEY)


def _line_values(alias: str) -> dict:
    """Each written line column and its value from the computed line *alias*."""
    values = {name: f"{alias}.{name}" for name in LINE_VALUES}
    values.update({name: _scaled(f"{alias}.{name}", 2) for name in MONEY})
    return values


def _case_values(alias: str) -> dict:
    """Each written settled-case column and its value from the computed row *alias*."""
    money = ("rate", "factors", "award", "amount")
    values = {name: _scaled(f"{alias}.{name}", 2) for name in money}
    values.update(
        region_id=f"{alias}.region_id",
        role=f"{alias}.role",
        rate_kind=f"{alias}.kind",
        share=_scaled(f"{alias}.share", SHARE_PLACES),
    )
    return values


def _writes(paid: str, lines: str, line_ids: str, returning: str = "") -> dict:
    """The statements bringing a draft's rows to the computed ``paid`` and ``lines``
    (tables or CTEs of those names), in order, by name: delete what is no longer paid,
    update what is paid differently, insert what is new. *line_ids*: the settlement's
    lines (id, settlement_id, mediator_id, month, payer) after the inserts;
    *returning*: what the line insert returns for it."""
    t = _tables()
    own_lines = f"SELECT id FROM {t['line']} WHERE settlement_id = %(settlement)s"
    # A line by the unique index (mediator, month, payer); the unary plus keeps SQLite,
    # which has no statistics for the computed rows, from taking the index on
    # settlement_id instead and scanning the settlement's lines once per row.
    line_key = (
        "o.mediator_id = n.mediator_id AND o.month = %(month)s AND o.payer = n.payer"
        " AND +o.settlement_id = %(settlement)s"
    )
    case_key = "o.case_id = n.case_id AND o.mediator_id = n.mediator_id"
    line_values = {**_line_values("n"), "rule_version_id": "%(version)s"}
    case_values = {**_case_values("n"), "line_id": "l.id"}
    # The same for the case fund's line of a case's mediator.
    fund_line = (
        f"JOIN {line_ids} l ON l.mediator_id = n.mediator_id AND l.month = %(month)s"
        " AND l.payer = %(fund_payer)s AND +l.settlement_id = %(settlement)s"
    )

    def assign(values):
        return ", ".join(f"{name} = {value}" for name, value in values.items())

    def changed(values):
        return _differs((f"o.{name}", value) for name, value in values.items())

    return {
        # Cases first: the lines they point to may go.
        "gone_cases": f"""DELETE FROM {t["settled"]} WHERE line_id IN ({own_lines})
            AND NOT EXISTS (SELECT 1 FROM {paid} n WHERE n.case_id = {t["settled"]}.case_id
                            AND n.mediator_id = {t["settled"]}.mediator_id)""",
        "gone_lines": f"""DELETE FROM {t["line"]} WHERE settlement_id = %(settlement)s
            AND NOT EXISTS (SELECT 1 FROM {lines} n WHERE n.mediator_id = {t["line"]}.mediator_id
                            AND n.payer = {t["line"]}.payer)""",
        "changed_lines": f"""UPDATE {t["line"]} AS o SET {assign(line_values)} FROM {lines} n
            WHERE {line_key} AND {changed(line_values)}""",
        "added_lines": f"""INSERT INTO {t["line"]} (settlement_id, month, mediator_id, payer,
                {", ".join(line_values)})
            SELECT %(settlement)s, %(month)s, n.mediator_id, n.payer,
                   {", ".join(line_values.values())}
            FROM {lines} n WHERE NOT EXISTS (SELECT 1 FROM {t["line"]} o WHERE {line_key})
            ORDER BY n.mediator_id, n.payer {returning}""",
        # A case paid by this settlement is paid by no other (the query leaves those
        # out), so its (case, mediator) names this settlement's row.
        "changed_cases": f"""UPDATE {t["settled"]} AS o SET {assign(case_values)}
            FROM {paid} n {fund_line} WHERE {case_key} AND {changed(case_values)}""",
        "added_cases": f"""INSERT INTO {t["settled"]} (case_id, mediator_id,
                {", ".join(case_values)})
            SELECT n.case_id, n.mediator_id, {", ".join(case_values.values())}
            FROM {paid} n {fund_line}
            WHERE NOT EXISTS (SELECT 1 FROM {t["settled"]} o WHERE {case_key})
            ORDER BY l.id, n.case_id""",
    }


def _digest_select(paid: str, lines: str) -> str:
    """SQL of each computed line's and case's part of the digest, as ``digest`` reads
    them: 0 and a line's part, 1 and a case's."""
    amounts = (
        # A cap not reached is the integer 0 (Decimal(0) prints "0").
        f"CASE WHEN capped = 0 THEN '0' ELSE {_money_text(name)} END"
        if name == "capped"
        else _money_text(name)
        for name in MONEY
    )
    line = " || '|' || ".join(["mediator_id", "payer", "blocked", *amounts])
    case = f"case_id || '|' || mediator_id || '|' || kind || '|' || {_money_text('amount')}"
    return f"SELECT 0, {line} FROM {lines} UNION ALL SELECT 1, {case} FROM {paid}"


def write_lines(settlement, version, progress=None) -> str:
    """Bring a draft's lines and settled cases to what *version* computes, and return
    their digest. The rows are computed once; then only what differs is written: a
    line or a case no longer paid is deleted, one paid differently updated, a new one
    inserted. A recomputation from unchanged inputs writes nothing, and a line keeps
    its id while it stays. On PostgreSQL all of it is one statement (the writes are
    CTEs reading the statement's snapshot, so each sees the rows as they were); on
    SQLite, which has no writing CTEs, the computed rows go to indexed temporary
    tables first."""
    report = progress or (lambda done, total=None: None)
    query = _Query(settlement, version)
    params = {**query.params, "version": version.pk}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            line = _tables()["line"]
            writes = _writes(
                "paid",
                "lines",
                "line_ids",
                returning="RETURNING id, settlement_id, mediator_id, month, payer",
            )
            writes["line_ids"] = (
                f"SELECT id, settlement_id, mediator_id, month, payer FROM {line}"
                " WHERE settlement_id = %(settlement)s"
                " UNION ALL SELECT id, settlement_id, mediator_id, month, payer FROM added_lines"
            )
            # The case writes read line_ids, so it comes before them.
            order = ["gone_cases", "gone_lines", "changed_lines", "added_lines", "line_ids"]
            ctes = [(name, writes[name]) for name in [*order, "changed_cases", "added_cases"]]
            cursor.execute(
                query.with_clause()
                + "".join(f",\n{name} AS ({sql})" for name, sql in ctes)
                + _digest_select("paid", "lines"),
                params,
            )
            rows = cursor.fetchall()
            report(3)
        else:
            paid, lines = "settle_paid", "settle_lines"
            # Inside compute()'s transaction: a failure drops the temporary tables too.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {paid} AS {query.with_clause()} SELECT * FROM paid",
                params,
            )
            cursor.execute(f"CREATE INDEX {paid}_key ON {paid} (case_id, mediator_id)")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {lines} AS "
                f"{query.with_clause(paid=paid)} SELECT * FROM lines",
                params,
            )
            cursor.execute(f"CREATE INDEX {lines}_key ON {lines} (mediator_id, payer)")
            report(1)
            for name, statement in _writes(paid, lines, _tables()["line"]).items():
                cursor.execute(statement, params)
                if name == "added_lines":
                    report(2)
            cursor.execute(_digest_select(paid, lines))
            rows = cursor.fetchall()
            report(3)
            cursor.execute(f"DROP TABLE {paid}")
            cursor.execute(f"DROP TABLE {lines}")
    return digest(
        [part for kind, part in rows if kind == 0], [part for kind, part in rows if kind == 1]
    )


def would_pay(settlement, version) -> Decimal:
    """What *version* pays for *settlement*'s month in all, nothing written (the
    settlement may be an unsaved probe)."""
    query = _Query(settlement, version)
    with connection.cursor() as cursor:
        cursor.execute(f"{query.with_clause()} SELECT SUM(total) FROM lines", query.params)
        (total,) = cursor.fetchone()
    return (Decimal(total or 0) / 100).quantize(Decimal("0.01"))


def digest(lines, cases) -> str:
    """The lines' fingerprint: a re-run from the same inputs gives the same one. Over
    each line's and each case's part as written ("mediator|payer|blocked|amounts",
    "case|mediator|rate kind|amount"), lines first, each sorted."""
    return hashlib.sha256("\n".join(sorted(lines) + sorted(cases)).encode()).hexdigest()


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
            report = progress or (lambda done, total=None: None)
            report(0, 4)
            settlement.digest = write_lines(settlement, version, report)
            settlement.rule_version = version
            report(4)
            settlement.computed_at = timezone.now()
            if user is not None and settlement.prepared_by_id is None:
                settlement.prepared_by = user
            settlement.budget_warning = hooks.budget_warning(settlement) or ""
            settlement.save()
    finally:
        Settlement._base_manager.filter(pk=settlement.pk, computing=token).update(computing="")
    settlement.computing = ""
    return settlement


def start_settlement(role, settlement: Settlement):
    """Queue the computation of a draft *settlement* as a job with progress."""
    from core.jobs import start_job
    from subsidies.tasks import settle_month_job

    if settlement.status != SettlementStatus.DRAFT:
        raise ValidationError(_("Only a draft settlement is computed."))
    return start_job(role, "subsidy_settlement", settle_month_job, settlement=settlement.pk)
