"""The complaints' step of ``manage.py seed_demo``: complaints in every state of the
workflow (some overdue), founded ones with their integrity records, and
commendations. Every demo complaint's secret code is DEMO_CODE, so the status page
can be tried with any tracking number the staff pages list."""

import datetime
import time
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.test import override_settings

from complaints import services
from complaints.models import Complaint
from core.models import RoleKind
from core.seeding import SeedContext, register
from registry.demo.names import GIVEN_NAMES, SURNAMES
from registry.models import Appointment

DEMO_CODE = "DEMO2345"
ISSUES = [
    "调解过程中偏袒对方当事人，不听我方陈述。",
    "约定的调解时间多次无故不到场。",
    "调解协议内容与当时说的不一致。",
    "态度生硬，言语不文明。",
    "向当事人索要好处费。",
]
COMMENDATIONS = ["优秀人民调解员", "人民调解先进个人", "金牌调解员", "矛盾纠纷化解能手"]


@register(40, "complaints, integrity records")
def seed_complaints(ctx: SeedContext):
    # Each filing hashes a fresh code with PBKDF2 (~0.4 s); the demo replaces them all
    # with DEMO_CODE's hash, so hash the throwaway codes cheaply.
    secret_hash = make_password(DEMO_CODE)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        _seed_complaints(ctx, secret_hash)


def _seed_complaints(ctx: SeedContext, secret_hash: str):
    started = time.perf_counter()
    today = datetime.date.today()
    rng = ctx.rng
    # The current posts' keys only (a province has 800,000); each drawn one is read.
    posts = list(
        Appointment._base_manager.filter(ends_on=None).order_by("pk").values_list("pk", flat=True)
    )
    current = Appointment._base_manager.select_related("mediator", "committee")
    # A bureau role for the conclusions (the demo users are created after the steps).
    bureau_role = SimpleNamespace(kind=RoleKind.BUREAU_STAFF, user=None)
    for index in range(ctx.scaled(60, minimum=12)):
        post = current.get(pk=rng.choice(posts))
        received = max(post.starts_on, today - datetime.timedelta(days=rng.randint(1, 80)))
        complaint, _code = services.file_complaint(
            mediator=post.mediator,
            committee=post.committee,
            name=rng.choice(list(SURNAMES)) + rng.choice(GIVEN_NAMES[("F", "old")]),
            phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
            description=rng.choice(ISSUES),
            channel="window" if index % 4 == 0 else "online",
            received_on=received,
        )
        Complaint.objects.filter(pk=complaint.pk).update(secret_hash=secret_hash)
        stage = rng.random()
        if stage < 0.3 or complaint.status != "assigned":
            continue
        services.start_verification(complaint, note="已约谈调解员并调阅案卷。")
        if stage < 0.5:
            continue
        founded = rng.random() < 0.3
        services.conclude(
            complaint,
            role=bureau_role,
            finding="founded" if founded else "unfounded",
            sanction=rng.choice(["criticism", "warning"]) if founded else "",
            on=min(today, received + datetime.timedelta(days=rng.randint(3, 20))),
        )
        if stage < 0.7:
            continue
        services.answer(complaint, text="经核实，已将处理结果告知，感谢您的监督。", on=today)
    commended = rng.sample(posts, min(len(posts), ctx.scaled(40, minimum=5)))
    for post in current.filter(pk__in=commended).order_by("pk"):
        services.commend(
            post.mediator,
            on=today - datetime.timedelta(days=rng.randint(30, 700)),
            title=rng.choice(COMMENDATIONS),
            awarded_by=ctx.city_bureau.name,
            detail="",
            user=None,
        )
    ctx.stdout.write(
        f"  {Complaint.objects.count()} complaints, {len(commended)} commendations "
        f"({time.perf_counter() - started:.1f}s)"
    )
