"""The settlement computed in SQL (subsidies.settle) against the rules applied one
case at a time in Python (subsidies.eligibility.price, the level factor, the lead and
assistant shares, rounding to the fen half up per case): the same cases, rates,
shares and amounts on a varied set of cases and rules with awkward numbers; and the
rule that a mediator-month-payer another settlement already pays is not paid again."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from core.tenancy import all_regions
from mediation.models import Case
from registry.models import Mediator
from subsidies import eligibility, settle
from subsidies.models import SettledCase, SettlementLine, SubsidyRuleVersion
from subsidies.rules import RULES, rules_of
from tests.factories import make_case
from tests.subsidies_factories import (
    MONTH,
    close_case,
    counted_case,
    make_mediator,
    make_post,
    review,
)

pytestmark = pytest.mark.django_db

FEN, SHARE = Decimal("0.01"), Decimal("0.0001")
AWKWARD = {
    "case_rates": {"ordinary": "100.75", "complex": "333.33", "major": "2000.05"},
    "oral_share": 0.333,
    "unsuccessful_share": 0.125,
    "lead_share": 0.55,
    "level_factors": {"1": 1.125, "2": 0.875, "3": 0.0},
    "base_by_level": {"1": "100.50"},
    "persons_threshold": 2,
    "per_person": "10.01",
    "amount_threshold": "10000.00",
    "amount_extra": "55.55",
    "major_award": "333.33",
    "monthly_cap": "2600.00",
    "require_fulfilled": True,
    "min_review_score": 70,
}


def fen(amount):
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def expected_payments(case_ids, rules):
    """{(case, mediator): (role, kind, rate, share, factors, award, amount)} as the
    rules give them, one case at a time."""
    found = {}
    for case in Case._base_manager.filter(pk__in=case_ids).select_related("subsidy_review"):
        review = case.subsidy_review
        if review.decision != "accepted" or review.score < rules["min_review_score"]:
            continue
        priced = eligibility.price(
            {
                "result": case.result,
                "agreement_form": case.agreement_form,
                "fulfilled": case.fulfilled,
                "difficulty": case.difficulty,
                "amount": case.amount,
                "persons": case.parties.count(),
                "subsidy_review__participation_evidenced": review.participation_evidenced,
                "subsidy_review__handled_properly": review.handled_properly,
            },
            rules,
        )
        if priced is None:
            continue
        kind, rate, factors, award = priced
        helpers = sorted(case.assistants.values_list("pk", flat=True))
        shares = [(case.lead_mediator_id, "lead", Decimal(1))]
        if helpers:
            lead = rules.share("lead_share").quantize(SHARE)
            each = ((1 - lead) / len(helpers)).quantize(SHARE, rounding=ROUND_HALF_UP)
            shares = [(case.lead_mediator_id, "lead", lead)]
            shares += [(m, "assistant", each) for m in helpers if m != case.lead_mediator_id]
        for mediator_id, role, share in shares:
            level = Mediator._base_manager.get(pk=mediator_id).level
            paid_rate = fen(rate * rules.level_factor(level))
            amount = fen((paid_rate + factors + award) * share)
            found[case.pk, mediator_id] = (
                role,
                kind.value,
                paid_rate,
                share,
                fen(factors),
                fen(award),
                amount,
            )
    return found


def test_sql_settlement_follows_the_rules_case_by_case(unit):
    with all_regions():
        SubsidyRuleVersion.objects.filter(pk=unit["version"].pk).update(
            rules=RULES.validate({**RULES.default, **AWKWARD})
        )
        version = SubsidyRuleVersion.objects.get(pk=unit["version"].pk)
    rules = rules_of(version)
    rng = random.Random(13)
    people = [unit["lead"], unit["court"], unit["helper"]]
    for _ in range(3):
        people.append(make_mediator(unit["world"]["a"]["township"]))
        make_post(people[-1], unit["committee"], full_time=False, paid_by="")
    with all_regions():
        for person, level in zip(people, [1, 2, 3, None, 0, 1], strict=True):
            Mediator.objects.filter(pk=person.pk).update(level=level)
    case_ids = []
    for n in range(40):
        lead = people[n % len(people)]
        parties = [{"role": "applicant", "name": f"当事人{i}"} for i in range(2 + n % 4)]
        with all_regions():
            case = make_case(unit["committee"], lead, parties=parties)
            helpers = rng.sample([p for p in people if p != lead], rng.choice([0, 0, 1, 2, 3]))
            case.assistants.add(*helpers)
        result = rng.choice(["success", "success", "failure"])
        close_case(
            case,
            result=result,
            agreement_form=rng.choice(["oral", "written"]),
            difficulty=rng.choice(["ordinary", "complex", "major"]),
            amount=Decimal(rng.choice(["0", "9999.99", "10000.00", "25000.50"])),
            fulfilled=rng.choice([None, True, True, False]),
        )
        review(
            case,
            unit["reviewer"],
            scores=rng.choice([(40, 30, 30), (30, 20, 15)]),
            decision=rng.choice(["accepted"] * 5 + ["rejected"]),
            participation_evidenced=rng.random() < 0.7,
            handled_properly=rng.random() < 0.6,
        )
        case_ids.append(case.pk)
    with all_regions():
        settlement = settle.settle_month(unit["bureau"], MONTH, unit["preparer"])
        got = {
            (c.case_id, c.mediator_id): (
                c.role,
                c.rate_kind,
                c.rate,
                c.share,
                c.factors,
                c.award,
                c.amount,
            )
            for c in SettledCase.objects.filter(line__settlement=settlement)
        }
        expected = expected_payments(case_ids, rules)
        lines = {
            line.mediator_id: line
            for line in SettlementLine.objects.filter(settlement=settlement, payer="bureau")
        }
    assert got == expected
    # The set exercises every rate, the splits of one to three assistants and the cap.
    assert {kind for _role, kind, *_rest in got.values()} == {"full", "oral", "unsuccessful"}
    assert {share for *_, share, _factors, _award, _amount in got.values()} == {
        Decimal(share) for share in ("1", "0.55", "0.45", "0.225", "0.15")
    }
    assert any(line.capped for line in lines.values())
    cap = rules.money("monthly_cap")
    for mediator_id, line in lines.items():
        paid = [v for (_case, m), v in got.items() if m == mediator_id]
        awards = sum((fen(award * share) for *_, share, _f, award, _a in paid), Decimal(0))
        amounts = sum((amount for *_, amount in paid), Decimal(0))
        assert line.cases == len(paid)
        assert (line.award, line.case_amount) == (awards, amounts - awards)
        assert line.capped == max(Decimal(0), amounts - cap)
        assert line.total == line.base + amounts - line.capped
    lead_line = lines[unit["lead"].pk]
    assert lead_line.base == Decimal("2600.50")  # a level-1 post: 2,500 + 100.50
    assert lead_line.level == 1 and lead_line.full_time
    assert lines[unit["helper"].pk].blocked == "no_bank_account"


def test_a_mediator_month_payer_paid_by_another_settlement_is_not_paid_again(unit):
    """The city settles the month first and pays both full-time mediators' bases. The
    county's settlement of the month, whose case fund pays through the court, pays the
    lead's case (the lead's court line is free) but neither base again, nor a case of
    the mediator whose court line the city holds: that case counts in a later month."""
    from tests.subsidies_factories import make_version

    city = unit["world"]["a"]["city_bureau"]
    make_version(city)
    with all_regions():
        settle.settle_month(city, MONTH, unit["preparer"])
        SubsidyRuleVersion.objects.filter(pk=unit["version"].pk).update(
            rules=RULES.validate({**RULES.default, "case_fund_payer": "court"})
        )
    paid = counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    held = counted_case(unit["committee"], unit["court"], unit["reviewer"])
    with all_regions():
        county = settle.settle_month(unit["bureau"], MONTH, unit["preparer"])
        assert {
            (line.mediator_id, line.payer, line.base, line.cases) for line in county.lines.all()
        } == {(unit["lead"].pk, "court", Decimal("0.00"), 1)}
        assert SettledCase.objects.get(case=paid).line.settlement == county
        assert not SettledCase.objects.filter(case=held).exists()
        april = settle.settle_month(unit["bureau"], datetime.date(2025, 4, 1), unit["preparer"])
        assert SettledCase.objects.get(case=held).line.settlement == april


def _rows(settlement):
    """The settlement's lines and cases as written: {key: (id, values)}."""
    lines = {
        (line.mediator_id, line.payer): (
            line.pk,
            (
                line.level,
                line.full_time,
                line.blocked,
                line.cases,
                *(getattr(line, name) for name in settle.MONEY),
            ),
        )
        for line in SettlementLine.objects.filter(settlement=settlement)
    }
    cases = {
        (c.case_id, c.mediator_id): (
            c.pk,
            (c.line_id, c.role, c.rate_kind, c.rate, c.share, c.factors, c.award, c.amount),
        )
        for c in SettledCase.objects.filter(line__settlement=settlement)
    }
    return lines, cases


