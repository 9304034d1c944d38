"""A real Celery worker, in its own process, consuming from Redis and writing to the
same PostgreSQL test database. Runs in CI (.ci/run sets REDIS_URL and DATABASE_URL)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import load_workbook

from core.jobs import start_job
from core.models import Job, JobStatus, Role
from core.tasks import export_roles
from core.tenancy import all_regions, jurisdiction

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
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
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


def test_a_real_worker_runs_a_job_and_writes_its_result(world, worker):
    with all_regions():
        role = Role.objects.select_related("region").get(user=world["a"]["admin_user"])
    with jurisdiction(role.jurisdiction_prefix):
        job = start_job(role, "export_roles", export_roles)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with all_regions():
            job.refresh_from_db()
        if job.finished:
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, job.message
    assert job.result == {"rows": 9}  # every role in 绍兴 (units a and a2), none of 杭州's
    assert job.result_file.name.endswith(".xlsx")
    usernames = {row[0] for row in load_workbook(job.result_file.path).active.values}
    assert "a2_clerk" in usernames and "b_clerk" not in usernames
    with all_regions():
        assert Job.objects.get(pk=job.pk).finished_at is not None
