"""Who may see a job and its file (core.job_kinds): the user who started it, while
they still hold that role and it may still start the job, and the colleagues its kind
shares it with. Everyone else gets 404. Jobs are named by uuid; downloads are audited;
every kind has a Chinese name and a link to its result."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from core import job_kinds
from core.jobs import start_job
from core.models import Job, JobStatus, Role, RoleKind
from core.tasks import export_roles
from core.tenancy import all_regions, jurisdiction
from mediation.jobs.rankings import rank_quarter
from registry.excel.tasks import export_roster


def _role(world, key, side="a"):
    with all_regions():
        return Role.objects.select_related("region", "user").get(user=world[side][key])


@pytest.fixture
def roles_export(world, django_capture_on_commit_callbacks):
    """The admin of 绍兴's finished export of the users and roles."""
    role = _role(world, "admin_user")
    with jurisdiction(role.jurisdiction_prefix), django_capture_on_commit_callbacks(execute=True):
        job = start_job(role, "export_roles", export_roles)
    with all_regions():
        job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_file
    return job


def _urls(job):
    return [
        reverse("core:job_detail", args=[job.uuid]),
        reverse("core:job_download", args=[job.uuid]),
        reverse("core:job_retry", args=[job.uuid]),
    ]


@pytest.mark.parametrize("key", ["finance_user", "city_user", "county_admin", "county_user"])
def test_a_colleague_of_the_same_bureau_gets_404_for_someone_elses_export(
    world, login, roles_export, key
):
    client = login(world["a"][key])
    for url in _urls(roles_export):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    with all_regions():
        assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_owner_downloads_the_file_and_each_download_is_on_the_job_page(
    world, login, roles_export
):
    client = login(world["a"]["admin_user"])
    for _ in range(2):
        response = client.get(reverse("core:job_download", args=[roles_export.uuid]))
        assert response.status_code == 200 and b"".join(response.streaming_content)
    with all_regions():
        entries = LogEntry.objects.get_for_object(roles_export).filter(
            action=LogEntry.Action.ACCESS
        )
        assert [e.actor for e in entries] == [world["a"]["admin_user"]] * 2
    page = client.get(roles_export.get_absolute_url())
    assert page.content.decode().count("下载了") == 2


def test_an_owner_who_lost_the_role_loses_the_job(world, login, roles_export):
    with all_regions():
        Role.objects.filter(pk=roles_export.role_id).delete()
        Role.objects.create(
            user=world["a"]["admin_user"],
            kind=RoleKind.BUREAU_STAFF,
            bureau=world["a"]["city_bureau"],
        )
    client = login(world["a"]["admin_user"])
    for url in _urls(roles_export):
        assert client.get(url).status_code == 404, url


def test_an_owner_whose_role_changed_kind_loses_the_admin_only_export(world, login, roles_export):
    with all_regions():
        Role.objects.filter(pk=roles_export.role_id).update(kind=RoleKind.BUREAU_STAFF)
    client = login(world["a"]["admin_user"])
    assert client.get(reverse("core:job_download", args=[roles_export.uuid])).status_code == 404


def test_a_revealed_export_is_404_once_its_owner_may_no_longer_see_the_numbers(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    role = _role(world, "county_user")
    with jurisdiction(role.jurisdiction_prefix), django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            role, "export_mediators", export_roster, records="mediators", query="", reveal=True
        )
    with all_regions():
        job.refresh_from_db()
    assert job.result["revealed"] == ["bank_account", "id_number", "phone"]
    client = login(world["a"]["county_user"])
    download = reverse("core:job_download", args=[job.uuid])
    assert client.get(download).status_code == 200
    # An auditor may export lists, but sees no personal number in full.
    with all_regions():
        Role.objects.filter(pk=role.pk).update(kind=RoleKind.AUDITOR)
    assert client.get(download).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_ranking_is_followed_by_colleagues_who_could_run_it_and_no_one_else(
    world, login, django_capture_on_commit_callbacks
):
    role = _role(world, "county_user")
    with jurisdiction(role.jurisdiction_prefix), django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            role, "rank_quarter", rank_quarter, bureau=role.bureau_id, year=2025, quarter=1
        )
    for key, status in [
        ("county_user", 200),
        ("county_admin", 200),
        ("city_user", 200),
        ("finance_user", 404),
        ("clerk_user", 404),
    ]:
        assert login(world["a"][key]).get(job.get_absolute_url()).status_code == status, key
    assert login(world["b"]["city_user"]).get(job.get_absolute_url()).status_code == 404


