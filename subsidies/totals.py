"""A settlement's sums, each by one aggregate query."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from subsidies.models import SettlementLine

MONEY = ("base", "case_amount", "bonus", "award", "capped", "adjustment", "total")


def _sums():
    # Aliases apart from the columns' names: an aggregate named like a column shadows
    # it in the other aggregates' expressions.
    sums = {f"sum_{name}": Sum(name) for name in MONEY}
    sums["sum_lines"] = Count("pk")
    sums["sum_blocked"] = Count("pk", filter=~Q(blocked=""))
    sums["sum_blocked_total"] = Sum("total", filter=~Q(blocked=""))
    return sums


def _clean(row: dict) -> dict:
    cleaned = {key: value for key, value in row.items() if not key.startswith("sum_")}
    for key, value in row.items():
        if key.startswith("sum_"):
            cleaned[key[4:]] = Decimal("0.00") if value is None else value
    cleaned["lines"], cleaned["blocked"] = int(cleaned["lines"]), int(cleaned["blocked"])
    return cleaned


def settlement_totals(lines) -> dict:
    """Totals of *lines* (a SettlementLine queryset, or a Settlement for its lines):
    the money columns, ``lines``, ``blocked`` (lines not payable for want of a bank
    account) and ``blocked_total``."""
    if not hasattr(lines, "aggregate"):
        lines = SettlementLine._base_manager.filter(settlement=lines)
    return _clean(lines.aggregate(**_sums()))


def totals_by_payer(settlement) -> list[dict]:
    """One row of totals per payer of *settlement* (each payer gets its own bill)."""
    rows = (
        SettlementLine._base_manager.filter(settlement=settlement)
        .values("payer")
        .annotate(**_sums())
        .order_by("payer")
    )
    return [_clean(row) for row in rows]
