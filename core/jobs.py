"""Long jobs: a Job row the page polls, and a decorator that runs a Celery task in the
jurisdiction of the role that started it and keeps the row honest, even when the
worker running it dies.

- ``start_job`` records the job (its kind, task and parameters) and queues the task
  once the row is committed; ``retry`` queues it again for its owner.
- ``job_task`` claims the job with a lease before running it. A job is claimable while
  it waits, or when the attempt holding it gave no sign of life for a lease
  (JOB_LEASE_SECONDS): its worker died, and the broker redelivered the message
  (acks_late). Each claim counts an attempt; after JOB_MAX_ATTEMPTS the job fails.
- ``Lease`` is the running attempt's hold: under a worker, a thread with its own
  database connection renews the heartbeat and writes the progress, outside the task's
  transaction. In the request (eager mode, small imports) a time budget stops a job
  that would outlive the request.
- ``expire_lost_jobs`` (celery beat, and the job page when viewed) marks failed the
  jobs whose lease ran out, with a message and a retry button for the owner.
"""

import datetime
import logging
import threading
import time
import uuid
from functools import wraps

from auditlog.models import LogEntry
from celery import current_app, current_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import job_kinds
from core.models import Job, JobStatus
from core.tenancy import all_regions, with_jurisdiction

logger = logging.getLogger(__name__)


def start_job(role, kind: str, task, **params) -> Job:
    """Record a job of a declared *kind* that *role* may start, and queue *task* with
    *params* once the row is committed, so a worker on another connection sees it."""
    job = _create(role, kind, task, params)
    transaction.on_commit(lambda: queue(job))
    return job


def run_in_request(role, kind: str, task, **params) -> Job:
    """Run a small job in this request: recorded like any other, so its page, its
    access rules and its retry are the same."""
    job = _create(role, kind, task, params)
    task(job.pk, role_id=role.pk, **params)
    return job


def _create(role, kind, task, params) -> Job:
    if not job_kinds.get(kind).may_start(role):
        raise PermissionDenied(_("Your active role may not do this."))
    return Job.objects.create(
        region=role.region,
        kind=kind,
        created_by=role.user,
        role=role,
        task_name=task.name,
        params=params,
    )


def queue(job: Job) -> None:
    """Send the job's task, by its stored name and parameters, as its owner's role."""
    tasks = current_app.tasks
    if job.task_name not in tasks:
        current_app.loader.import_default_modules()  # a process that imported no tasks yet
    tasks[job.task_name].delay(job.pk, role_id=job.role_id, **job.params)


def retry(job: Job) -> bool:
    """Run a failed job again from the start, with the same task and parameters and a
    fresh allowance of attempts; False when it is not failed (any more)."""
    retried = _transition(
        job.pk,
        Q(status=JobStatus.FAILED),
        status=JobStatus.PENDING,
        attempts=0,
        lease=None,
        heartbeat_at=None,
        done=0,
        message="",
        result={},
        result_file="",
        finished_at=None,
    )
    if retried:
        transaction.on_commit(lambda: queue(job))
    return retried


def audit_download(job: Job, name: str, *, user, remote_addr=None) -> None:
    """An "access" entry on the job for each download of its file, naming the
    personal numbers the file shows in full, if any."""
    changes = {"downloaded": [name]}
    if job.result.get("revealed"):
        changes["revealed"] = job.result["revealed"]
    LogEntry.objects.log_create(
        job,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes=changes,
        actor=user,
        remote_addr=remote_addr,
    )


def lost_message() -> str:
    return _(
        "The worker running this job stopped responding (no sign of life for %(seconds)s "
        "seconds), so the job was interrupted and none of its unfinished work was kept. "
        "Press Retry to run it again."
    ) % {"seconds": settings.JOB_LEASE_SECONDS}


def expire_lost_jobs(jobs=None) -> int:
    """Mark failed the running jobs (of *jobs*, default all in the active jurisdiction)
    whose lease ran out. Their heartbeat is kept: a redelivered message may still take
    such a job again. Returns how many."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    candidates = Job.objects.all() if jobs is None else jobs
    lost = list(
        candidates.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale).values_list(
            "pk", "lease"
        )
    )
    return sum(
        _transition(
            pk,
            Q(status=JobStatus.RUNNING, lease=lease, heartbeat_at__lt=stale),
            status=JobStatus.FAILED,
            message=lost_message(),
            finished_at=now,
        )
        for pk, lease in lost
    )


def check_lease(job: Job) -> Job:
    """The job page's own look: a running job whose lease ran out is marked failed
    now, rather than at the next beat run."""
    lost = job.status == JobStatus.RUNNING and job.lease_expired()
    if lost and expire_lost_jobs(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def _transition(job_id, condition, **fields) -> bool:
    """Change the job if *condition* still holds, under a row lock, through save() so
    the audit trail records the change."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(condition, pk=job_id).first()
        if job is None:
            return False
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=list(fields))
    return True


class LeaseLost(Exception):
    """The attempt no longer holds the job (declared lost, or claimed again): it stops,
    so two attempts never run one job at once."""


class TooLongInProcess(Exception):
    def __init__(self):
        super().__init__(
            _(
                "This job ran longer than %(seconds)s seconds, the most a page request may "
                "take when no background worker is configured, so it was stopped and "
                "nothing was kept. Narrow the selection or split the file, or ask the "
                "administrator to set REDIS_URL and start a Celery worker."
            )
            % {"seconds": settings.JOB_IN_PROCESS_SECONDS}
        )


