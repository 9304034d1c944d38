"""The library's step of ``manage.py seed_demo``: a dozen closed, successful cases of
the city promoted with anonymised accounts (through caselibrary.services, so each
passes the check), a few of them published on the public site."""

import time

from django.core.exceptions import ValidationError

from caselibrary import services
from core.seeding import SeedContext, register
from mediation.models import Case
from mediation.models.choices import CaseResult, CaseStatus

ENTRIES = 12
PUBLISHED = 5
METHOD = (
    "调解员受理后分别听取双方陈述，实地查看现场，释法说理，"
    "在双方互谅互让的基础上促成调解协议，并于事后回访确认协议已履行。"
)
COMMENTARY = "本案调解员把握“情、理、法”相结合，先稳定情绪再分清责任，值得借鉴。"


@register(50, "typical-case library")
def seed_library(ctx: SeedContext):
    started = time.perf_counter()
    cases = list(
        Case.objects.filter(status=CaseStatus.CLOSED, result=CaseResult.SUCCESS)
        .select_related("dispute_type")
        .order_by("-closed_on", "pk")[: ENTRIES * 3]
    )
    ctx.rng.shuffle(cases)
    promoted = []
    for case in cases:
        if len(promoted) == ENTRIES:
            break
        try:
            entry = services.promote(
                case,
                title=f"{case.dispute_type.name}纠纷调解案例（{len(promoted) + 1}）",
                account=services.draft_account(case) + "\n" + METHOD,
                commentary=COMMENTARY,
            )
        except ValidationError:
            continue  # a summary the draft cannot clean is left for staff
        promoted.append(entry)
    for entry in promoted[:PUBLISHED]:
        services.publish(entry)
    ctx.stdout.write(
        f"  {len(promoted)} library cases, {min(PUBLISHED, len(promoted))} published "
        f"({time.perf_counter() - started:.1f} s)"
    )
