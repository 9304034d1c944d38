"""Case pages: the list (filters, sorting, constant queries), the record with masked
parties and history, filing with field errors and nothing written, and the
workflow forms (start, close, reopen by bureau staff only)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.personal import make_id_number
from core.tenancy import all_regions
from mediation.models import Case, CaseStatus, Party
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

TODAY = datetime.date.today()
PARTY_ID = make_id_number("330602", datetime.date(1970, 2, 3), 12, "F")


@pytest.fixture
def post(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        return AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]), committee=committee
        )


@pytest.fixture
def assistant(world, post):
    with all_regions():
        return AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=post.committee,
            full_time=False,
        ).mediator


def _case(post, **fields):
    with all_regions():
        return make_case(post.committee, post.mediator, **fields)


def _count(model=Case):
    with all_regions():
        return model.objects.count()


def _filing(post, **overrides):
    data = {
        "committee": post.committee.code,
        "received_on": "2025-03-10",
        "source": "application",
        "dispute_type": "neighbourhood",
        "summary": "邻里之间因排水沟堵塞发生纠纷。",
        "difficulty": "ordinary",
        "amount": "1200.50",
        "lead_mediator": post.mediator.name,
        "parties-TOTAL_FORMS": "4",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "4",
        "parties-0-role": "applicant",
        "parties-0-name": "张三",
        "parties-0-id_number": PARTY_ID,
        "parties-0-phone": "13912345678",
        "parties-1-role": "respondent",
        "parties-1-name": "李四",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_mediator_lists_follow_the_committee_and_date(login, world, post, assistant):
    with all_regions():
        later = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=post.committee,
            full_time=False,
            starts_on=datetime.date(2025, 6, 1),
        ).mediator
    client = login(world["a"]["clerk_user"])
    form = client.get(reverse("mediation:case_create")).content.decode()
    # The page's mediator pickers send the committee and the date received along.
    assert 'data-picker-forward="committee received_on:on"' in form

    def offered(**params):
        rows = client.get("/pick/mediator/", params).json()["results"]
        return {row["label"].split(" · ")[0] for row in rows}

    committee = post.committee.name
    assert offered(committee=committee, on="2025-03-10") == {post.mediator.name, assistant.name}
    assert offered(committee=committee, on="2025-07-01") == {
        post.mediator.name,
        assistant.name,
        later.name,
    }


def test_a_clerk_files_a_case_with_parties_and_assistants(login, world, post, assistant):
    client = login(world["a"]["clerk_user"])
    response = client.post(
        reverse("mediation:case_create"), _filing(post, assistants=assistant.name)
    )
    assert response.status_code == 302
    with all_regions():
        case = Case.objects.get()
        assert case.number == "330602-2025-00001"
        assert case.filed_by == world["a"]["clerk_user"]
        assert list(case.assistants.all()) == [assistant]
        parties = list(case.parties.order_by("pk"))
    assert [p.name for p in parties] == ["张三", "李四"]
    assert parties[0].id_number == PARTY_ID
    detail = client.get(response["Location"])
    body = detail.content.decode()
    assert PARTY_ID not in body and parties[0].id_number_masked in body
    assert "13912345678" not in body and parties[0].phone_masked in body
    assert assistant.name in body and detail.context["history"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "received_on"),
        ({"received_on": "2014-12-31"}, "received_on"),  # before the committee was founded
        ({"received_on": "2021-06-01"}, "lead_mediator"),  # not yet appointed there
        ({"amount": "-5"}, "amount"),
        ({"summary": ""}, "summary"),
    ],
)
def test_bad_filings_are_field_errors_and_write_nothing(login, world, post, overrides, field):
    client = login(world["a"]["clerk_user"])
    response = client.post(reverse("mediation:case_create"), _filing(post, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _count() == 0 and _count(Party) == 0
    assert b'data-field="' + field.encode() + b'"' in response.content


def test_a_mediator_of_another_committee_cannot_lead_or_assist(login, world, post):
    with all_regions():
        elsewhere = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=CommitteeFactory(region=world["a"]["village"]),
        ).mediator
    client = login(world["a"]["clerk_user"])
    for overrides, field in (
        ({"lead_mediator": elsewhere.name}, "lead_mediator"),
        ({"assistants": elsewhere.name}, "assistants"),
    ):
        response = client.post(reverse("mediation:case_create"), _filing(post, **overrides))
        assert field in response.context["form"].errors
    assert _count() == 0


def test_an_assistant_not_yet_appointed_on_the_date_is_the_services_field_error(login, world, post):
    with all_regions():
        late = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=post.committee,
            full_time=False,
            starts_on=datetime.date(2025, 6, 1),
        ).mediator
    client = login(world["a"]["clerk_user"])
    response = client.post(reverse("mediation:case_create"), _filing(post, assistants=late.name))
    assert list(response.context["form"].errors) == ["assistants"]
    assert _count() == 0


def test_a_committee_outside_the_jurisdiction_is_refused(login, world, post):
    with all_regions():
        foreign = AppointmentFactory(
            mediator=MediatorFactory(region=world["b"]["township"]),
            committee=CommitteeFactory(region=world["b"]["village"]),
        )
    client = login(world["a"]["clerk_user"])
    response = client.post(
        reverse("mediation:case_create"),
        _filing(post, committee=foreign.committee.code, lead_mediator=foreign.mediator.name),
    )
    assert "committee" in response.context["form"].errors
    assert _count() == 0


def test_a_bad_party_id_number_is_an_error_on_its_row(login, world, post):
    client = login(world["a"]["clerk_user"])
    response = client.post(
        reverse("mediation:case_create"), _filing(post, **{"parties-0-id_number": "123"})
    )
    assert response.status_code == 200
    assert "id_number" in response.context["parties"].forms[0].errors
    assert _count() == 0 and _count(Party) == 0


def test_finance_may_not_file(login, world, post):
    client = login(world["a"]["finance_user"])
    assert client.post(reverse("mediation:case_create"), _filing(post)).status_code == 403
    assert _count() == 0


def test_the_workflow_pages(login, world, post):
    case = _case(post)
    client = login(world["a"]["clerk_user"])
    assert client.get(reverse("mediation:case_start", args=[case.pk])).status_code == 200
    assert client.post(reverse("mediation:case_start", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    close_url = reverse("mediation:case_close", args=[case.pk])
    closing = {
        "closed_on": TODAY.isoformat(),
        "agreement_form": "written",
        "fulfilled": "true",
        "prevented_mass_petition": "on",
        "mass_petition_persons": "12",
        "mass_incident_persons": "0",
    }
    response = client.post(close_url, closing)  # no result
    assert response.status_code == 200 and "result" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and not case.closed_on
    response = client.post(close_url, {**closing, "result": "success"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.result, case.mass_petition_persons) == ("closed", "success", 12)
    assert case.prevented_mass_petition and case.fulfilled is True

    reopen_url = reverse("mediation:case_reopen", args=[case.pk])
    assert client.post(reopen_url, {"reopen_reason": "当事人反悔"}).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    staff = login(world["a"]["county_user"])
    response = staff.post(reopen_url, {"reopen_reason": ""})
    assert "reopen_reason" in response.context["form"].errors
    assert staff.post(reopen_url, {"reopen_reason": "当事人反悔"}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.reopen_reason, case.result) == ("mediating", "当事人反悔", "")
    history = staff.get(case.get_absolute_url()).context["history"]
    assert len(history) >= 4  # filed, started, closed, reopened


def test_a_negative_persons_count_is_a_field_error(login, world, post):
    case = _case(post)
    client = login(world["a"]["clerk_user"])
    response = client.post(
        reverse("mediation:case_close", args=[case.pk]),
        {
            "result": "failure",
            "closed_on": TODAY.isoformat(),
            "mass_petition_persons": "-1",
            "mass_incident_persons": "0",
        },
    )
    assert "mass_petition_persons" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_the_list_filters_and_sorts(login, world, post):
    first = _case(post, summary="宅基地边界纠纷", amount=300)
    second = _case(post, received_on=datetime.date(2025, 4, 2), source="court")
    client = login(world["a"]["county_user"])
    url = reverse("mediation:case_list")

    def listed(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        return [c.pk for c in response.context["object_list"]]

    assert listed() == [second.pk, first.pk]
    assert listed("?q=宅基地") == [first.pk]
    assert listed(f"?q={second.number}") == [second.pk]
    assert listed("?source=court") == [second.pk]
    assert listed("?received_from=2025-04-01") == [second.pk]
    assert listed("?received_to=2025-03-31") == [first.pk]
    assert listed(f"?committee={post.committee.code}&status=received") == [second.pk, first.pk]
    assert listed("?region=330602") == [second.pk, first.pk]
    assert listed("?region=330603") == []
    assert listed("?sort=-amount") == [first.pk, second.pk]
    assert listed("?sort=number") == [first.pk, second.pk]
    other = login(world["b"]["county_user"])
    assert list(other.get(url).context["object_list"]) == []


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_and_detail_queries_do_not_grow(login, world, post, django_assert_max_num_queries):
    _case(post)
    client = login(world["a"]["county_user"])
    client.get(reverse("mediation:case_list"))
    urls = [reverse("mediation:case_list"), reverse("mediation:case_list") + "?sort=committee"]
    measured = {url: _queries(client, url) for url in urls}
    print("\ncase list queries at 1 case:", measured)
    for _ in range(60):
        _case(post, summary="又一起纠纷")
    for url, count in measured.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
    assert len(client.get(urls[0]).context["object_list"]) == 50


def test_the_record_runs_the_same_queries_with_more_parties_and_flags(
    login, world, post, assistant, django_assert_max_num_queries
):
    from mediation.models import CaseFlag

    small = _case(post)  # two parties
    big = _case(
        post,
        assistants=[assistant],
        parties=[{"role": "other", "name": f"当事人{i}", "phone": "13900001111"} for i in range(4)],
    )
    with all_regions():
        for kind in ("repeated_parties", "similar_summary"):
            CaseFlag.objects.create(case=big, kind=kind, reason="测试", region=big.region)
    client = login(world["a"]["county_user"])
    client.get(small.get_absolute_url())
    count = _queries(client, small.get_absolute_url())
    with django_assert_max_num_queries(count):
        response = client.get(big.get_absolute_url())
    assert "当事人3" in response.content.decode()