class Lease:
    """A running attempt's hold on its job, and where its progress goes.

    Under a worker a thread, on its own database connection, writes the progress and
    renews ``heartbeat_at``: when the task reports progress (coalesced to a write every
    FLUSH_GAP seconds) and at least every quarter lease, so a task busy in one long
    query still shows it is alive. Its writes commit at once, so the page sees progress
    while the task's own transaction is open (PostgreSQL shows other sessions nothing
    a transaction has not committed). In the request the writes go through the
    request's connection, and the time budget stops a job before the server kills it.
    """

    FLUSH_GAP = 0.5

    def __init__(self, job: Job, token, *, threaded: bool):
        self.job_id, self.token, self.threaded = job.pk, token, threaded
        self.done, self.total = 0, None
        self.lost = False
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = None
        self._deadline = time.monotonic() + settings.JOB_IN_PROCESS_SECONDS

    def __enter__(self):
        if self.threaded:
            self._thread = threading.Thread(
                target=self._keep, name=f"job-{self.job_id}-lease", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join()

    def progress(self, done: int, total: int | None = None) -> None:
        """The task's progress callback: *done* of *total* items."""
        if self.lost:
            raise LeaseLost
        self.done = done
        if total is not None:
            self.total = total
        if self.threaded:
            self._wake.set()
            return
        if time.monotonic() > self._deadline:
            raise TooLongInProcess
        if not self._write():
            raise LeaseLost

    def _write(self) -> bool:
        fields = {"done": self.done, "heartbeat_at": timezone.now()}
        if self.total is not None:
            fields["total"] = self.total
        # By primary key and lease token, from a thread that has no jurisdiction.
        with all_regions():
            held = Job.objects.filter(pk=self.job_id, lease=self.token, status=JobStatus.RUNNING)
            return bool(held.update(**fields))

    def _keep(self):
        try:
            while not self._stop.is_set():
                self._wake.wait(settings.JOB_LEASE_SECONDS / 4)
                self._wake.clear()
                try:
                    if not self._write():
                        self.lost = True
                        return
                except DatabaseError:
                    logger.exception("Renewing the lease of job %s failed", self.job_id)
                self._stop.wait(self.FLUSH_GAP)
        finally:
            connection.close()  # this thread's own connection


def _in_worker() -> bool:
    """Whether this task runs in a Celery worker (not eagerly, not called directly)."""
    request = current_task.request if current_task else None
    return request is not None and not request.called_directly and not request.is_eager


def _claim(job_id, in_worker):
    """Take the job for a new attempt; its lease token, or None when this message has
    nothing to do."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    token = uuid.uuid4()
    # Waiting; or held by an attempt that went silent (still marked running, or
    # already declared lost): its worker died and this is the redelivered message.
    claimable = Q(status=JobStatus.PENDING) | Q(
        status__in=[JobStatus.RUNNING, JobStatus.FAILED], heartbeat_at__lt=stale
    )
    claimed = Job.objects.filter(
        claimable, pk=job_id, attempts__lt=settings.JOB_MAX_ATTEMPTS
    ).update(
        status=JobStatus.RUNNING,
        lease=token,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        done=0,
        message="",
        finished_at=None,
    )
    if claimed:
        return token
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.heartbeat_at is None:
        return None  # it ended (or never existed here): a duplicate message
    if job.lease_expired(now):
        # Silent and out of attempts (else it would have been claimed).
        _transition(
            job.pk,
            Q(lease=job.lease),
            status=JobStatus.FAILED,
            message=_("The job was interrupted %(attempts)s times, so it was given up.")
            % {"attempts": job.attempts},
            heartbeat_at=None,
            finished_at=now,
        )
        return None
    if in_worker:
        # Another attempt holds a live lease. If its worker just died (a message is
        # redelivered at once when a worker is stopped), the lease runs out: look
        # again then rather than drop the only message left.
        wait = (job.heartbeat_at - now).total_seconds() + settings.JOB_LEASE_SECONDS + 1
        raise current_task.retry(countdown=wait, max_retries=None)
    return None


def _failure_message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or exc.__class__.__name__


def _end(job, lease: Lease, **fields) -> bool:
    """Record the attempt's outcome, if it still holds the job."""
    fields.update(finished_at=timezone.now(), heartbeat_at=None, done=lease.done)
    if lease.total is not None:
        fields["total"] = lease.total
    return _transition(job.pk, Q(lease=lease.token, status=JobStatus.RUNNING), **fields)


def job_task(func):
    """Wrap a task ``func(job, progress, **params)``: claim the job, run it, and mark
    it done with the returned result dict (and the file the task put in
    ``job.result_file``), or failed with the error. Runs in the jurisdiction of the
    role that started it (``role_id=``).

    Under a worker an error is raised again, for Celery's log and result; in the
    request it is only logged, so the page shows the failed job instead of an error.
    """

    @with_jurisdiction
    @wraps(func)
    def wrapper(job_id, **params):
        params.pop("role_id", None)
        in_worker = _in_worker()
        token = _claim(job_id, in_worker)
        if token is None:
            return None
        job = Job.objects.get(pk=job_id)
        lease = Lease(job, token, threaded=in_worker)
        try:
            with lease:
                result = func(job, lease.progress, **params) or {}
        except LeaseLost:
            logger.warning("Job %s lost its lease; another attempt runs it", job.uuid)
            return None
        except Exception as exc:
            _end(job, lease, status=JobStatus.FAILED, message=_failure_message(exc))
            if in_worker:
                raise
            logger.exception("Job %s (%s) failed", job.uuid, job.kind)
            return None
        _end(job, lease, status=JobStatus.DONE, result=result, result_file=job.result_file.name)
        return result

    return wrapper
