"""Grading's step of ``manage.py seed_demo``: the city's own grading criteria (scaled
to its case volume), one completed round per bureau that put the roster's levels on
record, and open rounds in progress (the city's taking applications, the first
county's in public notice with an objection), so every grading page has data.

Everything goes through grading.services, as staff would do it, with the dates the
steps would have had."""

import datetime
import time

from django.core.exceptions import ValidationError
from django.db.models import Q

from core.models import Policy
from core.seeding import SeedContext, register
from grading import services
from grading.models import Eligibility
from registry.models import Mediator

# 绍兴's own criteria: the default's shape, with case counts for its volume (a
# full-time mediator leads about a case a month).
DEMO_CRITERIA = {
    "1": {
        "graded_by": "city",
        "quota": 0.05,
        "years": 8,
        "cases": 20,
        "success_rate": 0.95,
        "oral_share": 0.1,
        "difficult": 2,
        "training_hours": 8.0,
        "satisfaction": 4.5,
    },
    "2": {
        "graded_by": "city",
        "quota": 0.15,
        "years": 5,
        "cases": 14,
        "success_rate": 0.92,
        "oral_share": 0.2,
        "difficult": 1,
        "training_hours": 6.0,
        "satisfaction": 4.0,
    },
    "3": {
        "graded_by": "county",
        "quota": 0.3,
        "years": 3,
        "cases": 8,
        "success_rate": 0.88,
        "oral_share": 0.25,
        "difficult": 0,
        "training_hours": 4.0,
        "satisfaction": 0.0,
    },
    "4": {
        "graded_by": "county",
        "quota": 0.5,
        "years": 1,
        "cases": 3,
        "success_rate": 0.85,
        "oral_share": 0.3,
        "difficult": 0,
        "training_hours": 0.0,
        "satisfaction": 0.0,
    },
}
CONFIRMED = "首次在系统中评定，按原评定等级确认。"
GRADED_PER_ROUND = 300  # levels a completed round puts on record, at most
OBJECTIONS = ["反映该调解员调解时态度生硬。", "该调解员近年调解案件数量存疑，请核实。"]


@register(25, "grading: completed rounds, level history")
def seed_completed_rounds(ctx: SeedContext):
    """Before the public roster is published, so it shows the levels on record."""
    started = time.perf_counter()
    city = ctx.city_bureau
    Policy.objects.create(
        bureau=city, region=city.region, key="grading_criteria", value=DEMO_CRITERIA
    )
    # The roster's levels were set before there was a grading module: the roster's
    # step leaves them out (registry.demo.people) for them to be graded again in a
    # completed round, so each has its history.
    held = ctx.extra.pop("levels_held", {})
    cutoff = datetime.date.today() - datetime.timedelta(days=400)
    graded = 0
    for bureau, ranks in [(city, [1, 2])] + [(b, [3, 4]) for b in ctx.county_bureaus]:
        graded += _completed_round(ctx, bureau, ranks, cutoff, held)
    ctx.stdout.write(f"  {graded} levels on record ({time.perf_counter() - started:.1f} s)")


@register(45, "grading: open rounds")
def seed_open_rounds(ctx: SeedContext):
    """After the complaints, so the open rounds' eligibility sees the integrity file."""
    started = time.perf_counter()
    today = datetime.date.today()
    _open_city_round(ctx, ctx.city_bureau, today)
    _county_round_in_notice(ctx, ctx.county_bureaus[0], today)
    ctx.stdout.write(f"  open rounds in progress ({time.perf_counter() - started:.1f} s)")


def _round(bureau, ranks, cutoff, effective_on, name, applications_close_on):
    round_ = services.create_round(
        bureau,
        name=name,
        ranks=ranks,
        cutoff_on=cutoff,
        applications_open_on=cutoff + datetime.timedelta(days=1),
        applications_close_on=applications_close_on,
        effective_on=effective_on,
    )
    services.compute_eligibility(round_)
    round_.refresh_from_db()
    return services.open_applications(round_)


def _through_review(round_, mediator, rank, today, nominated=False):
    """Apply (or nominate) and pass the committee's check and the first review; None
    when the service refuses (e.g. too short a service)."""
    apply = services.nominate if nominated else services.apply
    try:
        application = apply(round_, mediator, rank, statement="本人申报。", today=today)
    except ValidationError:
        return None
    services.committee_check(application, user=None, note="情况属实，同意推荐。")
    return services.office_review(application, user=None, note="初审通过。")


