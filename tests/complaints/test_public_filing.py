"""The public complaint form at /public/complaints/new/: every item of the issue's
abuse list that concerns filing."""

import io
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from complaints import pow, services
from complaints.forms.public import NOT_ON_ROSTER
from complaints.models import Complaint, ComplaintAttachment, ComplaintStatus
from complaints.views.public import TOO_MANY_FOR_PHONE, TOO_MANY_FROM_IP
from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

NEW = "/public/complaints/new/"
RECEIPT = "/public/complaints/receipt/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.COMPLAINT_POW_BITS = 4
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    cache.clear()


@pytest.fixture
def roster(world):
    """Bureau "a" publishes one committee with one mediator; a second mediator is
    appointed after the publication, and bureau "b" publishes its own roster."""
    bureau = world["a"]["county_bureau"]
    with all_regions():
        bureau.phone = "0575-12345678"
        bureau.save()
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        on = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"], name="王调解"),
            committee=committee,
        )
        committee_b = CommitteeFactory(region=world["b"]["village"], office=world["b"]["office"])
        other = AppointmentFactory(
            mediator=MediatorFactory(region=world["b"]["township"]), committee=committee_b
        )
    publish_roster(bureau)
    publish_roster(world["b"]["county_bureau"])
    with all_regions():
        late = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]), committee=committee
        )
    return SimpleNamespace(
        bureau=bureau,
        committee=committee,
        mediator=on.mediator,
        late=late.mediator,
        other_bureau_mediator=other.mediator,
        other_committee=committee_b,
    )


def solved():
    challenge = pow.new_challenge()
    return {"pow_challenge": challenge, "pow_counter": pow.solve(challenge)}


