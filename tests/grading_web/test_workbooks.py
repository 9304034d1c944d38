"""A round's workbooks (eligibility list, decision sheet, notice list): the rows the
list page's filters select, streamed in the request when few, a job with progress and
a download when more than core.exports.STREAM_LIMIT, as the roster's exports are."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import exports as core_exports
from core.models import Job, JobStatus
from core.tenancy import all_regions
from grading import services
from grading.models import Application
from tests.grading_county import county_round

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    return rows[1:]


@pytest.fixture
def round_(world, county):
    mediators = [county.mediator(name=name) for name in ("甲", "乙", "丙")]
    with county.scope():
        round_ = county_round(world)
        services.compute_eligibility(round_)
    with all_regions():
        for mediator, status in zip(mediators, ("approved", "submitted", "approved"), strict=True):
            Application.objects.create(
                round=round_, mediator=mediator, rank=4, source="applied", status=status
            )
    return round_


def _url(name, round_):
    return reverse(f"grading:{name}", args=[round_.pk])


def test_small_workbooks_stream_in_the_request(login, world, round_):
    client = login(world["a"]["county_user"])
    eligibility = _rows(client.post(_url("eligibility_export", round_)))
    assert sorted(r[0] for r in eligibility) == ["丙", "乙", "甲"]
    decisions = _rows(client.post(_url("decision_export", round_)))
    assert len(decisions) == 3
    notice = _rows(client.post(_url("notice_export", round_)))
    assert sorted(r[0] for r in notice) == ["丙", "甲"]  # the approved only
    # The page's filters select the rows.
    filtered = _rows(client.post(_url("decision_export", round_) + "?status=submitted"))
    assert [r[0] for r in filtered] == ["乙"]
    with all_regions():
        assert not Job.objects.filter(kind="grading_export").exists()


def test_a_big_workbook_is_a_job_with_progress_and_a_download(
    login, world, round_, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(core_exports, "STREAM_LIMIT", 1)
    client = login(world["a"]["county_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("eligibility_export", round_))
    with all_regions():
        job = Job.objects.get(kind="grading_export")
    assert response.url == reverse("core:job_detail", args=[job.uuid])
    assert job.status == JobStatus.DONE and job.result["rows"] == 3
    assert (job.done, job.total) == (3, 3)
    assert len(_rows(client.get(reverse("core:job_download", args=[job.uuid])))) == 3
    # Another user may not have it: the file is what its owner's filters chose.
    other = login(world["a"]["city_user"])
    assert other.get(reverse("core:job_download", args=[job.uuid])).status_code in (403, 404)


def test_bad_filters_or_a_foreign_round_write_no_workbook(login, world, round_):
    client = login(world["a"]["county_user"])
    response = client.post(_url("eligibility_export", round_) + "?qualified_rank=abc")
    assert response.status_code == 302
    assert response.url.startswith(_url("eligibility_list", round_))
    foreign = login(world["b"]["county_user"])
    assert foreign.post(_url("notice_export", round_)).status_code == 404
    assert client.get(_url("notice_export", round_)).status_code == 405
