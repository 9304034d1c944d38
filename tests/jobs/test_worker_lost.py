"""A worker killed mid-job (kill -9: the OOM killer, a lost machine, a hard deploy),
with real worker processes on Redis and PostgreSQL and a lease of two seconds.

The job (tests/jobs/waiting_task.py) reports progress inside its transaction and waits
there until the test says go, so the test kills its worker at a known point. Then
either a new worker gets the redelivered message and runs the job again to the end,
or no worker comes back: the job's page finds the lease ran out, marks it failed with
a message, and its owner's retry runs it to the end."""

import uuid

import pytest
from django.urls import reverse

from core.jobs import lost_message, start_job
from core.models import JobStatus, Role
from core.tenancy import all_regions, jurisdiction
from tests.jobs.conftest import ended, needs_worker, wait_until
from tests.jobs.waiting_task import redis_client, signals, wait_for_go

pytestmark = needs_worker

LEASE = 2
WORKER = {
    "include": ["tests.jobs.waiting_task"],
    "JOB_LEASE_SECONDS": LEASE,
    # A message a dead worker held returns to the queue after a second.
    "CELERY_VISIBILITY_TIMEOUT": 1,
}


@pytest.fixture
def signal(settings):
    client = redis_client()
    key = f"test-wait-{uuid.uuid4().hex}"
    yield client, key
    client.delete(*signals(key))


@pytest.fixture
def waiting_job(world, settings, signal, start_worker):
    """The job, queued on this test's queue (start_worker sets it), with no worker yet."""
    settings.JOB_LEASE_SECONDS = LEASE
    _client, key = signal
    with all_regions():
        role = Role.objects.select_related("region").get(user=world["a"]["county_user"])
    with jurisdiction(role.jurisdiction_prefix):
        return start_job(role, "test_wait", wait_for_go, key=key)


def _start(start_worker):
    return start_worker(**WORKER)


def _attempt_started(signal, worker) -> int:
    """Block until the job reports it is waiting; its attempt number."""
    client, key = signal
    popped = client.blpop([signals(key)[0]], timeout=90)
    assert popped, f"the job never started:\n{worker.log()}"
    return int(popped[1])


def _say_go(signal):
    client, key = signal
    client.rpush(signals(key)[1], "go")


def _read(job):
    with all_regions():
        job.refresh_from_db()
    return job


def test_a_job_whose_worker_is_killed_runs_again_on_the_next_worker(
    waiting_job, signal, start_worker
):
    job = waiting_job
    first = _start(start_worker)
    assert _attempt_started(signal, first) == 1
    # The task's transaction is open, yet its progress is here already.
    wait_until(
        lambda: _read(job).done == 1 and job.status == JobStatus.RUNNING,
        what="the running job's progress",
        process=first,
    )

    first.kill()
    _say_go(signal)
    second = _start(start_worker)
    assert _attempt_started(signal, second) == 2
    wait_until(ended(job), what="the redelivered job to finish", process=second)
    assert job.status == JobStatus.DONE, job.message
    assert job.attempts == 2 and job.result == {"attempt": 2}
    assert (job.done, job.total) == (2, 2)


def test_a_job_whose_worker_never_comes_back_fails_and_its_owner_runs_it_again(
    waiting_job, signal, start_worker, client, world
):
    job = waiting_job
    first = _start(start_worker)
    assert _attempt_started(signal, first) == 1
    first.kill()

    wait_until(lambda: _read(job).lease_expired(), timeout=30, what="the lease to run out")
    client.force_login(world["a"]["county_user"])
    page = client.get(job.get_absolute_url()).content.decode()
    assert _read(job).status == JobStatus.FAILED
    assert job.message == lost_message() and lost_message() in page
    assert 'data-testid="job-retry"' in page

    response = client.post(reverse("core:job_retry", args=[job.uuid]))
    assert response.url == job.get_absolute_url()
    assert (_read(job).status, job.attempts) == (JobStatus.PENDING, 0)
    _say_go(signal)
    second = _start(start_worker)
    wait_until(ended(job), what="the retried job to finish", process=second)
    assert job.status == JobStatus.DONE, job.message
    assert job.result == {"attempt": 1} and job.message == ""
