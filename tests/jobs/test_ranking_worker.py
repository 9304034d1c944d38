"""The ranking job under a real Celery worker process (Redis broker, PostgreSQL test
database), as CI runs it (.ci/run sets REDIS_URL and DATABASE_URL)."""

from core.jobs import start_job
from core.models import JobStatus, Role
from core.tenancy import all_regions, jurisdiction
from mediation.jobs.rankings import rank_quarter
from mediation.models import RankingEntry, RankingSnapshot
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory
from tests.jobs.conftest import ended, needs_worker, wait_until

pytestmark = needs_worker


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
    wait_until(ended(job), what="the ranking to finish", process=worker)
    assert job.status == JobStatus.DONE, job.message
    with all_regions():
        snapshot = RankingSnapshot.objects.get(bureau=world["a"]["county_bureau"])
        assert job.result["snapshot"] == snapshot.pk
        assert RankingEntry.objects.filter(snapshot=snapshot).count() == 3
        assert snapshot.cutoff_at <= snapshot.created_at
