"""The job's lease, in-process: claims by redelivered messages, attempts, lost jobs
marked failed (by the page and by beat), the owner's retry, and the time budget of a
job run in the request. The same under real workers killed mid-job is in
test_worker_lost.py; progress written from the lease's own connection in
test_lease_postgres.py."""

import datetime
import uuid

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.models import Job, JobStatus, Role
from core.tasks import expire_lost_jobs, export_roles
from core.tenancy import all_regions, jurisdiction
from mediation.jobs.rankings import rank_quarter
from mediation.models import RankingSnapshot


def _role(world, key="admin_user", side="a"):
    with all_regions():
        return Role.objects.select_related("region", "bureau", "user").get(user=world[side][key])


def _job(role, kind="export_roles", task=export_roles, **fields) -> Job:
    """A job of *role* as start_job records it, in the state *fields* say."""
    with all_regions():
        return Job.objects.create(
            region=role.region,
            kind=kind,
            created_by=role.user,
            role=role,
            task_name=task.name,
            **fields,
        )


def _silent_for(seconds) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _running(role, *, silent=0, attempts=1, **fields) -> Job:
    """A job an attempt holds, whose last sign of life was *silent* seconds ago."""
    return _job(
        role,
        status=JobStatus.RUNNING,
        attempts=attempts,
        lease=uuid.uuid4(),
        heartbeat_at=_silent_for(silent),
        **fields,
    )


def _deliver(job):
    """The job's message arriving (again): the task runs here, as a worker would."""
    with jurisdiction(job.role.jurisdiction_prefix):
        jobs.queue(job)
    with all_regions():
        job.refresh_from_db()


def test_a_redelivered_job_whose_lease_ran_out_runs_again_from_the_start(world, settings):
    job = _running(_role(world), silent=settings.JOB_LEASE_SECONDS + 1, done=3, total=9)
    _deliver(job)
    assert job.status == JobStatus.DONE, job.message
    assert job.attempts == 2 and job.result == {"rows": 9}
    assert job.result_file and job.heartbeat_at is None


def test_a_duplicate_message_leaves_a_job_with_a_live_lease_to_its_attempt(world):
    job = _running(_role(world), silent=1)
    lease = job.lease
    _deliver(job)
    assert (job.status, job.attempts, job.lease) == (JobStatus.RUNNING, 1, lease)


def test_a_job_out_of_attempts_is_given_up_with_the_reason(world, settings):
    job = _running(
        _role(world), silent=settings.JOB_LEASE_SECONDS + 1, attempts=settings.JOB_MAX_ATTEMPTS
    )
    _deliver(job)
    assert job.status == JobStatus.FAILED
    assert str(settings.JOB_MAX_ATTEMPTS) in job.message and "放弃" in job.message
    assert job.heartbeat_at is None, "given up for good: no later message takes it"
    assert job.retryable


def test_a_finished_job_is_not_run_again_by_a_late_message(world):
    job = _job(_role(world), status=JobStatus.DONE, attempts=1, result={"rows": 1})
    _deliver(job)
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 1, {"rows": 1})


