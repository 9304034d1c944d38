"""Corrections after lock: an adjustment to a locked line, paid (or recovered) in a
later month's draft settlement of the same bureau, never an edit of the line."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from subsidies.models import Adjustment, Settlement, SettlementLine, SettlementStatus


def later_drafts(line: SettlementLine):
    """The settlements an adjustment to *line* may be paid in."""
    return Settlement.objects.filter(
        bureau_id=line.settlement.bureau_id,
        month__gt=line.settlement.month,
        status=SettlementStatus.DRAFT,
    ).order_by("month")


def add_adjustment(line: SettlementLine, settlement: Settlement, amount, reason, user):
    if not line.settlement.locked:
        raise ValidationError(
            _("This line's settlement is not locked yet: recompute it instead of adjusting.")
        )
    if (
        settlement.bureau_id != line.settlement.bureau_id
        or settlement.month <= line.settlement.month
        or settlement.status != SettlementStatus.DRAFT
    ):
        raise ValidationError(
            {"settlement": _("Choose a draft settlement of a later month of the same bureau.")}
        )
    amount = Decimal(amount)
    if not amount:
        raise ValidationError({"amount": _("Enter an amount other than zero.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    return Adjustment.objects.create(
        settlement=settlement,
        corrects=line,
        mediator=line.mediator,
        payer=line.payer,
        amount=amount,
        reason=reason.strip(),
        created_by=user,
        region=line.region,
    )
