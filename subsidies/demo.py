"""Subsidies' step of ``manage.py seed_demo``: seed 001's numbers for the first
district (2,500 yuan a month per full-time post, a 100,000 case fund, budgets of
180,000 and 100,000), a difficulty-rate schedule for the rest of the city (the city's
rule version, which its counties inherit), the district's closed cases reviewed, and
a year of its settlements in every state: the oldest paid, then exported, approved,
reviewed and the last month a draft. The other districts have last month's draft.

Everything goes through the services (subsidies.versions, .settle, .workflow), as
staff would do it, by three record-keeping users of the district (they hold no role
and cannot log in: the demo logins are made after the steps); the reviews, a
province's tens of thousands, are written in bulk (``_review_cases``)."""

import datetime
import time

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import audit, bulk
from core.seeding import SeedContext, register
from mediation.models import Case, CaseFlag
from mediation.models.choices import CaseStatus
from subsidies import months, settle, versions, workflow
from subsidies.models import CaseReview, SettledCase, SettlementStatus, SubsidyRuleVersion
from subsidies.models.budget import Budget, Fund
from subsidies.rules import DEFAULT

# Seed 001: 2,500 a month for a full-time post; the case fund pays by difficulty.
SEED_001 = {
    **DEFAULT,
    "case_rates": {"ordinary": "200.00", "complex": "600.00", "major": "1500.00"},
    "min_review_score": 60,
}
# The city's schedule: rates by difficulty and level, part rates, factors, a cap.
CITY = {
    **DEFAULT,
    "base_by_post": {post: "1500.00" for post in DEFAULT["base_by_post"]},
    "case_rates": {"ordinary": "80.00", "complex": "400.00", "major": "2000.00"},
    "level_factors": {"1": 1.5, "2": 1.3, "3": 1.1, "4": 1.0},
    "oral_share": 0.3,
    "unsuccessful_share": 0.3,
    "major_award": "1000.00",
    "monthly_cap": "3000.00",
    "persons_threshold": 5,
    "per_person": "20.00",
}
BUDGETS = ((Fund.BASE, 180000), (Fund.CASE, 100000))
# The year's months, oldest first, and the state each settlement is left in.
STATES = [SettlementStatus.PAID] * 8 + [
    SettlementStatus.EXPORTED,
    SettlementStatus.APPROVED,
    SettlementStatus.REVIEWED,
    SettlementStatus.DRAFT,
]
OVER_BUDGET = "区财政已同意从调解经费结余中追加。"
FLAGS_DECISION = "已核实，属正常调解。"
REVIEW_BATCH = 2000


@register(50, "subsidies: rules, reviews, budgets, a year of settlements")
def seed_subsidies(ctx: SeedContext):
    started = time.perf_counter()
    today = datetime.date.today()
    last = months.previous(today)
    year_months = [_back(last, n) for n in range(len(STATES) - 1, -1, -1)]
    preparer, reviewer, approver = _clerks()
    district = ctx.county_bureaus[0]
    _version(ctx.city_bureau, "绍兴市人民调解员补贴办法", year_months[0], CITY, approver)
    _version(
        district, "人民调解员以案定补办法（每人每月2500元）", year_months[0], SEED_001, approver
    )
    for year in sorted({month.year for month in year_months}):
        for fund, amount in BUDGETS:
            Budget.objects.create(
                bureau=district,
                region=district.region,
                year=year,
                fund=fund,
                amount=amount,
                note="营站政发〔2021〕2号",
            )
    reviewed = _review_cases(district, year_months[0], last, reviewer)
    for month, state in zip(year_months, STATES, strict=True):
        _settle(district, month, state, preparer, reviewer, approver)
    for county in ctx.county_bureaus[1:]:
        settle.settle_month(county, last, preparer)
    ctx.stdout.write(
        f"  {reviewed} cases reviewed, {len(year_months)} months settled "
        f"({time.perf_counter() - started:.1f} s)"
    )


def _back(month, count):
    for _n in range(count):
        month = months.previous(month)
    return month


def _clerks():
    User = get_user_model()
    users = []
    for username, name in (
        ("subsidy_preparer", "周制表"),
        ("subsidy_reviewer", "吴审核"),
        ("subsidy_approver", "郑局长"),
    ):
        user = User(username=username, first_name=name)
        user.set_unusable_password()
        user.save()
        users.append(user)
    return users


def _version(bureau, name, start, rules, user):
    return versions.save_version(
        SubsidyRuleVersion(
            bureau=bureau, region=bureau.region, name=name, effective_from=start, rules=rules
        ),
        user,
    )


def _review_cases(bureau, first, last, user) -> int:
    """The district's cases closed in the year, reviewed: most accepted (oral
    agreements with the parties' presence on file), a few refused.

    Written in batches (core.bulk) with their audit entries (core.audit.log_created),
    not one reviews.save_review each: that took five queries and two audit writes a
    case, 419 s for a province's 32,000. What save_review checks is checked here for
    the whole set: the cases are closed, and one already reviewed or counted by a
    settlement is passed over (as save_review refuses it); the scores are in range
    and there is a note for any open anomaly flag, which is closed as the review
    would close it."""
    reviewed = CaseReview._base_manager.filter(case=OuterRef("pk"))
    settled = SettledCase._base_manager.filter(case=OuterRef("pk"))
    cases = (
        Case.objects.filter(
            region__code__startswith=bureau.region.prefix,
            status=CaseStatus.CLOSED,
            closed_on__gte=first,
            closed_on__lte=months.last_day(last),
        )
        .annotate(taken=Exists(reviewed) | Exists(settled))
        .select_related("region")
        .order_by("closed_on", "pk")
    )
    count = 0
    batch = []
    for index, case in enumerate(cases.iterator(chunk_size=REVIEW_BATCH)):
        if case.taken:
            continue
        refused = index % 17 == 16
        file_score = 22 if refused else 36
        process_score = 15 if refused else 27
        result_score = 15 if refused else 26
        batch.append(
            CaseReview(
                case=case,
                region=case.region,
                file_score=file_score,
                process_score=process_score,
                result_score=result_score,
                score=file_score + process_score + result_score,
                participation_evidenced=index % 5 != 4,
                handled_properly=index % 3 == 0,
                decision="rejected" if refused else "accepted",
                flags_decision=FLAGS_DECISION,
                note="卷宗不全，不予计补。" if refused else "",
                reviewed_by=user,
            )
        )
        if len(batch) == REVIEW_BATCH:
            count += _write_reviews(batch, user)
            batch = []
    return count + _write_reviews(batch, user)


def _write_reviews(reviews, user) -> int:
    bulk.insert(CaseReview, reviews)
    audit.log_created(reviews, actor=None)
    flags = CaseFlag.objects.filter(
        case__in=[review.case_id for review in reviews], reviewed_at__isnull=True
    )
    for flag in flags:
        flag.reviewed_by, flag.reviewed_at = user, timezone.now()
        flag.review_note = FLAGS_DECISION
        flag.save()
    return len(reviews)


def _settle(bureau, month, state, preparer, reviewer, approver):
    settlement = settle.settle_month(bureau, month, preparer)
    if state == SettlementStatus.DRAFT:
        return
    settlement = workflow.review(settlement, reviewer)
    if state == SettlementStatus.REVIEWED:
        return
    reason = OVER_BUDGET if settlement.budget_warning else ""
    settlement = workflow.approve(settlement, approver, budget_reason=reason)
    if state == SettlementStatus.APPROVED:
        return
    settlement = workflow.mark_exported(settlement, approver)
    if state == SettlementStatus.PAID:
        workflow.mark_paid(settlement, approver)
