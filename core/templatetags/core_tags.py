import json
from decimal import Decimal

from django import template
from django.utils.formats import number_format

from core import snapshots
from core.policy_fields import format_money

register = template.Library()


@register.filter
def as_json(value):
    """Chart data for a data- attribute: JSON with Chinese unescaped, not a Python repr."""
    return json.dumps(value, ensure_ascii=False)


@register.filter
def money(value):
    """An amount in yuan as finance writes it: ¥1,234.50 ("—" for none)."""
    if value in (None, ""):
        return "—"
    return format_money(value)


@register.filter
def figure(value):
    """A number in a report's table with thousands separators: amounts (decimals) to
    the fen, counts whole, rates as computed; "—" for none, text as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    places = 2 if isinstance(value, Decimal) else None
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def being_recomputed(as_of) -> bool:
    """Whether kept report figures dated *as_of* are old enough that a job is
    computing them again while the page shows them (core.snapshots)."""
    return bool(as_of) and snapshots.is_old(as_of)
