"""The evaluation's pages and API on the small county: the run as a job, the sheet
with its records, the workflow, the renewal list and its decisions, the workbooks;
bad input answers with the field named and writes nothing; pages and lists run a
constant number of queries."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from evaluation import services
from evaluation.models import Evaluation, EvaluationEntry, RenewalCandidate
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(login, world):
    return login(world["a"]["county_user"])


@pytest.fixture
def evaluation(county):
    for cases in (12, 11, 10, 9, 8):
        county.mediator(cases=cases)
    county.mediator(cases=1, failed=1, satisfaction=1, fulfilled=False, trained=False)
    with county.scope():
        return services.evaluate_year(county.bureau, YEAR)


def _entries(evaluation):
    with all_regions():
        return list(EvaluationEntry.objects.filter(evaluation=evaluation).order_by("rank"))


def test_the_run_is_a_job_that_ends_on_the_draft(staff, county, django_capture_on_commit_callbacks):
    county.mediator()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/evaluations/run/", {"year": YEAR})
    assert response.status_code == 302
    job_page = staff.get(response["Location"])
    assert job_page.status_code == 200
    with all_regions():
        evaluation = Evaluation.objects.get(bureau=county.bureau, year=YEAR)
        assert evaluation.entries.count() == 1
    assert evaluation.get_absolute_url() in job_page.content.decode()


def test_a_year_not_over_is_a_field_error(staff, county):
    import datetime

    response = staff.post("/evaluations/run/", {"year": datetime.date.today().year})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors


def test_pages_show_the_figures_and_their_records(staff, evaluation):
    detail = staff.get(evaluation.get_absolute_url())
    assert detail.status_code == 200
    entry = _entries(evaluation)[0]
    page = staff.get(entry.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("/cases/") >= 12  # each case behind the figure links to its page
    assert staff.get("/evaluations/").status_code == 200
    assert staff.get(f"/evaluations/{evaluation.pk}/review/").status_code == 200


def test_the_sheet_runs_a_constant_number_of_queries(staff, county, evaluation):
    url = evaluation.get_absolute_url()
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for _n in range(4):
        county.mediator(cases=2)
    with county.scope():
        evaluation = services.evaluate_year(county.bureau, YEAR)
    with CaptureQueriesContext(connection) as many:
        staff.get(evaluation.get_absolute_url())
    assert len(many) == len(few)


def test_a_grade_change_without_reason_is_refused(staff, evaluation):
    entry = _entries(evaluation)[-1]
    response = staff.post(
        f"/evaluations/entries/{entry.pk}/grade/", {"grade": "basic", "reason": " "}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.grade == entry.computed_grade
    response = staff.post(
        f"/evaluations/entries/{entry.pk}/grade/",
        {"grade": "basic", "reason": "病假较多，酌情调整"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.grade == "basic" and entry.adjustment_reason == "病假较多，酌情调整"
    history = staff.get(entry.get_absolute_url()).content.decode()
    assert "病假较多，酌情调整" in history


def test_workflow_renewal_and_workbooks_through_the_pages(staff, county, evaluation):
    assert staff.post(f"/evaluations/{evaluation.pk}/publish/").status_code == 200  # refused
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"
    assert staff.post(f"/evaluations/{evaluation.pk}/review/").status_code == 302
    assert staff.post(f"/evaluations/{evaluation.pk}/publish/").status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "published"
    renewal = staff.get(f"/evaluations/{evaluation.pk}/renewal/")
    assert renewal.status_code == 200
    with all_regions():
        candidate = RenewalCandidate.objects.get(evaluation=evaluation)
    response = staff.post(f"/evaluations/renewals/{candidate.pk}/", {"decision": "renew"})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = staff.post(f"/evaluations/renewals/{candidate.pk}/", {"decision": "end"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.decision == "end"
    sheet = staff.post(f"/evaluations/{evaluation.pk}/export/")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert rows[0][1] == "调解员" and len(rows) == 7
    listed = staff.post(f"/evaluations/{evaluation.pk}/renewal/export/")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(listed.streaming_content))).active.values
    )
    assert len(rows) == 2 and "解除合同" in rows[1]
    dashboard = staff.get("/").content.decode()
    assert "待决定的续聘事项" in dashboard or "续聘" in dashboard


def test_the_api_lists_filters_and_runs_the_workflow(staff, evaluation):
    listed = staff.get("/api/v1/evaluations/", {"year": YEAR, "status": "draft"}).json()
    assert [row["id"] for row in listed["results"]] == [evaluation.pk]
    entries = staff.get(f"/api/v1/evaluations/{evaluation.pk}/entries/", {"grade": "incompetent"})
    assert entries.status_code == 200 and len(entries.json()["results"]) == 1
    entry = _entries(evaluation)[0]
    bad = staff.post(
        f"/api/v1/evaluations/{evaluation.pk}/adjust-grade/",
        {"entry": entry.pk, "grade": "basic", "reason": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "reason" in bad.json()
    good = staff.post(
        f"/api/v1/evaluations/{evaluation.pk}/adjust-grade/",
        {"entry": entry.pk, "grade": "competent", "reason": "复核后调整"},
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["grade"] == "competent"
    assert staff.post(f"/api/v1/evaluations/{evaluation.pk}/publish/").status_code == 400
    assert staff.post(f"/api/v1/evaluations/{evaluation.pk}/review/").status_code == 200
    assert staff.post(f"/api/v1/evaluations/{evaluation.pk}/publish/").status_code == 200
    candidates = staff.get("/api/v1/evaluations/renewals/", {"decision": "pending"}).json()
    assert len(candidates["results"]) == 1
    pk = candidates["results"][0]["id"]
    bad = staff.post(
        f"/api/v1/evaluations/renewals/{pk}/decide/",
        {"decision": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "decision" in bad.json()
    done = staff.post(
        f"/api/v1/evaluations/renewals/{pk}/decide/",
        {"decision": "end", "note": "考评不称职"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["decision"] == "end"
    assert staff.get(f"/api/v1/evaluations/{evaluation.pk}/history/").status_code == 200


def test_the_api_run_refuses_a_year_not_over(staff, county):
    import datetime

    response = staff.post(
        "/api/v1/evaluations/run/",
        {"year": datetime.date.today().year},
        content_type="application/json",
    )
    assert response.status_code == 400 and "year" in response.json()
