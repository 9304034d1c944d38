"""The case API: filing through the service with nested parties (clear in, masked
out), the page's FilterSet, the workflow actions, every bad input a field error (or
403) with nothing written, constant queries, in the schema, no PUT/PATCH/DELETE."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.personal import make_id_number
from core.tenancy import all_regions
from mediation.models import Case, CaseStatus, Party
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

TODAY = datetime.date.today()
PARTY_ID = make_id_number("330602", datetime.date(1970, 2, 3), 12, "F")
URL = "/api/v1/cases/"


@pytest.fixture
def api(login):
    def _as(user):
        client = login(user)

        def call(method, url, data=None):
            if data is None:
                return getattr(client, method)(url)
            return getattr(client, method)(url, json.dumps(data), content_type="application/json")

        return call

    return _as


@pytest.fixture
def post(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        return AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]), committee=committee
        )


def _body(post, **overrides):
    return {
        "committee": post.committee.pk,
        "received_on": "2025-03-10",
        "source": "police",
        "dispute_type": "neighbourhood",
        "summary": "邻里之间因排水沟堵塞发生纠纷。",
        "difficulty": "complex",
        "amount": "800.00",
        "lead_mediator": post.mediator.pk,
        "parties": [
            {"role": "applicant", "name": "张三", "id_number": PARTY_ID, "phone": "13912345678"},
            {"role": "respondent", "name": "李四"},
        ],
        **overrides,
    }


def _count(model=Case):
    with all_regions():
        return model.objects.count()


def test_a_clerk_files_a_case_and_reads_it_masked(api, world, post):
    call = api(world["a"]["clerk_user"])
    response = call("post", URL, _body(post))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"] == "330602-2025-00001" and data["status"] == "received"
    assert data["parties"][0]["name"] == "张三"
    assert "id_number" not in data["parties"][0] and "phone" not in data["parties"][0]
    assert data["parties"][0]["id_number_masked"] != PARTY_ID
    assert PARTY_ID not in json.dumps(data)
    with all_regions():
        case = Case.objects.get()
        assert case.filed_by == world["a"]["clerk_user"]
        assert case.parties.get(name="张三").id_number == PARTY_ID
    assert call("get", f"{URL}{case.pk}/").json()["parties"][1]["name"] == "李四"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "received_on"),
        ({"received_on": "2014-12-31"}, "received_on"),
        ({"received_on": "2021-06-01"}, "lead_mediator"),
        ({"amount": "-1"}, "amount"),
        (
            {
                "parties": [
                    {"role": "applicant", "name": "张三", "id_number": "123"},
                    {"role": "respondent", "name": "李四"},
                ]
            },
            "parties",
        ),
    ],
)
def test_bad_filings_are_field_errors_and_write_nothing(api, world, post, overrides, field):
    response = api(world["a"]["clerk_user"])("post", URL, _body(post, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert _count() == 0 and _count(Party) == 0


def test_a_mediator_not_appointed_there_or_a_foreign_committee_is_refused(api, world, post):
    with all_regions():
        elsewhere = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=CommitteeFactory(region=world["a"]["village"]),
        )
        foreign = AppointmentFactory(
            mediator=MediatorFactory(region=world["b"]["township"]),
            committee=CommitteeFactory(region=world["b"]["village"]),
        )
    call = api(world["a"]["clerk_user"])
    for overrides, field in (
        ({"lead_mediator": elsewhere.mediator.pk}, "lead_mediator"),
        ({"assistants": [elsewhere.mediator.pk]}, "assistants"),
        ({"committee": foreign.committee.pk}, "committee"),
    ):
        response = call("post", URL, _body(post, **overrides))
        assert response.status_code == 400 and field in response.json(), response.json()
    assert _count() == 0


def test_the_workflow_actions(api, world, post):
    with all_regions():
        case = make_case(post.committee, post.mediator)
    clerk = api(world["a"]["clerk_user"])
    assert clerk("post", f"{URL}{case.pk}/start/", {}).json()["status"] == "mediating"
    assert clerk("post", f"{URL}{case.pk}/start/", {}).status_code == 400
    response = clerk("post", f"{URL}{case.pk}/close/", {"closed_on": TODAY.isoformat()})
    assert response.status_code == 400 and "result" in response.json()
    response = clerk(
        "post",
        f"{URL}{case.pk}/close/",
        {"closed_on": TODAY.isoformat(), "result": "failure", "mass_incident_persons": -3},
    )
    assert response.status_code == 400 and "mass_incident_persons" in response.json()
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    response = clerk(
        "post",
        f"{URL}{case.pk}/close/",
        {
            "closed_on": TODAY.isoformat(),
            "result": "success",
            "agreement_form": "oral",
            "prevented_criminal": True,
        },
    )
    assert response.status_code == 200 and response.json()["result"] == "success"
    assert response.json()["prevented_criminal"] is True

    assert clerk("post", f"{URL}{case.pk}/reopen/", {"reason": "翻悔"}).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    staff = api(world["a"]["county_user"])
    assert staff("post", f"{URL}{case.pk}/reopen/", {"reason": " "}).status_code == 400
    response = staff("post", f"{URL}{case.pk}/reopen/", {"reason": "翻悔"})
    assert response.status_code == 200 and response.json()["status"] == "mediating"
    history = staff("get", f"{URL}{case.pk}/history/").json()
    assert history["count"] >= 4  # filed, started, closed, reopened


def test_no_edit_or_delete_and_foreign_cases_are_404(api, world, post):
    with all_regions():
        case = make_case(post.committee, post.mediator)
    staff = api(world["a"]["county_user"])
    for method in ("put", "patch", "delete"):
        assert staff(method, f"{URL}{case.pk}/", {}).status_code == 405
    stranger = api(world["b"]["county_user"])
    assert stranger("get", f"{URL}{case.pk}/").status_code == 404
    assert stranger("post", f"{URL}{case.pk}/start/", {}).status_code == 404
    assert stranger("get", URL).json()["results"] == []


def test_filters_are_the_pages(api, world, post):
    with all_regions():
        first = make_case(post.committee, post.mediator, summary="宅基地边界纠纷")
        second = make_case(post.committee, post.mediator, received_on=datetime.date(2025, 4, 2))
    call = api(world["a"]["county_user"])

    def ids(query):
        return [row["id"] for row in call("get", URL + query).json()["results"]]

    assert ids("") == [second.pk, first.pk]
    assert ids("?q=宅基地") == [first.pk]
    assert ids("?received_from=2025-04-01") == [second.pk]
    assert ids(f"?committee={post.committee.pk}&status=received&ordering=id") == [
        first.pk,
        second.pk,
    ]


def _queries(call, url):
    with CaptureQueriesContext(connection) as captured:
        response = call("get", url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_runs_the_same_queries_at_two_sizes(
    api, world, post, django_assert_max_num_queries
):
    with all_regions():
        assistant = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=post.committee,
            full_time=False,
        ).mediator

    def add(n):
        with all_regions():
            for _ in range(n):
                make_case(
                    post.committee,
                    post.mediator,
                    assistants=[assistant],
                    parties=[
                        {"role": "applicant", "name": "王五", "phone": "13900001111"},
                        {"role": "respondent", "name": "赵六"},
                    ],
                )

    add(2)
    call = api(world["a"]["county_user"])
    call("get", URL)
    count = _queries(call, URL)
    print("\ncase API list queries at 2 cases:", count)
    add(60)
    with django_assert_max_num_queries(count):
        response = call("get", URL)
    assert len(response.json()["results"]) == 50
    assert response.json()["results"][0]["assistants"] == [assistant.pk]


def test_the_cases_api_is_in_the_schema(client, world):
    client.force_login(world["a"]["county_user"])  # the schema is for signed-in users
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/close/", "/api/v1/cases/{id}/reopen/"):
        assert path in schema["paths"]
    assert "delete" not in schema["paths"]["/api/v1/cases/{id}/"]


def test_a_case_takes_any_number_of_parties(api, world, post):
    parties = [{"role": "other", "name": f"当事人{i}"} for i in range(7)]
    response = api(world["a"]["clerk_user"])("post", URL, _body(post, parties=parties))
    assert response.status_code == 201, response.json()
    assert [p["name"] for p in response.json()["parties"]] == [p["name"] for p in parties]


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_parties_is_a_field_error(api, world, post, count):
    parties = [{"role": "applicant", "name": "张三"}][:count]
    response = api(world["a"]["clerk_user"])("post", URL, _body(post, parties=parties))
    assert response.status_code == 400
    assert response.json()["parties"] == ["请至少填写两名当事人：纠纷至少涉及双方。"]
    assert _count() == 0 and _count(Party) == 0


def test_leaving_the_parties_out_is_the_same_error(api, world, post):
    body = _body(post)
    del body["parties"]
    response = api(world["a"]["clerk_user"])("post", URL, body)
    assert response.status_code == 400 and "parties" in response.json()
    assert _count() == 0


def test_more_parties_than_a_case_takes_is_refused_before_they_are_read(api, world, post):
    parties = [{"role": "other", "name": f"当事人{i}"} for i in range(Party.MAX_PER_CASE + 1)]
    response = api(world["a"]["clerk_user"])("post", URL, _body(post, parties=parties))
    assert response.status_code == 400 and "parties" in response.json()
    assert _count() == 0
