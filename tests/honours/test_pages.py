"""The honours pages as staff use them: a county runs a call, the office nominates
(refused after the deadline, with the message beside the field), the panel scores
(refused twice), the result is announced and exported; pages answer hostile input
without a 500 and show their history."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from complaints.models import IntegrityRecord
from core.tenancy import all_regions
from honours import services
from honours.models import CallStatus, HonourCall, Nomination, Score

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_a_county_creates_a_call_with_its_criteria(client, world):
    _login(client, world["a"]["county_admin"])
    page = client.get("/honours/new/")
    assert page.status_code == 200 and "criterion_0" in page.context["form"].fields
    data = {
        "name": "越城区金牌调解员评选",
        "title": "金牌调解员",
        "subject": "mediator",
        "year": "2026",
        "places": "2",
        "deadline": (datetime.date.today() + datetime.timedelta(days=9)).isoformat(),
        "criterion_0": "调解成效",
        "points_0": "60",
        "criterion_1": "群众评价",
        "points_1": "",
    }
    refused = client.post("/honours/new/", data)
    assert refused.status_code == 200 and refused.context["form"].errors["criterion_1"]
    data["points_1"] = "40"
    response = client.post("/honours/new/", data)
    assert response.status_code == 303
    with all_regions():
        call = HonourCall.objects.get()
    assert call.criteria == [
        {"name": "调解成效", "points": 60},
        {"name": "群众评价", "points": 40},
    ]
    assert call.bureau == world["a"]["county_bureau"]


def test_the_office_nominates_and_a_late_one_is_refused_beside_the_field(client, world, county):
    county.mediator(name="李调解")
    call = county.call()
    _login(client, world["a"]["clerk_user"])
    assert client.get(f"/honours/{call.pk}/").status_code == 200
    page = client.get(f"/honours/{call.pk}/nominate/")
    assert page.status_code == 200 and not page.context["refused"]
    response = client.post(
        f"/honours/{call.pk}/nominate/",
        {"office": world["a"]["office"].pk, "mediator": "李调解", "statement": "成效显著"},
    )
    assert response.status_code == 302
    with all_regions():
        HonourCall.objects.filter(pk=call.pk).update(
            deadline=datetime.date.today() - datetime.timedelta(days=1)
        )
    other = county.mediator(name="赵调解")
    late = client.post(
        f"/honours/{call.pk}/nominate/",
        {"office": world["a"]["office"].pk, "mediator": other.name, "statement": "成效显著"},
    )
    assert late.status_code == 200
    assert "截止" in late.content.decode() or "closed" in late.content.decode()
    with all_regions():
        assert list(Nomination.objects.values_list("mediator__name", flat=True)) == ["李调解"]


def _judging(county):
    call = county.call()
    with county.scope():
        nomination = services.nominate(
            call, county.a["office"], mediator=county.mediator(), statement="好"
        )
        services.start_judging(call)
    return call, nomination


def test_a_member_scores_once_through_the_page(client, world, county):
    call, nomination = _judging(county)
    _login(client, world["a"]["county_user"])
    url = f"/honours/nominations/{nomination.pk}/score/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"points_0": "50", "points_1": "70"}).status_code == 200  # 70 > 40
    assert client.post(url, {"points_0": "50", "points_1": "30"}).status_code == 302
    again = client.post(url, {"points_0": "10", "points_1": "10"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    with all_regions():
        assert Score.objects.count() == 1
    detail = client.get(f"/honours/{call.pk}/")
    assert detail.status_code == 200


def test_the_clerk_on_the_panel_is_told_it_is_their_offices_nominee(client, world, county):
    call, nomination = _judging(county)
    _login(client, world["a"]["clerk_user"])
    page = client.get(f"/honours/{call.pk}/")
    assert page.status_code == 200
    assert page.context["nominations"][0].own_office
    response = client.post(
        f"/honours/nominations/{nomination.pk}/score/", {"points_0": "50", "points_1": "30"}
    )
    assert response.status_code == 200
    with all_regions():
        assert not Score.objects.exists()


def test_the_announcement_page_and_the_result_workbook(client, world, county):
    call, nomination = _judging(county)
    with county.scope():
        for key in ("county_user", "county_admin"):
            services.score(nomination, user=county.a[key], points=[50, 30])
    _login(client, world["a"]["county_admin"])
    assert client.post(f"/honours/{call.pk}/announce/", {}).status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.ANNOUNCED
    with all_regions():
        assert IntegrityRecord.objects.filter(mediator=nomination.mediator).exists()
    response = client.get(f"/honours/{call.pk}/result.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "名次" and rows[1][0] == 1 and rows[1][-1] == "金牌调解员"
    detail = client.get(f"/honours/nominations/{nomination.pk}/")
    assert detail.status_code == 200 and "history" in detail.context


def test_staff_of_another_bureau_cannot_run_the_call(client, world, county):
    call = county.call(open_=False)
    _login(client, world["a"]["city_user"])  # sees the county's call, does not run it
    assert client.get(f"/honours/{call.pk}/").status_code == 200
    assert client.post(f"/honours/{call.pk}/open/", {}).status_code == 403
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


@pytest.mark.parametrize(
    "query",
    ["?status=%00", "?year=abc", "?q=" + "x" * 3000, "?sort=-%3Cscript%3E", "?page=99999"],
)
def test_hostile_queries_never_fail(client, world, county, query):
    county.call()
    _login(client, world["a"]["county_user"])
    for url in ("/honours/", "/honours/nominations/", "/api/v1/honours/"):
        assert client.get(url + query).status_code < 500


def test_the_dashboard_shows_what_waits(client, world, county):
    _judging(county)
    _login(client, world["a"]["county_user"])
    page = client.get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "等待您评分的推荐对象" in body
    items = {item["key"]: item for item in page.context["dashboard"]["waiting"]}
    assert items["honours_to_score"]["value"] == 1
    listed = client.get(items["honours_to_score"]["url"])
    assert listed.context["paginator"].count == 1


def test_the_call_and_nomination_histories_include_the_panel_and_its_scores(client, world, county):
    call, nomination = _judging(county)
    with county.scope():
        services.score(nomination, user=county.a["county_user"], points=[50, 30])
    _login(client, world["a"]["county_admin"])
    call_page = client.get(f"/honours/{call.pk}/?history_page=1")
    assert len(call_page.context["history"].object_list) >= 4  # the call, three members
    scores = client.get(f"/api/v1/honour-nominations/{nomination.pk}/history/").json()
    assert len(scores["results"]) >= 2  # the nomination and its score


def test_the_office_withdraws_its_nomination_and_the_bureau_its_panel_member(client, world, county):
    call = county.call()
    with county.scope():
        nomination = services.nominate(
            call, county.a["office"], mediator=county.mediator(), statement="好"
        )
        member = services.panel_of(call).get(user=county.a["county_user"])
    _login(client, world["a"]["clerk_user"])
    assert client.get(f"/honours/nominations/{nomination.pk}/").context["may_withdraw"]
    assert client.post(f"/honours/panel/{member.pk}/remove/", {}).status_code == 403
    assert client.post(f"/honours/nominations/{nomination.pk}/withdraw/", {}).status_code == 302
    _login(client, world["a"]["county_admin"])
    assert client.post(f"/honours/panel/{member.pk}/remove/", {}).status_code == 302
    with all_regions():
        assert not Nomination.objects.exists()
        assert services.panel_of(call).count() == 2


def test_a_case_is_nominated_through_the_case_picker(client, world, county):
    """A call that honours cases: the clerk searches the closed cases of the
    jurisdiction by mediator name (never an open one, never another county's) and
    submits the option's label; the number of an open case or of another county's
    is refused beside the field."""
    from mediation import services as case_services
    from tests.factories import _appointment, make_case

    with all_regions():
        appointment = _appointment(world, "a")
        closed = make_case(appointment.committee, appointment.mediator)
        still_open = make_case(appointment.committee, appointment.mediator)
        case_services.close_case(
            closed, closed_on=datetime.date(2025, 4, 1), result="success", agreement_form="written"
        )
        other_side = _appointment(world, "b")
        foreign = make_case(other_side.committee, other_side.mediator)
        case_services.close_case(
            foreign, closed_on=datetime.date(2025, 4, 1), result="success", agreement_form="written"
        )
    call = county.call(subject="case", title="十佳案例")
    _login(client, world["a"]["clerk_user"])
    page = client.get(f"/honours/{call.pk}/nominate/").content.decode()
    assert 'data-picker="/pick/case/?status=closed"' in page
    options = client.get("/pick/case/", {"q": appointment.mediator.name, "status": "closed"}).json()
    labels = [option["label"] for option in options["results"]]
    assert labels == [f"{closed.number} · {appointment.mediator.name}"]
    url = f"/honours/{call.pk}/nominate/"
    office = world["a"]["office"].pk
    refused = client.post(url, {"office": office, "case": still_open.number, "statement": "好"})
    assert refused.status_code == 200 and refused.context["form"].errors["case"]
    refused = client.post(url, {"office": office, "case": foreign.number, "statement": "好"})
    assert refused.status_code == 200 and refused.context["form"].errors["case"]
    done = client.post(url, {"office": office, "case": labels[0], "statement": "案情复杂"})
    assert done.status_code == 302
    with all_regions():
        assert list(Nomination.objects.values_list("case", flat=True)) == [closed.pk]
