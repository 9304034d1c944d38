"""A real Celery worker, in its own process, consuming from Redis and writing to the
same PostgreSQL test database. Runs in CI (.ci/run sets REDIS_URL and DATABASE_URL)."""

from openpyxl import load_workbook

from core.jobs import start_job
from core.models import Job, JobStatus, Role
from core.tasks import export_roles
from core.tenancy import all_regions, jurisdiction
from tests.jobs.conftest import ended, needs_worker, wait_until

pytestmark = needs_worker


def test_a_real_worker_runs_a_job_and_writes_its_result(world, worker):
    with all_regions():
        role = Role.objects.select_related("region").get(user=world["a"]["admin_user"])
    with jurisdiction(role.jurisdiction_prefix):
        job = start_job(role, "export_roles", export_roles)
    wait_until(ended(job), what="the job to finish", process=worker)
    assert job.status == JobStatus.DONE, job.message
    assert job.result == {"rows": 9}  # every role in 绍兴 (units a and a2), none of 杭州's
    assert job.result_file.name.endswith(".xlsx")
    usernames = {row[0] for row in load_workbook(job.result_file.path).active.values}
    assert "a2_clerk" in usernames and "b_clerk" not in usernames
    with all_regions():
        assert Job.objects.get(pk=job.pk).finished_at is not None
