"""A settlement's steps after it is computed: draft → reviewed → approved → exported →
paid. Each step checks the state it leaves under a row lock, so two clicks cannot
both take it; the reviewer and the approver are not the preparer. From
approval on the settlement is locked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subsidies import hooks
from subsidies.models import Settlement, SettlementStatus

S = SettlementStatus


def _step(settlement, source, target, **fields):
    """Move *settlement* from *source* to *target*, under a row lock so that two
    clicks cannot both take the step; saved through save() so the trail records it."""
    with transaction.atomic():
        fresh = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if fresh.status != source or fresh.computing:
            raise ValidationError(
                _("This settlement is no longer %(status)s; reload the page.")
                % {"status": S(source).label}
            )
        fresh.status = target
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.save()
    return fresh


def _not_preparer(settlement, user, field):
    if settlement.prepared_by_id == user.pk:
        raise ValidationError(
            {field: _("The person who prepared the settlement may not also do this step.")}
        )


def review(settlement, user):
    if settlement.computed_at is None:
        raise ValidationError(_("Compute the settlement before reviewing it."))
    _not_preparer(settlement, user, "reviewed_by")
    return _step(settlement, S.DRAFT, S.REVIEWED, reviewed_by=user, reviewed_at=timezone.now())


def reopen(settlement, user):
    """Send a reviewed settlement back to draft (to recompute or correct it)."""
    return _step(settlement, S.REVIEWED, S.DRAFT, reviewed_by=None, reviewed_at=None)


def approve(settlement, user, budget_reason=""):
    """Approve: not by the preparer, and over budget only with a reason recorded."""
    _not_preparer(settlement, user, "approved_by")
    reason = (budget_reason or settlement.budget_reason or "").strip()
    warning = hooks.budget_warning(settlement)
    if warning and not reason:
        raise ValidationError(
            {
                "budget_reason": _("%(warning)s Record a reason to approve it anyway.")
                % {"warning": warning}
            }
        )
    return _step(
        settlement,
        S.REVIEWED,
        S.APPROVED,
        approved_by=user,
        approved_at=timezone.now(),
        budget_warning=warning or "",
        budget_reason=reason[:500],
    )


def mark_exported(settlement, user):
    """Record that the approved settlement went to finance (the workbook export)."""
    if settlement.status == S.EXPORTED:
        return settlement
    return _step(settlement, S.APPROVED, S.EXPORTED, exported_by=user, exported_at=timezone.now())


def mark_paid(settlement, user):
    return _step(settlement, S.EXPORTED, S.PAID, paid_recorded_by=user, paid_at=timezone.now())


ACTIONS = {
    "review": review,
    "reopen": reopen,
    "approve": approve,
    "export": mark_exported,
    "pay": mark_paid,
}
