"""The staff side of complaints through its pages: list, detail, the workflow
actions, attachments and window complaints."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintStatus,
    IntegrityRecord,
)
from core.tenancy import all_regions
from registry.models import Appointment, MediatorStatus
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_complaint

FILED = "complaints:complaint_filed"


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


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


def _url(name, complaint):
    return reverse(f"complaints:{name}", args=[complaint.pk])


def test_workflow_end_to_end_through_the_pages(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    assert complaint.status == ComplaintStatus.ASSIGNED
    client = login(world["a"]["county_user"])

    page = client.get(_url("complaint_detail", complaint)).content.decode()
    assert _url("complaint_verify", complaint) in page
    assert _url("complaint_conclude", complaint) not in page

    response = client.post(_url("complaint_verify", complaint), {"note": "已调取调解记录"})
    assert response.status_code == 302
    assert _refresh(complaint).status == ComplaintStatus.VERIFYING

    today = datetime.date.today().isoformat()
    response = client.post(
        _url("complaint_conclude", complaint),
        {"finding": "founded", "sanction": "warning", "note": "情况属实", "concluded_on": today},
    )
    assert response.status_code == 302, response.content.decode()
    complaint = _refresh(complaint)
    assert (complaint.status, complaint.finding, complaint.sanction) == (
        ComplaintStatus.CONCLUDED,
        "founded",
        "warning",
    )
    with all_regions():
        kinds = sorted(
            IntegrityRecord.objects.filter(complaint=complaint).values_list("kind", flat=True)
        )
    assert kinds == ["complaint", "sanction"]

    response = client.post(_url("complaint_answer", complaint), {"answer": "已对调解员予以警告。"})
    assert response.status_code == 302
    assert _refresh(complaint).status == ComplaintStatus.ANSWERED

    page = client.get(_url("complaint_detail", complaint)).content.decode()
    assert "已对调解员予以警告。" in page
    assert "complaint-action" not in page  # no step left
    assert "history" in page


def test_assign_a_received_complaint_to_an_office(world, login, post):
    with all_regions():
        post.ends_on = datetime.date(2023, 1, 1)
        post.exit_reason = "own_request"
        post.save()
    # The mediator holds no post: the complaint waits for someone to route it.
    complaint, _ = make_complaint(mediator=post.mediator, committee=post.committee)
    assert complaint.status == ComplaintStatus.RECEIVED
    client = login(world["a"]["county_user"])
    page = client.get(_url("complaint_detail", complaint)).content.decode()
    assert _url("complaint_assign", complaint) in page
    response = client.post(
        _url("complaint_assign", complaint), {"office": world["a"]["office"].name}
    )
    assert response.status_code == 302
    complaint = _refresh(complaint)
    assert complaint.status == ComplaintStatus.ASSIGNED
    assert complaint.assigned_office == world["a"]["office"]
    # Assigning twice is refused with a message, not a crash.
    response = client.post(_url("complaint_assign", complaint), {"office": ""})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_out_of_order_steps_are_form_errors(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    client = login(world["a"]["county_user"])
    response = client.post(_url("complaint_answer", complaint), {"answer": "x"})
    assert response.status_code == 200
    assert _refresh(complaint).status == ComplaintStatus.ASSIGNED
    response = client.get(_url("complaint_conclude", complaint))
    assert response.status_code == 200 and "alert-warning" in response.content.decode()


def test_conclude_validation_errors_are_field_errors(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    client = login(world["a"]["county_user"])
    client.post(_url("complaint_verify", complaint), {"note": ""})
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    page = client.post(
        _url("complaint_conclude", complaint), {"finding": "founded", "concluded_on": future}
    ).content.decode()
    assert 'data-field="concluded_on"' in page
    page = client.post(
        _url("complaint_conclude", complaint),
        {"finding": "unfounded", "sanction": "warning", "concluded_on": datetime.date.today()},
    ).content.decode()
    assert 'data-field="sanction"' in page
    assert _refresh(complaint).status == ComplaintStatus.VERIFYING


def test_dismissal_ends_the_appointments(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    client = login(world["a"]["county_user"])
    client.post(_url("complaint_verify", complaint), {"note": "核实"})
    response = client.post(
        _url("complaint_conclude", complaint),
        {"finding": "founded", "sanction": "dismissal", "concluded_on": datetime.date.today()},
    )
    assert response.status_code == 302
    post = _refresh(post)
    assert post.ends_on == datetime.date.today()
    assert post.exit_reason == "dismissal"
    assert complaint.tracking_number in post.exit_note
    assert _refresh(post.mediator).status == MediatorStatus.LEFT


def test_suspension_suspends_the_mediator(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    client = login(world["a"]["county_admin"])
    client.post(_url("complaint_verify", complaint), {"note": ""})
    response = client.post(
        _url("complaint_conclude", complaint),
        {"finding": "founded", "sanction": "suspension", "concluded_on": datetime.date.today()},
    )
    assert response.status_code == 302
    assert _refresh(post.mediator).status == MediatorStatus.SUSPENDED
    with all_regions():
        assert Appointment.objects.filter(pk=post.pk, ends_on__isnull=True).exists()


def test_a_clerk_may_conclude_but_not_dismiss(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    client = login(world["a"]["clerk_user"])
    client.post(_url("complaint_verify", complaint), {"note": ""})
    response = client.post(
        _url("complaint_conclude", complaint),
        {"finding": "founded", "sanction": "dismissal", "concluded_on": datetime.date.today()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="sanction"' in page
    assert _refresh(complaint).status == ComplaintStatus.VERIFYING
    with all_regions():
        assert Appointment.objects.filter(pk=post.pk, ends_on__isnull=True).exists()
    # A warning is the clerk's to give.
    response = client.post(
        _url("complaint_conclude", complaint),
        {"finding": "founded", "sanction": "warning", "concluded_on": datetime.date.today()},
    )
    assert response.status_code == 302
    assert _refresh(complaint).sanction == "warning"


def test_a_clerk_concluding_a_complaint_outside_their_jurisdiction(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    with all_regions():
        from complaints import services

        services.start_verification(complaint)
    # A clerk of the sibling county's township, and one of another city.
    for user in (world["a2"]["clerk_user"], world["b"]["clerk_user"]):
        client = login(user)
        assert client.get(_url("complaint_detail", complaint)).status_code == 404
        assert client.get(_url("complaint_conclude", complaint)).status_code == 404
        response = client.post(
            _url("complaint_conclude", complaint),
            {"finding": "founded", "sanction": "warning", "concluded_on": datetime.date.today()},
        )
        assert response.status_code == 404
    assert _refresh(complaint).status == ComplaintStatus.VERIFYING


def test_readers_see_but_may_not_act(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    client = login(world["a"]["finance_user"])
    page = client.get(_url("complaint_detail", complaint)).content.decode()
    assert "complaint-action" not in page
    assert client.post(_url("complaint_verify", complaint), {"note": ""}).status_code == 403


def test_detail_masks_the_phone_and_escapes_the_description(world, login, post):
    complaint, _ = make_complaint(
        mediator=post.mediator,
        phone="13912345678",
        description="<script>alert(1)</script>调解员迟到",
    )
    client = login(world["a"]["county_user"])
    page = client.get(_url("complaint_detail", complaint)).content.decode()
    assert "13912345678" not in page
    assert "139****5678" in page or "5678" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- the list -----------------------------------------------------------------------


def _many(world, post, count):
    for _ in range(count):
        make_complaint(mediator=post.mediator)


def test_list_query_count_is_constant(world, login, post):
    client = login(world["a"]["county_user"])
    url = reverse("complaints:complaint_list")
    _many(world, post, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(world, post, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("complaints/") >= 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_overdue_filter_highlights_and_dashboard_alerts(world, login, post):
    old, _ = make_complaint(mediator=post.mediator, received_on=datetime.date(2025, 1, 6))
    fresh, _ = make_complaint(mediator=post.mediator)
    assert old.due_on < datetime.date.today()
    client = login(world["a"]["county_user"])
    page = client.get(reverse("complaints:complaint_list") + "?overdue=1").content.decode()
    assert old.tracking_number in page and fresh.tracking_number not in page
    assert 'class="table-danger overdue"' in page
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    overdue = 'href="/complaints/?overdue=1" data-testid="complaints_overdue" data-alert="1"'
    assert overdue in dashboard


def test_no_alert_without_overdue_complaints(world, login, post):
    make_complaint(mediator=post.mediator)
    dashboard = login(world["a"]["county_user"]).get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="complaints_overdue">' in dashboard


def test_list_filters(world, login, post):
    mine, _ = make_complaint(mediator=post.mediator)
    other_post = _post(world)
    other, _ = make_complaint(mediator=other_post.mediator, channel="window")
    client = login(world["a"]["county_user"])
    url = reverse("complaints:complaint_list")
    page = client.get(url, {"mediator": post.mediator.name}).content.decode()
    assert mine.tracking_number in page and other.tracking_number not in page
    page = client.get(url, {"channel": "window"}).content.decode()
    assert other.tracking_number in page and mine.tracking_number not in page
    page = client.get(url, {"number": mine.tracking_number.lower()}).content.decode()
    assert mine.tracking_number in page and other.tracking_number not in page
    page = client.get(url, {"committee": other_post.committee.code}).content.decode()
    assert other.tracking_number in page and mine.tracking_number not in page
    # A foreign mediator is a filter error, not a leak, and lists nothing.
    foreign = _post(world, "b")
    response = client.get(url, {"mediator": foreign.mediator.name})
    assert response.status_code == 200
    assert "mediator" in response.context["filterset"].form.errors
    assert response.context["paginator"].count == 0


def test_provisional_deadline_is_marked(world, login, post):
    complaint, _ = make_complaint(mediator=post.mediator, received_on=datetime.date(2026, 12, 28))
    assert complaint.due_provisional
    client = login(world["a"]["county_user"])
    page = client.get(reverse("complaints:complaint_list")).content.decode()
    assert "provisional" in page


# -- attachments --------------------------------------------------------------------


def _attachment(complaint):
    with all_regions():
        return ComplaintAttachment.objects.create(
            complaint=complaint,
            file=ContentFile(b"%PDF-1.4 secret", name="x.pdf"),
            content_type="application/pdf",
            original_name="收据.pdf",
            size=15,
        )


def test_attachment_served_to_staff_of_the_jurisdiction_only(world, login, client, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    attachment = _attachment(complaint)
    url = reverse("complaints:attachment", args=[attachment.pk])

    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]

    staff = login(world["a"]["clerk_user"])
    detail = staff.get(_url("complaint_detail", complaint)).content.decode()
    assert url in detail
    response = staff.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 secret"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"

    for user in (world["b"]["county_user"], world["a2"]["clerk_user"]):
        assert login(user).get(url).status_code == 404


# -- window complaints --------------------------------------------------------------


def test_window_complaint_by_a_clerk(world, login, post):
    client = login(world["a"]["clerk_user"])
    url = reverse("complaints:complaint_create")
    assert client.get(url).status_code == 200
    upload = ContentFile(_png(), name="photo.png")
    response = client.post(
        url,
        {
            "mediator": post.mediator.name,
            "name": "李四",
            "phone": "13700001234",
            "description": "调解员收取好处费。",
            "received_on": datetime.date.today().isoformat(),
            "attachments": [upload],
        },
    )
    assert (response.status_code, response["Location"]) == (303, reverse(FILED))
    response = client.get(reverse(FILED))
    assert "no-store" in response.get("Cache-Control", ""), response.content.decode()[-3000:]
    with all_regions():
        complaint = Complaint.objects.get(complainant_name="李四")
        assert complaint.attachments.count() == 1
    page = response.content.decode()
    assert complaint.tracking_number in page
    assert complaint.channel == "window"
    assert complaint.recorded_by == world["a"]["clerk_user"]
    assert complaint.assigned_office == world["a"]["office"]
    code = page.split('class="secret-code">')[1].split("<")[0]
    from complaints import services

    assert services.find_for_complainant(complaint.tracking_number, code) == complaint
    # Never again: the detail page has no code, nor a refresh of the receipt.
    assert code not in client.get(_url("complaint_detail", complaint)).content.decode()
    again = client.get(reverse(FILED)).content.decode()
    assert complaint.tracking_number in again and code not in again
    assert 'data-testid="code-shown-once"' in again


def test_window_complaint_bad_input(world, login, post):
    client = login(world["a"]["clerk_user"])
    url = reverse("complaints:complaint_create")
    foreign = _post(world, "b")
    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url,
        {
            "mediator": foreign.mediator.name,
            "name": " ",
            "phone": "12345",
            "description": "",
            "received_on": future,
            "attachments": [ContentFile(b"MZ\x90\x00 not an image", name="evil.jpg")],
        },
    )
    page = response.content.decode()
    for field in ("mediator", "name", "phone", "description", "received_on", "attachments"):
        assert f'data-field="{field}"' in page, field
    response = client.post(
        url,
        {"name": "王五", "phone": "13700001234", "description": "x", "received_on": "2026-01-05"},
    )
    assert 'data-field="mediator"' in response.content.decode()
    with all_regions():
        assert not Complaint.objects.exists()


def test_window_complaint_outside_the_jurisdiction_is_refused(world, login):
    # A mediator kept in township a but posted in the sibling county's committee.
    with all_regions():
        committee = CommitteeFactory(region=world["a2"]["village"], office=world["a2"]["office"])
        mediator = MediatorFactory(region=world["a"]["township"])
        AppointmentFactory(mediator=mediator, committee=committee)
    client = login(world["a"]["clerk_user"])
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "mediator": mediator.name,
            "name": "李四",
            "phone": "13700001234",
            "description": "x",
            "received_on": datetime.date.today().isoformat(),
        },
    )
    assert 'data-field="mediator"' in response.content.decode()
    with all_regions():
        assert not Complaint.objects.exists()