def _completed_round(ctx, bureau, ranks, cutoff, held) -> int:
    year = cutoff.year
    effective_on = cutoff + datetime.timedelta(days=90)
    round_ = _round(
        bureau,
        ranks,
        cutoff,
        effective_on,
        f"{year}年度{bureau.name}人民调解员等级评定",
        cutoff + datetime.timedelta(days=30),
    )
    prefix = bureau.region.prefix
    # Each goes through the whole workflow (apply, two checks, the panel against the
    # quota): a bounded number per bureau, or a province's 80,000 levels would take
    # hours; beyond it the levels held before stay cleared (a city holds fewer).
    members = (
        Mediator.objects.filter(
            pk__in=[pk for pk, rank in held.items() if rank in ranks],
            region__code__startswith=prefix,
        )
        .select_related("region")  # each application is stored under it
        .order_by("pk")[:GRADED_PER_ROUND]
    )
    applications = []
    apply_day = cutoff + datetime.timedelta(days=10)
    for mediator in members:
        application = _through_review(round_, mediator, held[mediator.pk], apply_day)
        if application is not None:
            applications.append(application)
    round_ = services.start_review(round_)
    round_ = services.to_panel(round_)
    # The applicants' rows only: a province's city round lists 800,000.
    rows = {
        row.mediator_id: row
        for row in Eligibility.objects.filter(
            round=round_, mediator_id__in=[application.mediator_id for application in applications]
        )
    }
    for application in applications:
        row = rows.get(application.mediator_id)
        meets = row is not None and row.passes(application.rank)
        try:
            services.decide(
                application,
                approve=True,
                user=None,
                note="评审通过。",
                exception_reason="" if meets else CONFIRMED,
            )
        except ValidationError:  # over the quota
            services.decide(application, approve=False, user=None, note="超出比例，未予评定。")
    notice_on = cutoff + datetime.timedelta(days=60)
    round_ = services.publish_notice(round_, starts_on=notice_on, today=notice_on)
    approved = list(services.notice_list(round_)[:1])
    for application in approved:
        objection = services.file_objection(
            round_,
            application,
            text=ctx.rng.choice(OBJECTIONS),
            phone=f"139{ctx.rng.randint(0, 99_999_999):08d}",
            today=notice_on,
        )
        services.answer_objection(objection, text="经核实，不影响评定结果。", user=None)
    round_ = services.close(round_, today=effective_on)
    return round_.level_changes.count()


def _open_city_round(ctx, city, today):
    """The city's current round, taking applications: the qualified apply, committees
    nominate a few more, and some have passed their checks."""
    cutoff = today - datetime.timedelta(days=30)
    round_ = _round(
        city,
        [1, 2],
        cutoff,
        today + datetime.timedelta(days=120),
        f"{today.year}年度绍兴市人民调解员等级评定",
        today + datetime.timedelta(days=30),
    )
    candidates = (
        Eligibility.objects.filter(round=round_)
        .filter(Q(qualified_rank__in=[1, 2]) | Q(current_rank=3, cases__gte=10))
        .select_related("mediator__region")
        .order_by("mediator_id")
    )
    for index, row in enumerate(candidates[: ctx.scaled(120, minimum=6)]):
        rank = row.qualified_rank or 2
        try:
            application = services.apply(
                round_,
                row.mediator,
                rank,
                statement="申报晋升等级。",
                today=today,
                source="nominated" if index % 4 == 3 else "applied",
            )
        except ValidationError:
            continue
        if index % 3 == 0:
            continue
        services.committee_check(application, user=None, note="同意推荐。")
        if index % 3 == 1:
            services.office_review(application, user=None, note="初审通过。")


def _county_round_in_notice(ctx, county, today):
    """The first county's round in its public notice, with an open objection."""
    cutoff = today - datetime.timedelta(days=60)
    round_ = _round(
        county,
        [3, 4],
        cutoff,
        today + datetime.timedelta(days=30),
        f"{today.year}年度{county.name}人民调解员等级评定",
        cutoff + datetime.timedelta(days=20),
    )
    rows = (
        Eligibility.objects.filter(round=round_, qualified_rank__in=[3, 4])
        .exclude(current_rank__lte=3)
        .select_related("mediator__region")
        .order_by("mediator_id")[: ctx.scaled(40, minimum=4)]
    )
    applications = [
        application
        for row in rows
        if (
            application := _through_review(
                round_, row.mediator, row.qualified_rank, cutoff + datetime.timedelta(days=5)
            )
        )
    ]
    round_ = services.start_review(round_)
    round_ = services.to_panel(round_)
    for index, application in enumerate(applications):
        try:
            services.decide(
                application,
                approve=index % 8 != 7,
                user=None,
                note="评审通过。" if index % 8 != 7 else "业绩材料不全，暂缓评定。",
            )
        except ValidationError:
            services.decide(application, approve=False, user=None, note="超出比例，未予评定。")
    starts_on = today - datetime.timedelta(days=2)
    round_ = services.publish_notice(round_, starts_on=starts_on, today=starts_on)
    approved = list(services.notice_list(round_)[:1])
    for application in approved:
        services.file_objection(
            round_,
            application,
            text=OBJECTIONS[1],
            phone=f"138{ctx.rng.randint(0, 99_999_999):08d}",
            today=today,
        )
