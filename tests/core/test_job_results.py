"""No dead end after a long job: the page of every kind of finished job links to its
result, and the result opens."""

import datetime

import pytest
from django.core.files.base import ContentFile

from core import job_kinds
from core.models import Job, JobStatus, Role
from core.tenancy import all_regions
from tests.evaluation_factories import _evaluation
from tests.factories import _draw, _publication, _round, _snapshot
from tests.subsidies_factories import _settlement


def _result(world, kind):
    """The result a finished job of *kind* records, pointing at a real object."""
    if kind == "rank_quarter":
        return {"snapshot": _snapshot(world, "a").pk}
    if kind == "callback_draw":
        return {"month": _draw(world, "a").month.isoformat()}
    if kind == "grading_eligibility":
        return {"round": _round(world, "a").pk, "mediators": 0}
    if kind == "subsidy_settlement":
        return {"settlement": _settlement(world, "a").pk}
    if kind == "evaluate_year":
        return {"evaluation": _evaluation(world, "a").pk}
    if kind == "roster_publication":
        return {"publication": _publication(world, "a").pk}
    if kind.startswith("import_"):
        path = "imports/checked.xlsx"
        return {"records": kind[7:], "path": path, "dry_run": False, "errors": [], "rows": 1}
    return {"records": "committees", "rows": 1}


@pytest.mark.parametrize("kind", sorted(job_kinds._KINDS))
def test_every_finished_job_links_to_a_result_that_opens(login, world, kind):
    admin = world["a"]["county_admin"]  # a bureau admin may start every kind
    with all_regions():
        role = Role.objects.get(user=admin)
        job = Job.objects.create(
            kind=kind,
            status=JobStatus.DONE,
            created_by=admin,
            role=role,
            region=role.region,
            result=_result(world, kind),
            finished_at=datetime.datetime.now(tz=datetime.UTC),
        )
        if job.spec.result is job_kinds.download_url:
            job.result_file.save("result.xlsx", ContentFile(b"PK"), save=True)
    client = login(admin)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    result = job.result_url
    assert result
    if result != job.get_absolute_url():  # an import's page is its own result
        assert f'href="{result}"' in page.content.decode().replace("&amp;", "&")
    assert client.get(result).status_code == 200, result
