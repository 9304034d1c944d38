"""The ranking job under a real Celery worker process (Redis broker, PostgreSQL test
database), as CI runs it (.ci/run sets REDIS_URL and DATABASE_URL)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.jobs import start_job
from core.models import JobStatus, Role
from core.tenancy import all_regions, jurisdiction
from mediation.jobs.rankings import rank_quarter
from mediation.models import RankingEntry, RankingSnapshot
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (see .ci/run)",
    ),
]


def _database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def worker(transactional_db):
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mediation",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_ranking_runs_under_a_real_worker(world, worker):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"])
        for _ in range(3):
            AppointmentFactory(
                committee=committee, mediator=MediatorFactory(region=committee.region)
            )
        role = Role.objects.select_related("region").get(user=world["a"]["county_user"])
    with jurisdiction(role.jurisdiction_prefix):
        job = start_job(
            role, "rank_quarter", rank_quarter, bureau=role.bureau_id, year=2025, quarter=1
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with all_regions():
            job.refresh_from_db()
        if job.finished:
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, job.message
    with all_regions():
        snapshot = RankingSnapshot.objects.get(bureau=world["a"]["county_bureau"])
        assert job.result["snapshot"] == snapshot.pk
        assert RankingEntry.objects.filter(snapshot=snapshot).count() == 3
        assert snapshot.cutoff_at <= snapshot.created_at
