"""Which cases a settlement counts (一案卷、调解成功、协议履行), at which rate, and, for
a case not counted, why not (the mediator statement's words), one case at a time.
The settlement applies the same rules to a month's cases in SQL (subsidies.settle);
tests/subsidies/test_settle_sql.py holds the two to the same results."""

from decimal import Decimal

from django.utils.translation import gettext as _

from mediation.models.choices import AgreementForm, CaseResult, CaseStatus, Difficulty
from subsidies.models import CaseRate, ReviewDecision


def price(row, rules):
    """(rate kind, rate, factors, award) for a case row (its fields, its review's as
    ``subsidy_review__…`` and its number of parties as ``persons``), or None when the
    rules do not pay it."""
    result, form = row["result"], row["agreement_form"]
    if result == CaseResult.SUCCESS:
        if rules["require_fulfilled"] and row["fulfilled"] is not True:
            return None
        if form == AgreementForm.ORAL:
            if not row["subsidy_review__participation_evidenced"]:
                return None
            kind = CaseRate.ORAL
            rate = rules.rate(Difficulty.ORDINARY) * rules.share("oral_share")
        else:
            kind, rate = CaseRate.FULL, rules.rate(row["difficulty"])
    elif row["subsidy_review__handled_properly"]:
        kind = CaseRate.UNSUCCESSFUL
        rate = rules.rate(row["difficulty"]) * rules.share("unsuccessful_share")
    else:
        return None
    factors = Decimal(0)
    threshold = rules["persons_threshold"]
    if threshold and row["persons"] > threshold:
        factors += (row["persons"] - threshold) * rules.money("per_person")
    amount_threshold = rules.money("amount_threshold")
    if amount_threshold and Decimal(row["amount"]) >= amount_threshold:
        factors += rules.money("amount_extra")
    award = Decimal(0)
    if result == CaseResult.SUCCESS and row["difficulty"] == Difficulty.MAJOR:
        award = rules.money("major_award")
    return kind, rate, factors, award


def why_not(case, rules, min_score=None) -> str | None:
    """Why *case* does not count under *rules*, or None if it would."""
    review = getattr(case, "subsidy_review", None)
    if case.status != CaseStatus.CLOSED:
        return _("The case is not closed.")
    if review is None:
        return _("The case has not been reviewed.")
    if review.decision != ReviewDecision.ACCEPTED:
        return _("The reviewer decided it does not count.")
    if review.score < (rules["min_review_score"] if min_score is None else min_score):
        return _("The review score is below the required score.")
    row = {
        "result": case.result,
        "agreement_form": case.agreement_form,
        "fulfilled": case.fulfilled,
        "difficulty": case.difficulty,
        "amount": case.amount,
        "persons": 0,
        "subsidy_review__participation_evidenced": review.participation_evidenced,
        "subsidy_review__handled_properly": review.handled_properly,
    }
    if price(row, rules) is not None:
        return None
    if case.result == CaseResult.SUCCESS:
        if rules["require_fulfilled"] and case.fulfilled is not True:
            return _("The agreement has not been fulfilled.")
        return _("An oral agreement without evidence that the parties took part.")
    return _("An unsuccessful case not found to have been handled properly.")
