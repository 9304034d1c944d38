"""Honours' step of ``manage.py seed_demo``: last year's gold mediator of the city,
judged by a panel of three and announced (so a commendation is in the winner's
integrity file), and this year's open calls: the city's gold mediator and the first
county's ten best cases, each with a few offices' nominations. Everything goes
through honours.services with the dates the steps would have had."""

import contextlib
import datetime
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from core.models import Role, RoleKind
from core.seeding import SeedContext, register
from honours import services
from honours.forms import DEFAULT_CRITERIA
from honours.models import GOLD_MEDIATOR, TEN_BEST_CASES, Subject
from mediation.models import Case
from mediation.models.choices import CaseResult, CaseStatus
from registry.models import Mediator, MediatorStatus

CRITERIA = [{"name": name, "points": points} for name, points in DEFAULT_CRITERIA]
PANEL = [("panel1", "王", "评委"), ("panel2", "陈", "评委"), ("panel3", "周", "评委")]
STATEMENT = "该同志扎根基层调解一线，全年调处矛盾纠纷数量多、质量高，群众满意度高，推荐参评。"
CASE_STATEMENT = "本案案情复杂、调解难度大，调解员方法得当，群众满意，社会效果良好，推荐参评。"


def _panel(ctx):
    users = []
    for username, last, first in PANEL:
        user = get_user_model().objects.create_user(
            username=username, first_name=first, last_name=last, password=None
        )
        Role.objects.create(user=user, kind=RoleKind.BUREAU_STAFF, bureau=ctx.city_bureau)
        users.append(user)
    return users


def _mediators(office, count):
    return list(
        Mediator.objects.filter(
            region__code__startswith=office.region.prefix, status=MediatorStatus.ACTIVE
        ).order_by("pk")[:count]
    )


def _nominate_mediators(call, offices, today, per_office=1):
    nominations = []
    for office in offices:
        for mediator in _mediators(office, per_office):
            try:
                nominations.append(
                    services.nominate(
                        call, office, mediator=mediator, statement=STATEMENT, today=today
                    )
                )
            except ValidationError:
                continue
    return nominations


@register(55, "honours: last year's gold mediator, open calls")
def seed_honours(ctx: SeedContext):
    started = time.perf_counter()
    today = datetime.date.today()
    city = ctx.city_bureau
    panel = _panel(ctx)
    # Last year's call, announced.
    opened = datetime.date(today.year - 1, 11, 1)
    past = services.create_call(
        city,
        name=f"{today.year - 1}年度绍兴市{GOLD_MEDIATOR}评选",
        title=GOLD_MEDIATOR,
        subject=Subject.MEDIATOR,
        year=today.year - 1,
        places=2,
        deadline=opened + datetime.timedelta(days=20),
        description="各司法所推荐本辖区优秀专职调解员，由市局评审委员会评审。",
        criteria=CRITERIA,
        today=opened,
    )
    for user in panel:
        services.add_member(past, user)
    services.open_call(past, today=opened)
    nominated = _nominate_mediators(past, ctx.offices[:5], opened)
    services.start_judging(past)
    for index, nomination in enumerate(nominated):
        for offset, user in enumerate(panel):
            points = [
                max(1, c["points"] - ((index * 3 + offset * 2 + n) % 7))
                for n, c in enumerate(CRITERIA)
            ]
            services.score(nomination, user=user, points=points)
    # A tie would leave it before the panel, as staff would.
    with contextlib.suppress(ValidationError):
        services.announce(past, today=opened + datetime.timedelta(days=40))
    # This year's open calls.
    deadline = today + datetime.timedelta(days=21)
    gold = services.create_call(
        city,
        name=f"{today.year}年度绍兴市{GOLD_MEDIATOR}评选",
        title=GOLD_MEDIATOR,
        subject=Subject.MEDIATOR,
        year=today.year,
        places=3,
        deadline=deadline,
        description="各司法所于截止日前推荐本辖区优秀调解员一名，并附推荐理由。",
        criteria=CRITERIA,
    )
    for user in panel:
        services.add_member(gold, user)
    services.open_call(gold)
    _nominate_mediators(gold, ctx.offices[::2][:4], today)
    county = ctx.county_bureaus[0]
    cases_call = services.create_call(
        county,
        name=f"{today.year}年度{county.name}{TEN_BEST_CASES}评选",
        title=TEN_BEST_CASES,
        subject=Subject.CASE,
        year=today.year,
        places=10,
        deadline=deadline,
        criteria=CRITERIA,
    )
    services.open_call(cases_call)
    offices = [o for o in ctx.offices if o.bureau_id == county.pk]
    for office in offices:
        closed = Case.objects.filter(
            region__code__startswith=office.region.prefix,
            status=CaseStatus.CLOSED,
            result=CaseResult.SUCCESS,
        ).order_by("-closed_on", "pk")[:2]
        for case in closed:
            try:
                services.nominate(cases_call, office, case=case, statement=CASE_STATEMENT)
            except ValidationError:
                continue
    ctx.stdout.write(f"  calls for nominations ({time.perf_counter() - started:.1f} s)")
