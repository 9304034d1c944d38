"""Saving a rule version (no two of a bureau's versions overlap), and the preview of a
version against last month: "this change would have paid X instead of Y"."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.models import Bureau
from subsidies import months
from subsidies.models import Settlement, SettlementStatus, SubsidyRuleVersion
from subsidies.rules import RULES
from subsidies.settle import would_pay
from subsidies.totals import settlement_totals


def save_version(version: SubsidyRuleVersion, user) -> SubsidyRuleVersion:
    """Validate and store *version*; the overlap check runs under a lock on the
    bureau's row so two saves cannot both pass it."""
    if version.pk is not None and in_use(version):
        raise ValidationError(_("A settlement has used this version; add a new version instead."))
    try:
        version.rules = RULES.validate(version.rules)
    except ValidationError as exc:
        raise ValidationError({"rules": exc.messages}) from exc
    if version.created_by_id is None:
        version.created_by = user
    try:
        with transaction.atomic():
            Bureau._base_manager.select_for_update().filter(pk=version.bureau_id).first()
            version.full_clean(exclude=["bureau", "created_by", "rules"])
            version.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"effective_from": _("Another version already takes effect on this date.")}
        ) from exc
    return version


def preview(version: SubsidyRuleVersion, month: datetime.date | None = None) -> dict:
    """What *version*'s rules would have paid for *month* (by default last month)
    against what that month's settlement paid (or, unsettled, what the version then in
    force would pay): {"month", "would_pay", "paid", "difference", "settled"}. Nothing
    is written."""
    from subsidies.rules import version_for

    month = months.first_day(month or months.previous(datetime.date.today()))
    bureau = version.bureau
    settlement = Settlement._base_manager.filter(bureau=bureau, month=month).first()
    probe = settlement or Settlement(bureau=bureau, region=bureau.region, month=month)
    proposed = would_pay(probe, version)
    if settlement is not None and settlement.computed_at is not None:
        paid = settlement_totals(settlement)["total"]
    else:
        current = version_for(bureau, month)
        paid = would_pay(probe, current) if current is not None else 0
    return {
        "month": month,
        "would_pay": proposed,
        "paid": paid,
        "difference": proposed - paid,
        "settled": settlement is not None,
    }


def in_use(version: SubsidyRuleVersion) -> bool:
    """Whether a settlement past draft used *version*: then it is a record."""
    return (
        Settlement._base_manager.filter(rule_version=version)
        .exclude(status=SettlementStatus.DRAFT)
        .exists()
    )