def payload(roster, **overrides):
    data = {
        "bureau": roster.bureau.region_id,
        "mediator": str(roster.mediator.pk),
        "description": "调解时偏袒对方，态度恶劣。",
        "name": "李四",
        "phone": "13800001111",
        **solved(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count():
    with all_regions():
        return Complaint.objects.count()


def png(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 128, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def shows(response, message):
    return escape(str(message)) in response.content.decode()


# The pages


def test_the_url_names():
    assert reverse("public_complaints:new") == NEW
    assert reverse("public_complaints:status") == "/public/complaints/status/"


def test_without_a_target_the_page_lists_bureaus_with_a_live_roster(client, roster, world):
    response = client.get(NEW)
    assert response.status_code == 200
    body = response.content.decode()
    assert roster.bureau.name in body
    assert f"/public/{roster.bureau.region_id}/" in body
    assert world["a2"]["county_bureau"].name not in body  # never published


def test_a_chosen_bureau_explains_where_to_start(client, roster):
    response = client.get(NEW, {"bureau": roster.bureau.region_id})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"/public/{roster.bureau.region_id}/" in body
    assert roster.bureau.phone in body  # the footer and the phone alternative


def test_the_form_names_the_mediator_and_is_accessible(client, roster):
    response = client.get(NEW, {"bureau": roster.bureau.region_id, "mediator": roster.mediator.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "王调解" in body and roster.committee.name in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert re.search(r'name="pow_challenge" value="[^"]+"', body)
    assert 'data-pow-bits="4"' in body and "js/pow.js" in body
    assert "<noscript>" in body and roster.bureau.phone in body
    assert 'aria-live="polite"' in body
    assert re.search(r'<button type="submit"[^>]*disabled', body)
    assert "<fieldset>" in body and "<legend>" in body
    for field in ("description", "name", "phone", "attachments"):
        assert f'for="id_{field}"' in body
    assert 'aria-describedby="id_phone_helptext"' in body
    # Personal numbers of the mediator are not on the page.
    with all_regions():
        assert roster.mediator.phone not in body and roster.mediator.id_number not in body


def test_a_link_to_a_mediator_not_on_the_roster_is_refused(client, roster):
    for params in (
        {"bureau": roster.bureau.region_id, "mediator": roster.late.pk},
        {"bureau": roster.bureau.region_id, "mediator": roster.other_bureau_mediator.pk},
        {"bureau": roster.bureau.region_id, "mediator": "1 OR 1=1"},
        {"bureau": "999999999999", "mediator": roster.mediator.pk},
        {"bureau": roster.bureau.region_id, "committee": "NO-SUCH"},
    ):
        response = client.get(NEW, params)
        assert response.status_code == 404, params
        assert 'name="description"' not in response.content.decode()


# Filing


def test_a_complaint_about_a_mediator_gives_a_tracking_number_and_code_once(client, roster):
    page = client.get(NEW, {"bureau": roster.bureau.region_id, "mediator": roster.mediator.pk})
    challenge = re.search(r'name="pow_challenge" value="([^"]+)"', page.content.decode()).group(1)
    data = payload(roster, pow_challenge=challenge, pow_counter=pow.solve(challenge))
    posted = client.post(NEW, data)
    # Redirected to the receipt, with nothing secret in the address.
    assert (posted.status_code, posted["Location"]) == (303, RECEIPT)
    response = client.get(RECEIPT)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    with all_regions():
        complaint = Complaint.objects.get()
        assert complaint.mediator == roster.mediator
        assert complaint.committee == roster.committee
        assert complaint.channel == "online"
        assert complaint.status == ComplaintStatus.ASSIGNED
        assert complaint.complainant_phone == "13800001111"
    body = response.content.decode()
    assert complaint.tracking_number in body
    code = re.search(r'id="secret-code">([0-9A-Z]{8})<', body).group(1)
    assert services.find_for_complainant(complaint.tracking_number, code) == complaint
    assert reverse("public_complaints:status") in body


def test_a_complaint_about_a_committee(client, roster):
    data = payload(roster, mediator=None, committee=roster.committee.code)
    response = client.post(NEW, data, follow=True)
    assert response.status_code == 200
    with all_regions():
        complaint = Complaint.objects.get()
        assert complaint.committee == roster.committee and complaint.mediator is None
        assert complaint.assigned_office == roster.committee.office
    assert complaint.tracking_number in response.content.decode()


def test_the_committee_form_page(client, roster):
    params = {"bureau": roster.bureau.region_id, "committee": roster.committee.code}
    response = client.get(NEW, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert roster.committee.name in body and f'value="{roster.committee.code}"' in body


@pytest.mark.parametrize(
    "target",
    ["late", "other_bureau_mediator", "garbage", "committee_of_other_bureau", "no_bureau"],
)
def test_a_mediator_not_on_the_published_roster_is_refused(client, roster, target):
    overrides = {
        "late": {"mediator": str(roster.late.pk)},
        "other_bureau_mediator": {"mediator": str(roster.other_bureau_mediator.pk)},
        "garbage": {"mediator": "<script>"},
        "committee_of_other_bureau": {"mediator": None, "committee": roster.other_committee.code},
        "no_bureau": {"bureau": None},
    }[target]
    response = client.post(NEW, payload(roster, **overrides))
    assert response.status_code == 200
    assert shows(response, NOT_ON_ROSTER)
    assert count() == 0


@pytest.mark.parametrize("description", ["", "   ", "很" * 20_000])
def test_an_empty_or_huge_description_is_a_field_error(client, roster, description):
    response = client.post(NEW, payload(roster, description=description))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_description_error"' in body
    described = 'aria-describedby="id_description_helptext id_description_error"'
    assert re.search(rf"<textarea[^>]*{described}", body)
    assert re.search(r'<textarea[^>]*aria-invalid="true"', body)
    assert count() == 0


@pytest.mark.parametrize("phone", ["12345", "1380000111a", "23800001111", "<b>1</b>", ""])
def test_a_malformed_phone_is_a_field_error(client, roster, phone):
    response = client.post(NEW, payload(roster, phone=phone))
    assert 'id="id_phone_error"' in response.content.decode()
    assert count() == 0


def test_an_empty_or_long_name_is_a_field_error(client, roster):
    for name in ("", "名" * 51):
        response = client.post(NEW, payload(roster, name=name))
        assert 'id="id_name_error"' in response.content.decode()
    assert count() == 0


def test_a_script_tag_is_escaped_on_the_receipt_and_on_the_form(client, roster):
    script = "<script>alert('x')</script>"
    response = client.post(
        NEW, payload(roster, name=f"{script}"[:50], description=script), follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200 and count() == 1
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    # Re-rendered with an error, the entered text is escaped too.
    response = client.post(NEW, payload(roster, description=script, phone="bad"))
    assert "<script>alert" not in response.content.decode()


def test_an_executable_renamed_to_jpg_is_refused(client, roster):
    exe = SimpleUploadedFile("evidence.jpg", b"MZ\x90\x00" + b"\x00" * 300, "image/jpeg")
    elf = SimpleUploadedFile("photo2.jpg", b"\x7fELF\x02\x01" + b"\x00" * 300, "image/jpeg")
    response = client.post(NEW, {**payload(roster), "attachments": [exe, elf]})
    body = response.content.decode()
    assert 'id="id_attachments_error"' in body
    assert "evidence.jpg" in body and "photo2.jpg" in body
    assert count() == 0


def test_more_than_three_attachments_are_refused(client, roster):
    files = [SimpleUploadedFile(f"p{n}.pdf", PDF, content_type="application/pdf") for n in range(4)]
    response = client.post(NEW, {**payload(roster), "attachments": files})
    assert 'id="id_attachments_error"' in response.content.decode()
    assert count() == 0


def test_attachments_are_stored_outside_the_web_root_under_made_up_names(client, roster, settings):
    pdf = SimpleUploadedFile("../../我的 证据.pdf", PDF, content_type="application/pdf")
    response = client.post(NEW, {**payload(roster), "attachments": [png("photo.jpg"), pdf]})
    assert response.status_code == 303
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    with all_regions():
        attachments = list(ComplaintAttachment.objects.order_by("pk"))
    assert [a.content_type for a in attachments] == ["image/png", "application/pdf"]
    assert [a.original_name for a in attachments] == ["photo.jpg", "我的 证据.pdf"]
    for attachment in attachments:
        path = Path(attachment.file.path)
        assert path.is_file() and path.is_relative_to(private)
        assert "证据" not in attachment.file.name and "photo" not in attachment.file.name
        assert attachment.size == path.stat().st_size
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*.pdf"))


# Proof-of-work


@pytest.mark.parametrize(
    "overrides",
    [
        {"pow_challenge": None, "pow_counter": None},
        {"pow_counter": ""},
        {"pow_challenge": "forged:challenge", "pow_counter": "1"},
        {"pow_counter": "x" * 100},
    ],
)
def test_a_missing_or_invalid_proof_of_work_is_refused(client, roster, overrides):
    response = client.post(NEW, payload(roster, **overrides))
    assert shows(response, pow._FAILED)
    assert count() == 0


def test_a_wrong_counter_is_refused(client, roster, settings):
    settings.COMPLAINT_POW_BITS = 16
    challenge = pow.new_challenge()
    wrong = next(
        str(n) for n in range(100) if pow.leading_zero_bits(pow.digest(challenge, str(n))) < 16
    )
    response = client.post(NEW, payload(roster, pow_challenge=challenge, pow_counter=wrong))
    assert shows(response, pow._FAILED)
    assert count() == 0


def test_a_proof_of_work_is_used_once(client, roster):
    work = solved()
    assert client.post(NEW, payload(roster, **work)).status_code == 303
    response = client.post(NEW, payload(roster, phone="13900002222", **work))
    assert shows(response, pow._EXPIRED)
    assert count() == 1


def test_a_failed_proof_of_work_skips_reading_the_attachments(client, roster, monkeypatch):
    from complaints.forms import public as public_forms

    def boom(*args, **kwargs):
        raise AssertionError("attachments read without a proof-of-work")

    monkeypatch.setattr(public_forms, "check_uploads", boom)
    response = client.post(NEW, {**payload(roster, pow_counter=""), "attachments": [png()]})
    assert response.status_code == 200 and count() == 0


# Rate limits


def test_a_sixth_complaint_from_one_ip_within_an_hour_is_refused(client, roster):
    for n in range(5):
        response = client.post(NEW, payload(roster, phone=f"1380000{n:04d}"))
        assert response.status_code == 303
    assert count() == 5
    response = client.post(NEW, payload(roster, phone="13900009999"))
    assert response.status_code == 429
    assert shows(response, TOO_MANY_FROM_IP)
    assert 'role="alert"' in response.content.decode()
    assert count() == 5
    # Another address is not affected.
    other = client.post(NEW, payload(roster, phone="13900009999"), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 303 and count() == 6


def test_a_fourth_complaint_with_one_phone_within_a_day_is_refused(client, roster):
    for n in range(3):
        address = f"10.0.0.{n + 1}"
        assert client.post(NEW, payload(roster), REMOTE_ADDR=address).status_code == 303
    # The same number written differently still counts.
    response = client.post(NEW, payload(roster, phone="+86 138 0000 1111"), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert shows(response, TOO_MANY_FOR_PHONE)
    assert count() == 3


def test_invalid_submissions_do_not_use_up_the_limit(client, roster):
    for _ in range(6):
        client.post(NEW, payload(roster, phone="bad"))
    assert client.post(NEW, payload(roster)).status_code == 303
    assert count() == 1


# CSRF


def test_csrf_is_enforced(roster):
    client = Client(enforce_csrf_checks=True)
    response = client.post(NEW, payload(roster))
    assert response.status_code == 403
    assert count() == 0
    page = client.get(NEW, {"bureau": roster.bureau.region_id, "mediator": roster.mediator.pk})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(NEW, {**payload(roster), "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert count() == 1


def test_only_get_and_post(client, roster):
    assert client.put(NEW).status_code == 405
    assert client.delete("/public/complaints/status/").status_code == 405


# The receipt: redirect after the POST, shown again on a refresh


def _code_on(body):
    match = re.search(r'id="secret-code">([0-9A-Z]{8})<', body)
    return match and match.group(1)


def test_refreshing_the_receipt_shows_it_again_without_the_code(client, roster):
    posted = client.post(NEW, payload(roster))
    assert (posted.status_code, posted["Location"]) == (303, RECEIPT)
    first = client.get(RECEIPT)
    code = _code_on(first.content.decode())
    with all_regions():
        complaint = Complaint.objects.get()
    assert services.find_for_complainant(complaint.tracking_number, code) == complaint
    refreshed = client.get(RECEIPT)
    body = refreshed.content.decode()
    assert refreshed.status_code == 200 and "no-store" in refreshed["Cache-Control"]
    assert complaint.tracking_number in body and roster.mediator.name in body
    assert _code_on(body) is None and code not in body
    assert 'data-testid="code-shown-once"' in body and "0575-12345678" in body
    # The code left the session when it was shown.
    assert code not in str(dict(client.session))


def test_the_receipt_is_only_for_the_browser_that_filed_and_only_for_a_while(
    client, roster, monkeypatch
):
    client.post(NEW, payload(roster))
    stranger = Client()
    response = stranger.get(RECEIPT)
    assert response.status_code == 404 and "no-store" in response["Cache-Control"]
    assert reverse("public_complaints:status") in response.content.decode()
    later = time.time() + 31 * 60
    monkeypatch.setattr("complaints.views.public.time", SimpleNamespace(time=lambda: later))
    response = client.get(RECEIPT)
    assert response.status_code == 404
    with all_regions():
        assert Complaint.objects.get().tracking_number not in response.content.decode()


def test_a_failed_filing_stays_on_the_form_with_what_was_typed(client, roster):
    response = client.post(NEW, payload(roster, phone="bad"))
    assert response.status_code == 200 and 'id="id_phone_error"' in response.content.decode()
    assert "调解时偏袒对方" in response.content.decode()
    assert client.get(RECEIPT).status_code == 404
