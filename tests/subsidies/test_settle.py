import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.tenancy import all_regions
from subsidies import settle, workflow
from subsidies.models import SettledCase, Settlement, SettlementLine
from subsidies.totals import settlement_totals, totals_by_payer
from tests.factories import make_case
from tests.subsidies_factories import MONTH, close_case, counted_case, review

pytestmark = pytest.mark.django_db


def _settle(unit, month=MONTH):
    with all_regions():
        return settle.settle_month(unit["bureau"], month, unit["preparer"])


def _lines(settlement):
    with all_regions():
        return {
            (line.mediator_id, line.payer): line
            for line in SettlementLine.objects.filter(settlement=settlement)
        }


def test_base_by_payer_and_cases_by_rate(unit):
    lead, court = unit["lead"], unit["court"]
    counted_case(unit["committee"], lead, unit["reviewer"])  # ordinary written: 100
    counted_case(unit["committee"], lead, unit["reviewer"], difficulty="major")  # 2000
    with all_regions():
        oral = make_case(unit["committee"], lead)
        unproven = make_case(unit["committee"], lead)
        failed = make_case(unit["committee"], lead)
        rejected = make_case(unit["committee"], lead)
    close_case(oral, agreement_form="oral")
    review(oral, unit["reviewer"], participation_evidenced=True)  # 30% of 100
    close_case(unproven, agreement_form="oral")
    review(unproven, unit["reviewer"])  # no evidence: not paid
    close_case(failed, result="failure")
    review(failed, unit["reviewer"], handled_properly=True)  # 30% of 100
    close_case(rejected)
    review(rejected, unit["reviewer"], decision="rejected")

    settlement = _settle(unit)
    lines = _lines(settlement)
    assert lines[lead.pk, "bureau"].base == Decimal("2500.00")
    assert lines[lead.pk, "bureau"].case_amount == Decimal("2160.00")
    assert lines[lead.pk, "bureau"].cases == 4
    assert lines[court.pk, "court"].base == Decimal("2500.00")
    assert lines[court.pk, "court"].total == Decimal("2500.00")
    with all_regions():
        totals = settlement_totals(settlement)
        assert totals["total"] == Decimal("7160.00")
        assert {row["payer"]: row["total"] for row in totals_by_payer(settlement)} == {
            "bureau": Decimal("4660.00"),
            "court": Decimal("2500.00"),
        }
    assert settlement.rule_version == unit["version"]


def test_lead_and_assistant_split_and_blocked_without_bank_account(unit):
    case = counted_case(unit["committee"], unit["lead"], unit["reviewer"], difficulty="complex")
    with all_regions():
        case.assistants.add(unit["helper"])
    settlement = _settle(unit)
    lines = _lines(settlement)
    assert lines[unit["lead"].pk, "bureau"].case_amount == Decimal("300.00")  # 60% of 500
    helper_line = lines[unit["helper"].pk, "bureau"]
    assert helper_line.case_amount == Decimal("200.00")
    assert helper_line.blocked == "no_bank_account"
    with all_regions():
        assert settlement_totals(settlement)["blocked"] == 1


def test_rerun_gives_the_same_lines_and_a_case_counts_once(unit):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    first = _settle(unit)
    digest = first.digest
    again = _settle(unit)
    assert again.pk == first.pk and again.digest == digest
    # The next month does not count the case again.
    with all_regions():
        april = settle.settle_month(unit["bureau"], datetime.date(2025, 4, 1), unit["preparer"])
        assert SettledCase.objects.filter(line__settlement=april).count() == 0
        assert SettledCase.objects.count() == 1


def test_database_refuses_paying_a_mediator_month_or_a_case_twice(unit):
    case = counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    settlement = _settle(unit)
    with all_regions():
        line = settlement.lines.get(mediator=unit["lead"])
        with pytest.raises(IntegrityError), transaction.atomic():
            SettlementLine.objects.create(
                settlement=settlement,
                rule_version=settlement.rule_version,
                mediator=unit["lead"],
                month=MONTH,
                payer="bureau",
                region=line.region,
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            SettledCase.objects.create(
                line=line,
                case=case,
                mediator=unit["lead"],
                role="lead",
                rate_kind="full",
                share=1,
                region=case.region,
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Settlement.objects.create(
                bureau=unit["bureau"],
                month=MONTH,
                rule_version=settlement.rule_version,
                region=settlement.region,
            )


def test_the_claim_stops_a_second_worker(unit):
    settlement = _settle(unit)
    with all_regions():
        Settlement.objects.filter(pk=settlement.pk).update(computing="another-worker")
        with pytest.raises(ValidationError, match="另一任务"):
            settle.compute(settlement)


def test_refusals(unit):
    today = datetime.date.today()
    with all_regions(), pytest.raises(ValidationError) as error:
        settle.settle_month(unit["bureau"], today, unit["preparer"])
    assert "month" in error.value.message_dict
    _settle(unit)
    with all_regions(), pytest.raises(ValidationError):
        settle.create_settlement(unit["bureau"], MONTH, unit["preparer"])
    with all_regions(), pytest.raises(ValidationError):
        settle.settle_month(unit["bureau"], datetime.date(2024, 3, 1), unit["preparer"])


def test_workflow_needs_other_people_and_locks(unit):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    settlement = _settle(unit)
    with all_regions():
        with pytest.raises(ValidationError):
            workflow.review(settlement, unit["preparer"])
        settlement = workflow.review(settlement, unit["reviewer"])
        with pytest.raises(ValidationError):
            workflow.approve(settlement, unit["preparer"])
        settlement = workflow.approve(settlement, unit["approver"])
        assert settlement.locked
        with pytest.raises(ValidationError):
            settle.compute(settlement)
        settlement = workflow.mark_exported(settlement, unit["approver"])
        settlement = workflow.mark_paid(settlement, unit["approver"])
        assert settlement.status == "paid"
        with pytest.raises(ValidationError):
            workflow.mark_paid(settlement, unit["approver"])


def test_a_second_worker_is_refused_while_the_first_computes(unit, monkeypatch):
    """The claim is taken before the computation starts: a second compute arriving
    while the first is still building its lines is refused, and the first completes."""
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    with all_regions():
        settlement = settle.create_settlement(unit["bureau"], MONTH, unit["preparer"])
    real = settle.write_lines
    refused = []

    def racing(target, version, progress=None):
        try:
            settle.compute(Settlement.objects.get(pk=target.pk))
        except ValidationError as exc:
            refused.append(exc)
        return real(target, version, progress)

    monkeypatch.setattr(settle, "write_lines", racing)
    with all_regions():
        done = settle.compute(settlement)
        assert refused and "另一任务" in str(refused[0])
        assert done.lines.count() == 2 and not Settlement.objects.get().computing
