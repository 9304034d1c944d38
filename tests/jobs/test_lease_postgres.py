"""The lease's writes under a worker, on PostgreSQL: they come from a thread on a
connection of its own, so progress reported inside the task's transaction is visible
to other sessions at once and survives the transaction's rollback. On PostgreSQL a
write in the task's own transaction would stay invisible until it commits."""

import threading
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.jobs import Lease, LeaseLost
from core.models import Job, JobStatus, Role
from core.tasks import export_roles
from core.tenancy import all_regions
from tests.jobs.conftest import wait_until

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="checks PostgreSQL's transaction isolation"
)


class Rollback(Exception):
    pass


@pytest.fixture
def held_job(transactional_db, world):
    """A job an attempt holds, committed (the test runs outside a transaction)."""
    with all_regions():
        role = Role.objects.get(user=world["a"]["admin_user"])
        return Job.objects.create(
            region=role.region,
            kind="export_roles",
            created_by=role.user,
            role=role,
            task_name=export_roles.name,
            status=JobStatus.RUNNING,
            attempts=1,
            lease=uuid.uuid4(),
            heartbeat_at=timezone.now(),
        )


def _seen_by_another_session(job) -> Job:
    """The job as a new connection (another thread) reads it."""
    seen = {}

    def read():
        try:
            with all_regions():
                seen["job"] = Job.objects.get(pk=job.pk)
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return seen["job"]


def test_progress_inside_the_task_transaction_is_seen_at_once_and_outlives_a_rollback(
    held_job,
):
    started = held_job.heartbeat_at
    lease = Lease(held_job, held_job.lease, threaded=True)
    with lease, pytest.raises(Rollback), transaction.atomic():
        lease.progress(5, 10)
        wait_until(
            lambda: _seen_by_another_session(held_job).done == 5,
            timeout=10,
            what="another session to see the progress",
        )
        raise Rollback  # the task fails: its transaction is rolled back
    seen = _seen_by_another_session(held_job)
    assert (seen.done, seen.total) == (5, 10)
    assert seen.heartbeat_at > started


def test_an_attempt_whose_job_was_declared_lost_stops_at_its_next_report(held_job):
    lease = Lease(held_job, held_job.lease, threaded=True)
    with lease:
        lease.progress(1, 3)
        with all_regions():
            Job.objects.filter(pk=held_job.pk).update(status=JobStatus.FAILED)
        lease.progress(2)
        wait_until(lambda: lease.lost, timeout=10, what="the lease to notice")
        with pytest.raises(LeaseLost):
            lease.progress(3)
