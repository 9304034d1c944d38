"""Long jobs: a Job row the page polls, and a decorator that runs a Celery task
inside the starter's jurisdiction and keeps the row's status honest."""

from functools import wraps

from django.db import transaction
from django.utils import timezone

from core.models import Job, JobStatus
from core.tenancy import with_jurisdiction


def start_job(role, kind: str, task, **params) -> Job:
    """Create the job row and queue *task* once the row is committed, so a worker on
    another connection can see it."""
    job = Job.objects.create(region=role.region, kind=kind, created_by=role.user, role=role)
    transaction.on_commit(lambda: task.delay(job.pk, role_id=role.pk, **params))
    return job


class Progress:
    def __init__(self, job: Job):
        self.job = job

    def __call__(self, done: int, total: int | None = None):
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)


def job_task(func):
    """Wrap a task ``func(job, progress, **params)``: mark the job running, then done
    with the returned result dict, or failed with the error. Runs in the jurisdiction
    of the role that started it (``role_id=``)."""

    @with_jurisdiction
    @wraps(func)
    def wrapper(job_id, **params):
        params.pop("role_id", None)
        # Claim the job with a conditional update so a redelivered message never runs
        # it twice (acks_late may deliver again after a worker dies).
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.RUNNING
        )
        if not claimed:
            return None
        job = Job.objects.get(pk=job_id)
        try:
            result = func(job, Progress(job), **params) or {}
        except Exception as exc:
            Job.objects.filter(pk=job_id).update(
                status=JobStatus.FAILED, message=str(exc), finished_at=timezone.now()
            )
            raise
        # Only the fields the task owns are saved: progress was written by update().
        job.status = JobStatus.DONE
        job.result = result
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "finished_at", "result_file"])
        return result

    return wrapper