def test_a_recomputation_writes_only_what_changed_and_equals_a_fresh_one(unit):
    """Unchanged inputs: every row stays as it was, ids included. Changed inputs (a
    review rejected, a new case accepted, a level raised, a post ended): the rows
    follow, a line that stays keeps its id, and the result is what computing the
    month afresh gives, digest included."""
    from registry.models import Appointment
    from subsidies.models import CaseReview

    with all_regions():
        SubsidyRuleVersion.objects.filter(pk=unit["version"].pk).update(
            rules=RULES.validate({**RULES.default, **AWKWARD, "require_fulfilled": False})
        )
    rejected = counted_case(unit["committee"], unit["court"], unit["reviewer"])
    kept = counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    with all_regions():
        kept.assistants.add(unit["helper"])
        first = settle.settle_month(unit["bureau"], MONTH, unit["preparer"])
        before = _rows(first)
        again = settle.compute(first, unit["preparer"])
        assert _rows(again) == before and again.digest == first.digest

        CaseReview.objects.filter(case=rejected).update(decision="rejected")
        added = counted_case(unit["committee"], unit["helper"], unit["reviewer"])
        Mediator.objects.filter(pk=unit["lead"].pk).update(level=1)
        Appointment.objects.filter(mediator=unit["court"]).update(
            ends_on=datetime.date(2025, 2, 28)
        )
        changed = settle.compute(first, unit["preparer"])
        lines, cases = _rows(changed)
    assert (rejected.pk, unit["court"].pk) not in cases
    assert (added.pk, unit["helper"].pk) in cases
    assert (unit["court"].pk, "court") not in lines  # the post ended before the month
    lead_line = (unit["lead"].pk, "bureau")
    assert lines[lead_line][0] == before[0][lead_line][0]  # the same row, updated
    assert lines[lead_line][1] != before[0][lead_line][1]
    assert lines[lead_line][1][0] == 1  # the level it now has
    assert cases[kept.pk, unit["lead"].pk][0] == before[1][kept.pk, unit["lead"].pk][0]

    with all_regions():
        SettledCase.objects.filter(line__settlement=first).delete()
        SettlementLine.objects.filter(settlement=first).delete()
        fresh = settle.compute(first, unit["preparer"])
        fresh_lines, fresh_cases = _rows(fresh)

    def values(rows):
        # Line ids differ between the two computations; cases are compared by the
        # key of the line they are on.
        return {key: value for key, (_id, value) in rows.items()}

    assert values(fresh_lines) == values(lines)
    by_id = {pk: key for key, (pk, _v) in lines.items()}
    fresh_by_id = {pk: key for key, (pk, _v) in fresh_lines.items()}
    assert {k: (by_id[v[0]], *v[1:]) for k, (_i, v) in cases.items()} == {
        k: (fresh_by_id[v[0]], *v[1:]) for k, (_i, v) in fresh_cases.items()
    }
    assert fresh.digest == changed.digest
