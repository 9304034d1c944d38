"""Recording callbacks: the queue page, the record form and the API; satisfaction
outside 1–5 is a field error that writes nothing."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from core.tenancy import all_regions, jurisdiction
from mediation import callbacks, services
from mediation.models import Callback
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

CLOSED = datetime.date(2025, 3, 20)


def _closed_case(unit, **fields):
    committee = CommitteeFactory(region=unit["village"], office=unit["office"])
    post = AppointmentFactory(
        mediator=MediatorFactory(region=unit["township"]), committee=committee
    )
    case = make_case(committee, post.mediator, **fields)
    return services.close_case(case, closed_on=CLOSED, result="success", agreement_form="written")


def _callbacks(unit, count):
    with jurisdiction(unit["county"].prefix):
        made = []
        for _ in range(count):
            case = _closed_case(unit)
            made.append(Callback.objects.create(case=case, region=case.region))
        return made


@pytest.fixture
def pending(world):
    return _callbacks(world["a"], 1)[0]


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


GOOD = {"called_on": "2025-04-02", "satisfaction": 4, "fulfilled": True, "notes": "双方满意"}


def test_record_service_and_its_rules(world, pending):
    with jurisdiction(world["a"]["county"].prefix):
        with pytest.raises(ValidationError) as excinfo:
            callbacks.record_callback(pending, called_on=datetime.date(2025, 4, 2))
        assert "satisfaction" in excinfo.value.message_dict
        with pytest.raises(ValidationError) as excinfo:
            callbacks.record_callback(
                Callback.objects.get(pk=pending.pk),
                called_on=datetime.date(2025, 1, 1),
                satisfaction=3,
            )
        assert "called_on" in excinfo.value.message_dict  # before the case
        assert Callback.objects.get(pk=pending.pk).called_on is None
        user = world["a"]["county_user"]
        done = callbacks.record_callback(
            pending, user=user, called_on=datetime.date(2025, 4, 2), satisfaction=5
        )
        assert done.satisfaction == 5 and done.recorded_by == user


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_page_refuses_satisfaction_outside_1_to_5(login, world, pending, satisfaction):
    client = login(world["a"]["county_user"])
    url = reverse("mediation:callback_record", args=[pending.pk])
    response = client.post(url, {**GOOD, "fulfilled": "true", "satisfaction": satisfaction})
    assert response.status_code == 200
    assert "satisfaction" in response.context["form"].errors
    with all_regions():
        assert Callback.objects.get(pk=pending.pk).called_on is None


def test_page_records_a_callback(login, world, pending):
    client = login(world["a"]["county_user"])
    response = client.post(
        reverse("mediation:callback_record", args=[pending.pk]), {**GOOD, "fulfilled": "true"}
    )
    assert response.status_code == 302
    with all_regions():
        done = Callback.objects.get(pk=pending.pk)
    assert (done.called_on, done.satisfaction, done.fulfilled) == (
        datetime.date(2025, 4, 2),
        4,
        True,
    )


def test_clerk_may_see_the_queue_but_not_record(login, world, pending):
    client = login(world["a"]["clerk_user"])
    assert client.get(reverse("mediation:callback_list")).status_code == 200
    url = reverse("mediation:callback_record", args=[pending.pk])
    assert client.post(url, {**GOOD, "fulfilled": "true"}).status_code == 403


def test_queue_lists_pending_first_and_filters(login, world):
    first, second = _callbacks(world["a"], 2)
    with jurisdiction(world["a"]["county"].prefix):
        callbacks.record_callback(first, called_on=datetime.date(2025, 4, 1), satisfaction=3)
    client = login(world["a"]["county_user"])
    url = reverse("mediation:callback_list")
    assert [c.pk for c in client.get(url).context["object_list"]] == [second.pk, first.pk]
    assert [c.pk for c in client.get(url, {"state": "done"}).context["object_list"]] == [first.pk]
    assert list(client.get(url, {"month": "2025-04"}).context["object_list"]) == []
    assert len(client.get(url, {"month": "2025-03"}).context["object_list"]) == 2
    bureau = world["a"]["county_bureau"].pk
    assert len(client.get(url, {"bureau": bureau}).context["object_list"]) == 2


@pytest.mark.parametrize("url", [reverse("mediation:callback_list"), "/api/v1/callbacks/"])
def test_queue_query_count_is_constant(login, world, django_assert_max_num_queries, url):
    client = login(world["a"]["county_user"])
    _callbacks(world["a"], 1)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    _callbacks(world["a"], 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_other_bureau_cannot_see_or_record(login, world, pending):
    client = login(world["b"]["county_user"])
    assert client.get(reverse("mediation:callback_record", args=[pending.pk])).status_code == 404
    assert client.get(f"/api/v1/callbacks/{pending.pk}/").status_code == 404


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_api_refuses_satisfaction_outside_1_to_5(api, world, pending, satisfaction):
    call = api(world["a"]["county_user"])
    for method, url in (
        ("put", f"/api/v1/callbacks/{pending.pk}/"),
        ("post", f"/api/v1/callbacks/{pending.pk}/record/"),
    ):
        response = call(method, url, {**GOOD, "satisfaction": satisfaction})
        assert response.status_code == 400
        assert "satisfaction" in response.json()
    with all_regions():
        assert Callback.objects.get(pk=pending.pk).called_on is None


def test_api_records_lists_and_filters(api, world, pending):
    call = api(world["a"]["county_user"])
    assert call("get", "/api/v1/callbacks/?state=pending").json()["count"] == 1
    response = call("post", f"/api/v1/callbacks/{pending.pk}/record/", GOOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["satisfaction"] == 4 and body["pending"] is False
    assert call("get", "/api/v1/callbacks/?state=pending").json()["count"] == 0
    assert call("get", "/api/v1/callbacks/?state=done&month=2025-03").json()["count"] == 1
    assert call("get", f"/api/v1/callbacks/{pending.pk}/").json()["called_on"] == "2025-04-02"
    assert call("post", "/api/v1/callbacks/", GOOD).status_code == 405
    assert call("delete", f"/api/v1/callbacks/{pending.pk}/").status_code == 405
    clerk = api(world["a"]["clerk_user"])
    assert clerk("patch", f"/api/v1/callbacks/{pending.pk}/", GOOD).status_code == 403


def test_api_is_in_the_schema_without_warnings(db, tmp_path):
    # --fail-on-warn: any drf-spectacular warning or error fails the command.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/callbacks/{id}/record/:" in schema and "/api/v1/callbacks/:" in schema
