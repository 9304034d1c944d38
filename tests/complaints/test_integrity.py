"""The integrity file: commendations through their form, the section on the
mediator's page, and the read-only API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services
from complaints.models import IntegrityRecord
from core.models import Role
from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_complaint


@pytest.fixture
def post(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        mediator = MediatorFactory(region=world["a"]["township"])
        return AppointmentFactory(mediator=mediator, committee=committee)


def _founded(world, mediator, sanction="warning"):
    received = datetime.date.today() - datetime.timedelta(days=10)
    complaint, _ = make_complaint(mediator=mediator, received_on=received)
    with all_regions():
        role = Role.objects.get(user=world["a"]["county_user"])
        services.start_verification(complaint, note="属实")
        services.conclude(
            complaint,
            role=role,
            finding="founded",
            sanction=sanction,
            on=datetime.date.today() - datetime.timedelta(days=1),
        )
    return complaint


def test_commendation_form_and_the_mediator_page(world, login, post):
    mediator = post.mediator
    complaint = _founded(world, mediator)
    client = login(world["a"]["clerk_user"])
    page_url = reverse("registry:mediator_detail", args=[mediator.pk])
    form_url = reverse("complaints:commendation_create", args=[mediator.pk])
    page = client.get(page_url).content.decode()
    assert 'id="integrity"' in page and form_url in page

    response = client.post(
        form_url,
        {
            "occurred_on": "2024-05-01",
            "title": "<b>优秀人民调解员</b>",
            "awarded_by": "绍兴市司法局",
            "detail": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#integrity")
    with all_regions():
        record = IntegrityRecord.objects.get(mediator=mediator, kind="commendation")
    assert record.recorded_by == world["a"]["clerk_user"]

    page = client.get(page_url).content.decode()
    section = page[page.index('id="integrity"') :]
    # In time order: the 2024 commendation before yesterday's complaint and sanction.
    escaped = "&lt;b&gt;优秀人民调解员&lt;/b&gt;"
    assert section.index(escaped) < section.index(complaint.tracking_number)
    assert "<b>优秀人民调解员</b>" not in page
    assert "integrity-sanction" in section and "integrity-complaint" in section
    assert reverse("complaints:complaint_detail", args=[complaint.pk]) in section


def test_commendation_errors_and_permissions(world, login, post):
    form_url = reverse("complaints:commendation_create", args=[post.mediator.pk])
    client = login(world["a"]["county_user"])
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    data = {"occurred_on": future, "title": "", "awarded_by": "局"}
    page = client.post(form_url, data).content.decode()
    assert 'data-field="title"' in page
    page = client.post(form_url, {**data, "title": "表彰"}).content.decode()
    assert 'data-field="occurred_on"' in page
    with all_regions():
        assert not IntegrityRecord.objects.exists()
    # Readers see the file without the link and may not add to it.
    reader = login(world["a"]["finance_user"])
    page = reader.get(reverse("registry:mediator_detail", args=[post.mediator.pk])).content.decode()
    assert 'id="integrity"' in page and form_url not in page
    data = {"occurred_on": "2024-01-01", "title": "x", "awarded_by": "y"}
    assert reader.post(form_url, data).status_code == 403
    # Another city's staff do not find the mediator.
    assert login(world["b"]["county_admin"]).get(form_url).status_code == 404


def test_mediator_page_query_count_does_not_grow_with_the_file(world, login, post):
    client = login(world["a"]["county_user"])
    url = reverse("registry:mediator_detail", args=[post.mediator.pk])
    _founded(world, post.mediator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        _founded(world, post.mediator, sanction="criticism")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # The history panel reads entries of the mediator only; the file is one query.
    assert len(many) == len(few)


def test_integrity_api_is_read_only_and_scoped(world, login, post):
    complaint = _founded(world, post.mediator)
    with all_regions():
        foreign = MediatorFactory(region=world["b"]["township"])
        IntegrityRecord.objects.create(
            mediator=foreign,
            kind="commendation",
            occurred_on=datetime.date(2025, 1, 1),
            title="先进个人",
            awarded_by="杭州市司法局",
        )
    client = login(world["a"]["finance_user"])
    data = client.get("/api/v1/integrity-records/").json()
    assert {row["mediator"] for row in data["results"]} == {post.mediator.pk}
    assert {row["complaint_number"] for row in data["results"]} == {complaint.tracking_number}
    query = {"mediator": post.mediator.pk, "kind": "sanction"}
    data = client.get("/api/v1/integrity-records/", query).json()
    assert [row["kind"] for row in data["results"]] == ["sanction"]
    writer = login(world["a"]["county_admin"])
    assert writer.post("/api/v1/integrity-records/", {}).status_code == 405
