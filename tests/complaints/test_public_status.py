"""The public status page at /public/complaints/status/: the complainant sees their
own complaint's progress with the tracking number and code, and nothing else."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape

from complaints import services
from complaints.views.public import NOT_FOUND, TOO_MANY_LOOKUPS
from core.models import Role
from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_complaint

STATUS = "/public/complaints/status/"
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    cache.clear()


@pytest.fixture
def filed(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        mediator = MediatorFactory(region=world["a"]["township"], name="赵调解")
        AppointmentFactory(mediator=mediator, committee=committee)
    return make_complaint(
        mediator=mediator, name="钱投诉人", phone="13712345678", description="收取了好处费。"
    )


def _answer(complaint, world, text, sanction="warning"):
    with all_regions():
        role = Role.objects.get(user=world["a"]["county_user"])
        services.start_verification(complaint, note="内部核查记录XYZ")
        services.conclude(complaint, role=role, finding="founded", sanction=sanction)
        services.answer(complaint, text=text)
        complaint.refresh_from_db()
    return complaint


def test_the_form_is_accessible(client):
    response = client.get(STATUS)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'for="id_tracking_number"' in body and 'for="id_code"' in body
    assert "<fieldset>" in body and "<legend>" in body
    assert "no-store" in response["Cache-Control"]


def test_the_right_number_and_code_show_the_status_only(client, filed):
    complaint, code = filed
    response = client.post(STATUS, {"tracking_number": complaint.tracking_number, "code": code})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert complaint.tracking_number in body
    assert str(complaint.get_status_display()) in body
    assert complaint.received_on.strftime("%Y-%m-%d") in body
    assert complaint.due_on.strftime("%Y-%m-%d") in body
    for hidden in ("钱投诉人", "13712345678", "收取了好处费", "赵调解", code):
        assert hidden not in body


def test_lower_case_and_spaces_are_forgiven(client, filed):
    complaint, code = filed
    response = client.post(
        STATUS, {"tracking_number": f" {complaint.tracking_number.lower()} ", "code": code.lower()}
    )
    assert complaint.tracking_number in response.content.decode()


def test_an_answered_complaint_shows_the_finding_and_the_escaped_answer(client, filed, world):
    complaint, code = filed
    complaint = _answer(complaint, world, "经核实属实。<script>alert(1)</script>")
    response = client.post(STATUS, {"tracking_number": complaint.tracking_number, "code": code})
    body = response.content.decode()
    assert str(complaint.get_finding_display()) in body
    assert complaint.answered_on.strftime("%Y-%m-%d") in body
    assert "经核实属实。&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    # Not the sanction, not the internal notes.
    assert "内部核查记录XYZ" not in body
    assert str(complaint.get_sanction_display()) not in body


def test_a_wrong_code_looks_exactly_like_an_unknown_number(client, filed):
    complaint, code = filed
    wrong = "A" * 8 if code != "A" * 8 else "B" * 8
    wrong_code = client.post(STATUS, {"tracking_number": complaint.tracking_number, "code": wrong})
    unknown = client.post(STATUS, {"tracking_number": "TS20250101ZZZZZZ", "code": code})
    assert wrong_code.status_code == unknown.status_code == 200
    first = CSRF_INPUT.sub("", wrong_code.content.decode())
    second = CSRF_INPUT.sub("", unknown.content.decode())
    assert first == second
    assert complaint.tracking_number not in first
    assert escape(str(NOT_FOUND)) in first


def test_empty_fields_are_field_errors(client):
    response = client.post(STATUS, {"tracking_number": "", "code": ""})
    body = response.content.decode()
    assert 'id="id_tracking_number_error"' in body and 'id="id_code_error"' in body
    assert re.search(r'<input[^>]*aria-describedby="id_code_error"', body)


def test_lookups_are_rate_limited_per_ip(client, filed):
    complaint, code = filed
    for _ in range(20):
        client.post(STATUS, {"tracking_number": "TS20250101ZZZZZZ", "code": "AAAAAAAA"})
    response = client.post(STATUS, {"tracking_number": complaint.tracking_number, "code": code})
    assert response.status_code == 429
    assert escape(str(TOO_MANY_LOOKUPS)) in response.content.decode()
    assert complaint.tracking_number not in response.content.decode()
    other = client.post(
        STATUS,
        {"tracking_number": complaint.tracking_number, "code": code},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 200 and complaint.tracking_number in other.content.decode()


def test_csrf_is_enforced(filed):
    complaint, code = filed
    client = Client(enforce_csrf_checks=True)
    response = client.post(STATUS, {"tracking_number": complaint.tracking_number, "code": code})
    assert response.status_code == 403
    page = client.get(STATUS)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        STATUS,
        {"tracking_number": complaint.tracking_number, "code": code, "csrfmiddlewaretoken": token},
    )
    assert complaint.tracking_number in response.content.decode()
