"""The user's own jobs, one click from the navigation: each links to its page and,
once done, to its result; "checked, not imported yet" narrows it to the imports that
wait for their owner."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Job, JobStatus, Role
from core.tenancy import all_regions

URL = "/jobs/"


def _role(user):
    with all_regions():
        return Role.objects.select_related("region").get(user=user)


def _job(role, kind="import_cases", *, path="imports/a.xlsx", dry_run=True, errors=(), **fields):
    with all_regions():
        return Job.objects.create(
            kind=kind,
            status=fields.pop("status", JobStatus.DONE),
            created_by=role.user,
            role=role,
            region=role.region,
            params={"records": "cases", "path": path, "dry_run": dry_run},
            result={"records": "cases", "path": path, "dry_run": dry_run, "errors": list(errors)},
            **fields,
        )


def _listed(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return {job.pk for job in response.context["object_list"]}


def test_a_user_sees_their_own_jobs_only(login, world):
    clerk = _role(world["a"]["clerk_user"])
    mine = _job(clerk)
    colleague = _job(_role(world["a"]["county_admin"]), kind="export_roles")
    foreign = _job(_role(world["b"]["clerk_user"]))
    client = login(world["a"]["clerk_user"])
    assert _listed(client) == {mine.pk}
    assert _listed(login(world["a"]["county_admin"])) == {colleague.pk}
    assert foreign.pk not in _listed(login(world["b"]["county_admin"]))


def test_each_job_links_its_page_and_its_result(login, world):
    export = _job(_role(world["a"]["county_admin"]), kind="export_roles")
    body = login(world["a"]["county_admin"]).get(URL).content.decode()
    assert f'href="/jobs/{export.uuid}/"' in body
    assert f'href="/jobs/{export.uuid}/download/"' in body


def test_a_job_of_a_role_since_ended_is_not_listed(login, world):
    admin = _role(world["a"]["county_admin"])
    export = _job(admin, kind="export_roles")
    with all_regions():
        Role.objects.create(
            user=admin.user, kind="bureau_staff", bureau=world["a"]["county_bureau"]
        )
        Role.objects.filter(pk=admin.pk).update(ended_at=timezone.now())
    assert export.pk not in _listed(login(admin.user))


def test_waiting_lists_the_checked_imports_not_imported_yet(login, world, settings):
    clerk = _role(world["a"]["clerk_user"])
    waiting = _job(clerk, path="imports/waiting.xlsx")
    _job(clerk, path="imports/refused.xlsx", errors=[{"row": 2, "message": "错"}])
    _job(clerk, path="imports/done.xlsx")
    _job(clerk, path="imports/done.xlsx", dry_run=False)
    _job(clerk, path="imports/running.xlsx", status=JobStatus.RUNNING)
    stale = _job(clerk, path="imports/stale.xlsx")
    with all_regions():
        Job.objects.filter(pk=stale.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS + 1)
        )
    client = login(world["a"]["clerk_user"])
    assert _listed(client, "?waiting=imports") == {waiting.pk}
    assert len(_listed(client)) == 6


@pytest.mark.parametrize("query", ["", "?waiting=imports"])
def test_the_list_runs_a_constant_number_of_queries(login, world, query):
    clerk = _role(world["a"]["clerk_user"])
    client = login(world["a"]["clerk_user"])
    _job(clerk, path="imports/0.xlsx")
    client.get(URL + query)
    with CaptureQueriesContext(connection) as few:
        client.get(URL + query)
    for n in range(1, 20):
        _job(clerk, path=f"imports/{n}.xlsx")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL + query).status_code == 200
    assert len(many) == len(few)
