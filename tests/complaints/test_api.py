"""The staff complaints API: scoped lists with masked phones, window complaints
with the secret code once, the workflow actions, validation errors as field errors."""

import datetime
import json

import pytest

from complaints.models import Complaint, ComplaintStatus, IntegrityRecord
from core.tenancy import all_regions
from registry.models import Appointment
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_complaint

URL = "/api/v1/complaints/"


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


def _post(world, side="a"):
    with all_regions():
        committee = CommitteeFactory(region=world[side]["village"], office=world[side]["office"])
        mediator = MediatorFactory(region=world[side]["township"])
        return AppointmentFactory(mediator=mediator, committee=committee)


@pytest.fixture
def post(world):
    return _post(world)


def _refresh(obj):
    with all_regions():
        obj.refresh_from_db()
    return obj


def test_list_is_scoped_and_masks_the_phone(world, api, post):
    mine, _ = make_complaint(mediator=post.mediator, phone="13912345678")
    foreign, _ = make_complaint(mediator=_post(world, "b").mediator)
    response = api(world["a"]["county_user"])("get", URL)
    assert response.status_code == 200
    body = response.content.decode()
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {mine.pk}
    assert "13912345678" not in body
    for secret in ("secret_hash", "phone_digest", "secret_code", mine.secret_hash):
        assert secret not in body
    row = response.json()["results"][0]
    assert row["complainant_phone_masked"].endswith("5678")
    assert api(world["a"]["county_user"])("get", f"{URL}{foreign.pk}/").status_code == 404
    detail = api(world["a"]["clerk_user"])("get", f"{URL}{mine.pk}/")
    assert detail.status_code == 200 and detail.json()["tracking_number"] == mine.tracking_number


def test_overdue_filter(world, api, post):
    old, _ = make_complaint(mediator=post.mediator, received_on=datetime.date(2025, 1, 6))
    make_complaint(mediator=post.mediator)
    response = api(world["a"]["county_user"])("get", f"{URL}?overdue=1")
    assert [row["id"] for row in response.json()["results"]] == [old.pk]


def test_create_a_window_complaint_returns_the_code_once(world, api, post):
    call = api(world["a"]["clerk_user"])
    response = call(
        "post",
        URL,
        {
            "mediator": post.mediator.pk,
            "complainant_name": "李四",
            "complainant_phone": "13700001234",
            "description": "调解员迟到两小时。",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    with all_regions():
        complaint = Complaint.objects.get(pk=data["complaint"]["id"])
    assert data["tracking_number"] == complaint.tracking_number
    assert complaint.channel == "window"
    assert complaint.recorded_by == world["a"]["clerk_user"]
    assert complaint.status == ComplaintStatus.ASSIGNED
    assert "13700001234" not in response.content.decode()
    from complaints import services

    assert services.find_for_complainant(complaint.tracking_number, data["secret_code"])
    again = call("get", f"{URL}{complaint.pk}/").content.decode()
    assert data["secret_code"] not in again


def test_create_validation_errors_are_field_errors(world, api, post):
    call = api(world["a"]["county_user"])
    foreign = _post(world, "b")
    response = call(
        "post",
        URL,
        {
            "mediator": foreign.mediator.pk,
            "complainant_name": "",
            "complainant_phone": "12345",
            "description": "x" * 20000,
            "received_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    errors = response.json()
    fields = ("mediator", "complainant_name", "complainant_phone", "description", "received_on")
    for field in fields:
        assert field in errors, field
    response = call(
        "post",
        URL,
        {"complainant_name": "王", "complainant_phone": "13700001234", "description": "x"},
    )
    assert response.status_code == 400 and "mediator" in response.json()
    with all_regions():
        assert not Complaint.objects.exists()


def test_no_delete_or_edit(world, api, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    call = api(world["a"]["county_admin"])
    assert call("delete", f"{URL}{complaint.pk}/").status_code == 405
    assert call("patch", f"{URL}{complaint.pk}/", {"status": "answered"}).status_code == 405


def test_actions_through_the_workflow(world, api, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    call = api(world["a"]["county_user"])
    response = call("post", f"{URL}{complaint.pk}/verify/", {"note": "调取记录"})
    assert response.status_code == 200 and response.json()["status"] == "verifying"
    response = call("post", f"{URL}{complaint.pk}/conclude/", {"finding": "maybe"})
    assert response.status_code == 400 and "finding" in response.json()
    response = call(
        "post", f"{URL}{complaint.pk}/conclude/", {"finding": "unfounded", "sanction": "warning"}
    )
    assert response.status_code == 400 and "sanction" in response.json()
    response = call(
        "post", f"{URL}{complaint.pk}/conclude/", {"finding": "founded", "sanction": "criticism"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["sanction"] == "criticism"
    with all_regions():
        assert IntegrityRecord.objects.filter(complaint=complaint).count() == 2
    response = call("post", f"{URL}{complaint.pk}/answer/", {"answer": ""})
    assert response.status_code == 400 and "answer" in response.json()
    response = call("post", f"{URL}{complaint.pk}/answer/", {"answer": "已批评教育。"})
    assert response.status_code == 200 and response.json()["status"] == "answered"
    # A step out of order is a 400 with a message.
    response = call("post", f"{URL}{complaint.pk}/verify/", {})
    assert response.status_code == 400


def test_assign_action(world, api, post):
    with all_regions():
        post.ends_on = datetime.date(2023, 1, 1)
        post.exit_reason = "own_request"
        post.save()
    complaint, _ = make_complaint(mediator=post.mediator, committee=post.committee)
    call = api(world["a"]["county_user"])
    foreign_office = world["b"]["office"].pk
    response = call("post", f"{URL}{complaint.pk}/assign/", {"office": foreign_office})
    assert response.status_code == 400 and "office" in response.json()
    response = call("post", f"{URL}{complaint.pk}/assign/", {"office": world["a"]["office"].pk})
    assert response.status_code == 200, response.content
    assert response.json()["assigned_office"] == world["a"]["office"].pk


def test_clerk_dismissal_is_403_and_foreign_is_404(world, api, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    clerk = api(world["a"]["clerk_user"])
    assert clerk("post", f"{URL}{complaint.pk}/verify/", {}).status_code == 200
    response = clerk(
        "post", f"{URL}{complaint.pk}/conclude/", {"finding": "founded", "sanction": "dismissal"}
    )
    assert response.status_code == 403
    with all_regions():
        assert Appointment.objects.filter(pk=post.pk, ends_on__isnull=True).exists()
    assert _refresh(complaint).status == ComplaintStatus.VERIFYING
    for user in (world["a2"]["clerk_user"], world["b"]["county_admin"]):
        response = api(user)("post", f"{URL}{complaint.pk}/conclude/", {"finding": "unfounded"})
        assert response.status_code == 404
    # Read-only roles may list but not act.
    finance = api(world["a"]["finance_user"])
    assert finance("get", URL).status_code == 200
    response = finance("post", f"{URL}{complaint.pk}/conclude/", {"finding": "unfounded"})
    assert response.status_code == 403