def test_a_lost_job_fails_when_its_page_is_viewed_and_its_owner_runs_it_again(
    world, login, settings, django_capture_on_commit_callbacks
):
    job = _running(_role(world), silent=settings.JOB_LEASE_SECONDS + 1)
    client = login(world["a"]["admin_user"])
    page = client.get(job.get_absolute_url())
    with all_regions():
        job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == jobs.lost_message()
    text = page.content.decode()
    assert "没有响应" in text and 'data-testid="job-retry"' in text
    assert "用户与角色导出" in text, "the page names the job in Chinese"
    with all_regions():
        (entry,) = LogEntry.objects.get_for_object(job).filter(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["status"] == ["running", "failed"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:job_retry", args=[job.uuid]))
    assert response.url == job.get_absolute_url()
    with all_regions():
        job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1, job.message
    page = client.get(job.get_absolute_url())
    assert reverse("core:job_download", args=[job.uuid]) in page.content.decode()


def test_the_beat_task_fails_the_lost_jobs_of_every_bureau_and_leaves_live_ones(world, settings):
    silent = settings.JOB_LEASE_SECONDS + 1
    lost_a = _running(_role(world), silent=silent)
    lost_b = _running(_role(world, side="b"), silent=silent)
    alive = _running(_role(world), silent=1)
    assert expire_lost_jobs.delay().get() == 2
    with all_regions():
        statuses = {j.pk: j.status for j in Job.objects.all()}
    assert statuses == {
        lost_a.pk: JobStatus.FAILED,
        lost_b.pk: JobStatus.FAILED,
        alive.pk: JobStatus.RUNNING,
    }


def test_a_colleague_follows_a_shared_job_but_only_its_owner_may_retry_it(
    world, login, django_capture_on_commit_callbacks
):
    owner = _role(world, "county_user")
    params = {"bureau": owner.bureau_id, "year": 2025, "quarter": 1}
    job = _job(owner, "rank_quarter", rank_quarter, status=JobStatus.FAILED, params=params)
    colleague = login(world["a"]["county_admin"])
    page = colleague.get(job.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="job-retry"' not in page.content.decode()
    assert colleague.post(reverse("core:job_retry", args=[job.uuid])).status_code == 404

    owner_client = login(world["a"]["county_user"])
    assert 'data-testid="job-retry"' in owner_client.get(job.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("core:job_retry", args=[job.uuid]))
    with all_regions():
        job.refresh_from_db()
        snapshot = RankingSnapshot.objects.get()
    assert job.status == JobStatus.DONE, job.message
    assert job.result_url == reverse("mediation:ranking_detail", args=[snapshot.pk])


def test_only_a_failed_job_can_be_run_again(world, login):
    job = _running(_role(world), silent=1)
    client = login(world["a"]["admin_user"])
    response = client.post(reverse("core:job_retry", args=[job.uuid]), follow=True)
    assert "只有失败的任务" in response.content.decode()
    with all_regions():
        job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


def test_the_retry_button_works_without_javascript_through_a_confirmation(world, login):
    job = _job(_role(world), status=JobStatus.FAILED)
    page = login(world["a"]["admin_user"]).get(reverse("core:job_retry", args=[job.uuid]))
    assert page.status_code == 200 and 'data-testid="job-retry"' in page.content.decode()


def test_a_job_in_the_request_is_stopped_past_its_time_budget_and_keeps_nothing(
    world, settings, django_capture_on_commit_callbacks
):
    settings.JOB_IN_PROCESS_SECONDS = 0
    role = _role(world, "county_user")
    with jurisdiction(role.jurisdiction_prefix), django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(
            role, "rank_quarter", rank_quarter, bureau=role.bureau_id, year=2025, quarter=1
        )
    with all_regions():
        job.refresh_from_db()
        assert RankingSnapshot.objects.count() == 0, "its transaction was rolled back"
    assert job.status == JobStatus.FAILED
    assert "REDIS_URL" in job.message and "worker" in job.message
    assert job.retryable


def test_the_same_job_runs_in_the_request_within_its_budget(
    world, django_capture_on_commit_callbacks
):
    role = _role(world, "county_user")
    with jurisdiction(role.jurisdiction_prefix), django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(
            role, "rank_quarter", rank_quarter, bureau=role.bureau_id, year=2025, quarter=1
        )
    with all_regions():
        job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.done, job.total) == (3, 3)


def test_an_attempt_that_lost_its_lease_stops_at_its_next_progress_report(world):
    job = _running(_role(world))
    lease = jobs.Lease(job, job.lease, threaded=False)
    lease.progress(1, 3)
    with all_regions():
        Job.objects.filter(pk=job.pk).update(lease=uuid.uuid4())  # claimed by another attempt
    with pytest.raises(jobs.LeaseLost):
        lease.progress(2)
