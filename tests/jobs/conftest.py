"""Real Celery workers for the tests marked ``worker``: each a process of its own,
consuming from Redis and writing to the same PostgreSQL test database.

Every test gets a queue of its own, so tests that run at once in several pytest-xdist
processes (one test database each) never take one another's messages.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.tenancy import all_regions
from mediation.celery import app

ROOT = Path(__file__).resolve().parents[2]

needs_worker = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (see .ci/run)",
    ),
]


def database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def wait_until(condition, timeout=90, what="the condition", process=None):
    """Poll *condition* until it is true, for at most *timeout* seconds; fail with the
    worker's log if *process* (a Worker) ended on the way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None:
            assert process.alive(), f"the worker stopped:\n{process.log()}"
        time.sleep(0.2)
    log = f"\n{process.log()}" if process else ""
    raise AssertionError(f"timed out waiting for {what}{log}")


def ended(job):
    """A condition for wait_until: *job*, read again, has ended."""

    def check():
        with all_regions():
            job.refresh_from_db()
        return job.finished

    return check


class Worker:
    def __init__(self, queue, log_path, env, include):
        command = [
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
            "-Q",
            queue,
            "-l",
            "warning",
        ]
        if include:
            command += ["--include", ",".join(include)]
        self.log_path = log_path
        # The log goes to a file: a pipe nobody reads would block the worker once full.
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def kill(self):
        """SIGKILL, as the OOM killer or a lost machine does: no cleanup at all."""
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self):
        if not self.alive():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """A function starting a worker on this test's queue (with extra environment
    variables and modules to include); every worker started is stopped at the end."""
    queue = f"test-{uuid.uuid4().hex}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    workers = []

    def start(include=(), **extra_env):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **{name: str(value) for name, value in extra_env.items()},
        }
        worker = Worker(queue, tmp_path / f"worker-{len(workers)}.log", env, include)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_default_queue = previous


@pytest.fixture
def worker(start_worker):
    return start_worker()