def test_jobs_are_addressed_by_uuid_not_by_their_sequential_id(world, login, roles_export):
    client = login(world["a"]["admin_user"])
    assert str(roles_export.uuid) in roles_export.get_absolute_url()
    assert client.get(f"/jobs/{roles_export.pk}/").status_code == 404
    response = client.post("/users/export/")
    with all_regions():
        started = Job.objects.exclude(pk=roles_export.pk).get()
    assert response.url == f"/jobs/{started.uuid}/"


def test_a_job_kind_nobody_declared_cannot_start(world):
    role = _role(world, "admin_user")
    with jurisdiction(role.jurisdiction_prefix), pytest.raises(KeyError):
        start_job(role, "export_everything", export_roles)


def test_a_role_the_kind_does_not_allow_cannot_start_it(world):
    role = _role(world, "city_user")
    with jurisdiction(role.jurisdiction_prefix), pytest.raises(PermissionDenied):
        start_job(role, "export_roles", export_roles)
    with all_regions():
        assert not Job.objects.exists()


# Kind, result of a finished job, Chinese name, URL of the result ({uuid}: the job's).
RESULTS = [
    ("export_roles", {}, "用户与角色导出", "/jobs/{uuid}/download/"),
    ("export_committees", {}, "调委会导出", "/jobs/{uuid}/download/"),
    ("export_mediators", {}, "调解员导出", "/jobs/{uuid}/download/"),
    ("import_committees", {}, "调委会导入", "/roster/import/{uuid}/"),
    ("import_mediators", {}, "调解员导入", "/roster/import/{uuid}/"),
    ("import_cases", {}, "案件导入", "/cases/import/{uuid}/"),
    ("export_cases", {"rows": 5001}, "案件台账导出", "/jobs/{uuid}/download/"),
    ("rank_quarter", {"snapshot": 7}, "季度排名", "/rankings/7/"),
    ("callback_draw", {"month": "2026-10-01"}, "回访抽取", "/callbacks/?month=2026-10"),
    ("roster_publication", {"publication": 3}, "名册公示发布", "/roster-publications/3/"),
    ("grading_eligibility", {"round": 5}, "等级评定资格计算", "/grading/rounds/5/"),
    ("grading_export", {}, "等级评定表格导出", "/jobs/{uuid}/download/"),
    ("evaluate_year", {"evaluation": 4}, "年度考评", "/evaluations/4/"),
    ("evaluation_export", {}, "考评表导出", "/jobs/{uuid}/download/"),
    ("subsidy_settlement", {"settlement": 6}, "补贴月度结算", "/subsidies/settlements/6/"),
    ("finance_workbook", {}, "财务发放表", "/jobs/{uuid}/download/"),
]


@pytest.mark.parametrize(("kind", "result", "label", "url"), RESULTS)
def test_every_kind_of_job_has_a_chinese_name_and_ends_with_a_link_to_its_result(
    world, kind, result, label, url
):
    job = Job(kind=kind, status=JobStatus.DONE, result=result)
    with translation.override("zh-hans"):
        assert job.label == label
    assert job.result_url == url.format(uuid=job.uuid)
    assert Job(kind=kind, status=JobStatus.FAILED, result=result).result_url == ""


def test_every_declared_kind_is_in_the_table_above():
    declared = {name for name in job_kinds._KINDS if not name.startswith("test_")}
    assert declared == {kind for kind, *_ in RESULTS}
