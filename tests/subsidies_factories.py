"""Subsidies test data: rule versions, closed and reviewed cases, settlements. Its
FACTORIES join tests.factories.FACTORIES (the isolation walker's)."""

import datetime

from core.tenancy import all_regions
from subsidies import settle
from subsidies.models import (
    Adjustment,
    CaseReview,
    SettledCase,
    Settlement,
    SettlementLine,
    SubsidyRuleVersion,
)
from subsidies.rules import RULES
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

MONTH = datetime.date(2025, 3, 1)


def make_version(bureau, effective_from=datetime.date(2025, 1, 1), effective_to=None, **rules):
    with all_regions():
        return SubsidyRuleVersion.objects.create(
            bureau=bureau,
            region=bureau.region,
            name=f"{bureau.name}{effective_from:%Y}年补贴办法",
            effective_from=effective_from,
            effective_to=effective_to,
            rules=RULES.validate({**RULES.default, **rules}),
        )


def make_mediator(region, *, bank=True, **fields):
    if bank:
        fields.setdefault("bank_account", "6222020200112233445")
    with all_regions():
        return MediatorFactory(region=region, **fields)


def make_post(mediator, committee, **fields):
    with all_regions():
        return AppointmentFactory(mediator=mediator, committee=committee, **fields)


def close_case(case, *, result="success", agreement_form="written", closed_on=None, **fields):
    """Close *case* as stored (the mediation services' own checks are tested there)."""
    with all_regions():
        case.status = "closed"
        case.result = result
        case.agreement_form = agreement_form if result == "success" else ""
        case.closed_on = closed_on or datetime.date(2025, 3, 20)
        for name, value in fields.items():
            setattr(case, name, value)
        case.save()
        return case


def review(case, user, *, decision="accepted", scores=(40, 30, 30), **fields):
    with all_regions():
        return CaseReview.objects.create(
            case=case,
            region=case.region,
            file_score=scores[0],
            process_score=scores[1],
            result_score=scores[2],
            decision=decision,
            reviewed_by=user,
            **fields,
        )


def counted_case(committee, lead, user, **fields):
    """A case closed successfully in MONTH and accepted by a reviewer."""
    with all_regions():
        case = make_case(committee, lead)
    close_case(case, **fields)
    review(case, user)
    return case


def unit_setup(world, side):
    """A committee in the side's village and a full-time mediator of it with a bank
    account; a rule version for the county bureau."""
    with all_regions():
        committee = CommitteeFactory(region=world[side]["village"], office=world[side]["office"])
    mediator = make_mediator(world[side]["township"])
    make_post(mediator, committee)
    return committee, mediator


def _version(world, side):
    bureau = world[side]["county_bureau"]
    existing = SubsidyRuleVersion._base_manager.filter(bureau=bureau).first()
    return existing or make_version(bureau)


def _settlement(world, side):
    bureau = world[side]["county_bureau"]
    existing = Settlement._base_manager.filter(bureau=bureau, month=MONTH).first()
    if existing:
        return existing
    _version(world, side)
    committee, mediator = unit_setup(world, side)
    counted_case(committee, mediator, world[side]["county_user"])
    with all_regions():
        return settle.settle_month(bureau, MONTH, world[side]["county_user"])


def _line(world, side):
    with all_regions():
        return _settlement(world, side).lines.order_by("pk").first()


def _settled_case(world, side):
    with all_regions():
        return SettledCase.objects.filter(line__settlement=_settlement(world, side)).first()


def _review(world, side):
    committee, mediator = unit_setup(world, side)
    with all_regions():
        case = make_case(committee, mediator)
    close_case(case)
    return review(case, world[side]["county_user"])


def _adjustment(world, side):
    line = _line(world, side)
    bureau = world[side]["county_bureau"]
    with all_regions():
        later, _created = Settlement.objects.get_or_create(
            bureau=bureau,
            month=datetime.date(2025, 4, 1),
            defaults={"region": bureau.region, "rule_version": _version(world, side)},
        )
        return Adjustment.objects.create(
            settlement=later,
            corrects=line,
            mediator=line.mediator,
            payer=line.payer,
            amount="-50.00",
            reason="多发退回",
            region=line.region,
        )


SUBSIDY_FACTORIES = {
    SubsidyRuleVersion: _version,
    CaseReview: _review,
    Settlement: _settlement,
    SettlementLine: _line,
    SettledCase: _settled_case,
    Adjustment: _adjustment,
}
