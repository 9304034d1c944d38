"""The grading pages, step by step as bureau staff and a clerk run a round: every
form refuses bad input with a Chinese message beside the field and writes nothing;
every step is on the round's or the application's history."""

import datetime
import re

import pytest
from auditlog.models import LogEntry

from core.tenancy import all_regions
from grading.models import Application, ApplicationStatus, GradingRound, Objection, RoundStatus
from tests.factories import MediatorFactory

TODAY = datetime.date.today()


def _round_form(**overrides):
    data = {
        "name": "越城区调解员等级评定",
        "ranks": ["3", "4"],
        "cutoff_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "applications_open_on": TODAY.isoformat(),
        "applications_close_on": (TODAY + datetime.timedelta(days=20)).isoformat(),
        "effective_on": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    return {**data, **overrides}


def _count(model):
    with all_regions():
        return model.objects.count()


def _chinese_error(response, field):
    form = response.context["form"]
    assert field in form.errors, form.errors
    message = " ".join(form.errors[field])
    assert re.search(r"[\u4e00-\u9fff]", message), message
    return message


@pytest.fixture
def staff(login, world):
    return login(world["a"]["county_user"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cutoff_on": (TODAY + datetime.timedelta(days=3)).isoformat()}, "cutoff_on"),
        ({"ranks": ["1"]}, "ranks"),  # the city grades level one
        ({"ranks": []}, "ranks"),
        ({"name": "   "}, "name"),
        ({"applications_close_on": "2020-01-01"}, "applications_close_on"),
    ],
)
def test_bad_round_input_is_a_field_error_and_writes_nothing(staff, county, overrides, field):
    before = _count(GradingRound)
    response = staff.post("/grading/rounds/new/", _round_form(**overrides))
    assert response.status_code == 200
    _chinese_error(response, field)
    assert _count(GradingRound) == before


def test_a_round_runs_through_the_pages(
    staff, login, world, county, django_capture_on_commit_callbacks
):
    strong = county.mediator()
    weak = county.mediator(cases=1)
    newcomer = county.mediator(since=TODAY - datetime.timedelta(days=100), cases=0)
    county.mediator()  # four considered: level three's 30 % is one place

    assert "等级" in staff.get("/grading/rounds/").content.decode()
    response = staff.post("/grading/rounds/new/", _round_form())
    assert response.status_code == 303
    with all_regions():
        round_ = GradingRound.objects.get()
    detail = f"/grading/rounds/{round_.pk}/"
    assert staff.get(detail).status_code == 200

    # The eligibility job: its page links the list.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{detail}eligibility/compute/", {"note": ""})
    assert response.status_code == 303
    job_page = staff.get(response["Location"]).content.decode()
    assert f'href="{detail}"' in job_page  # the result: the round, which links the list
    assert f"{detail}eligibility/" in staff.get(detail).content.decode()
    listing = staff.get(f"{detail}eligibility/")
    body = listing.content.decode()
    assert strong.name in body and weak.name in body
    # Each figure links the records behind it: the mediator's cases in the window.
    cases_link = re.search(r'href="(/cases/\?lead_mediator=[^"]+)"', body).group(1)
    cases = staff.get(cases_link.replace("&amp;", "&"))
    assert cases.status_code == 200
    assert len(cases.context["object_list"]) == 4 or strong.name not in cases_link
    workbook = staff.post(f"{detail}eligibility/export/")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")

    assert staff.post(f"{detail}open/", {"note": ""}).status_code == 302
    # An application by someone short of the minimum service: refused beside the field.
    before = _count(Application)
    response = staff.post(
        f"{detail}apply/", {"mediator": newcomer.name, "rank": "4", "source": "applied"}
    )
    assert "mediator" in response.context["form"].errors
    _chinese_error(response, "mediator")
    assert _count(Application) == before
    # The mediator is picked by name, never an id.
    for mediator in (strong, weak):
        response = staff.post(
            f"{detail}apply/", {"mediator": mediator.name, "rank": "3", "source": "applied"}
        )
        assert response.status_code == 302, response.context["form"].errors
    with all_regions():
        first, second = (Application.objects.get(mediator=m) for m in (strong, weak))

    clerk = login(world["a"]["clerk_user"])
    for application in (first, second):
        url = f"/grading/applications/{application.pk}/"
        # Turning it down needs the reason.
        response = clerk.post(f"{url}check/", {"passed": "0", "note": ""})
        _chinese_error(response, "note")
        assert clerk.post(f"{url}check/", {"passed": "1", "note": "材料齐全"}).status_code == 302
        assert clerk.post(f"{url}review/", {"passed": "1", "note": "同意"}).status_code == 302

    staff = login(world["a"]["county_user"])
    assert staff.post(f"{detail}review/", {"note": ""}).status_code == 302
    assert staff.post(f"{detail}panel/", {"note": ""}).status_code == 302
    sheet = staff.get(f"{detail}decisions/").content.decode()
    assert "places-left" in sheet

    # Approving the weak one needs the reason for the exception.
    decide = f"/grading/applications/{second.pk}/decide/"
    page = staff.get(decide).content.decode()
    assert "criteria-missing" in page
    response = staff.post(decide, {"approved": "1", "note": "", "exception_reason": ""})
    _chinese_error(response, "exception_reason")
    with all_regions():
        assert Application.objects.get(pk=second.pk).status == ApplicationStatus.OFFICE_REVIEWED
    response = staff.post(
        f"/grading/applications/{first.pk}/decide/", {"approved": "1", "note": "符合条件"}
    )
    assert response.status_code == 302
    # The only place of level three is taken: an approval over the quota is refused.
    response = staff.post(
        decide, {"approved": "1", "note": "", "exception_reason": "调解重大疑难纠纷成效突出"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert staff.post(decide, {"approved": "0", "note": "名额已满"}).status_code == 302

    response = staff.post(f"{detail}notice/", {"notice_starts_on": TODAY.isoformat()})
    assert response.status_code == 302
    with all_regions():
        round_.refresh_from_db()
    assert round_.status == RoundStatus.NOTICE
    assert strong.name in staff.get(f"{detail}notice-list/").content.decode()
    # Closing before the notice ends is refused with the reason.
    response = staff.post(f"{detail}close/", {"note": ""})
    assert response.status_code == 200
    assert "公示" in " ".join(response.context["form"].non_field_errors())

    # Editing a closed round is refused.
    with all_regions():
        GradingRound.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED)
    before = _count(LogEntry)
    response = staff.post(f"{detail}edit/", _round_form(name="改名"))
    assert response.status_code == 200
    with all_regions():
        assert GradingRound.objects.get(pk=round_.pk).name == "越城区调解员等级评定"
    assert _count(LogEntry) == before

    history = staff.get(detail).content.decode()
    assert history.count("history-entry") >= 5


def test_an_objection_is_answered_on_its_page(staff, world, county):
    from tests.factories import make_round

    mediator = county.mediator()
    round_ = make_round(world["a"]["county_bureau"])
    with all_regions():
        application = Application.objects.create(
            round=round_, mediator=mediator, rank=4, source="applied", status="approved"
        )
        objection = Objection.objects.create(
            round=round_, application=application, phone="13900001111", text="有异议"
        )
    url = f"/grading/objections/{objection.pk}/"
    assert "139****1111" in staff.get(url).content.decode()
    response = staff.post(f"{url}answer/", {"upheld": "0", "answer": " "})
    _chinese_error(response, "answer")
    response = staff.post(f"{url}answer/", {"upheld": "0", "answer": "经核实，不影响评定。"})
    assert response.status_code == 302
    with all_regions():
        objection.refresh_from_db()
    assert objection.status == "answered"
    assert "有异议" in staff.get("/grading/objections/?status=answered").content.decode()


def test_the_mediator_page_shows_the_level_history_and_what_is_lacking(staff, world, county):
    mediator = county.mediator(cases=1)
    response = staff.get(f"/mediators/{mediator.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "level-history" in body and f"/grading/mediators/{mediator.pk}/" in body
    fragment = staff.get(f"/grading/mediators/{mediator.pk}/", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "next-level" in text and "四级" in text


def test_the_overview_and_dashboard_show_grading(staff, world, county):
    with all_regions():
        MediatorFactory(region=world["a"]["township"])
    assert staff.get("/grading/overview/").status_code == 200
    body = staff.get("/").content.decode()
    assert "grading-chart" in body
