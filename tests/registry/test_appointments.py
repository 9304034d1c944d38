"""Appointments through the pages and the API: appoint, end a post, transfer. A
second full-time post, an end before the start and a committee outside the
jurisdiction are field errors that write nothing; a transfer keeps both posts."""

import datetime
import json

import pytest
from django.db import IntegrityError, transaction

from core import pickers
from core.tenancy import all_regions
from registry.models import Appointment, CommitteeStatus, ExitReason, MediatorStatus
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    RegionFactory,
)

STARTED = datetime.date(2022, 1, 1)


@pytest.fixture
def unit(world):
    a = world["a"]
    with all_regions():
        here = CommitteeFactory(region=a["village"], office=a["office"], name="本村调委会")
        there = CommitteeFactory(region=a["township"], kind="township", name="本镇调委会")
        mediator = MediatorFactory(region=a["township"])
        post = AppointmentFactory(mediator=mediator, committee=here, starts_on=STARTED)
        sibling = CommitteeFactory(region=world["a2"]["village"], name="邻县调委会")
        foreign = CommitteeFactory(region=world["b"]["village"], name="外市调委会")
    return {
        "here": here,
        "there": there,
        "mediator": mediator,
        "post": post,
        "sibling": sibling,
        "foreign": foreign,
    }


def _count():
    with all_regions():
        return Appointment.objects.count()


def _refused(client, url, data, field):
    before = _count()
    response = client.post(url, data)
    assert response.status_code == 200, response
    form = response.context["form"]
    errors = form.errors.get(field) if field else form.non_field_errors()
    assert errors, form.errors
    assert _count() == before
    return errors


def _appoint(committee, **overrides):
    return {
        "committee": committee.code,
        "post": "mediator",
        "paid_by": "township",
        "starts_on": "2024-03-01",
        **overrides,
    }


# --- pages ---------------------------------------------------------------------


def test_appointing_a_part_time_post_shows_in_the_career(login, world, unit):
    client = login(world["a"]["county_user"])
    url = f"/mediators/{unit['mediator'].pk}/appoint/"
    assert client.get(url).status_code == 200
    response = client.post(url, _appoint(unit["there"]))
    assert response.status_code == 302
    assert response["Location"] == f"/mediators/{unit['mediator'].pk}/"
    career = client.get(response["Location"]).context["career"]
    assert [(a.committee.name, a.full_time) for a in career] == [
        ("本镇调委会", False),
        ("本村调委会", True),
    ]


def test_a_second_full_time_post_is_a_field_error(login, world, unit):
    client = login(world["a"]["county_user"])
    _refused(
        client,
        f"/mediators/{unit['mediator'].pk}/appoint/",
        _appoint(unit["there"], full_time="on"),
        "full_time",
    )


def test_the_database_refuses_a_second_open_full_time_post(unit):
    # The backstop under the form's check (one_open_fulltime_post): migrations that
    # drop the posts' column indexes must keep it (registry 0007).
    with all_regions():
        Appointment.objects.filter(pk=unit["post"].pk).update(full_time=True, paid_by="bureau")
        with pytest.raises(IntegrityError), transaction.atomic():
            AppointmentFactory(
                mediator=unit["mediator"], committee=unit["there"], full_time=True, paid_by="bureau"
            )


@pytest.mark.parametrize("target", ["sibling", "foreign"])
def test_a_committee_outside_the_jurisdiction_is_a_field_error(login, world, unit, target):
    client = login(world["a"]["county_user"])
    errors = _refused(
        client,
        f"/mediators/{unit['mediator'].pk}/appoint/",
        _appoint(unit[target]),
        "committee",
    )
    # Outside the jurisdiction reads like nowhere at all.
    assert errors == [str(pickers.get("committee").not_found)]


def test_a_clerk_appoints_to_their_township_only(login, world, unit):
    client = login(world["a"]["clerk_user"])
    url = f"/mediators/{unit['mediator'].pk}/appoint/"
    with all_regions():
        township = RegionFactory(code="330602002000", parent=world["a"]["county"])
        elsewhere = CommitteeFactory(region=township, kind="township")
    _refused(client, url, _appoint(elsewhere), "committee")
    assert client.post(url, _appoint(unit["there"])).status_code == 302


def test_a_deregistered_committee_takes_no_appointments(login, world, unit):
    with all_regions():
        unit["there"].status = CommitteeStatus.DEREGISTERED
        unit["there"].deregistered_on = datetime.date(2024, 1, 1)
        unit["there"].save()
    client = login(world["a"]["county_user"])
    _refused(
        client, f"/mediators/{unit['mediator'].pk}/appoint/", _appoint(unit["there"]), "committee"
    )


def test_ending_a_post_before_it_started_is_a_field_error(login, world, unit):
    client = login(world["a"]["county_user"])
    errors = _refused(
        client,
        f"/appointments/{unit['post'].pk}/end/",
        {"ends_on": "2021-12-31", "exit_reason": ExitReason.OWN_REQUEST},
        "ends_on",
    )
    assert errors
    unit["post"].refresh_from_db()
    assert unit["post"].ends_on is None


def test_ending_the_last_post_for_health_makes_the_mediator_leave(login, world, unit):
    client = login(world["a"]["county_user"])
    url = f"/appointments/{unit['post'].pk}/end/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"ends_on": "2024-06-30", "exit_reason": ExitReason.HEALTH, "exit_note": "因病"}
    )
    assert response.status_code == 302
    unit["post"].refresh_from_db()
    unit["mediator"].refresh_from_db()
    assert (unit["post"].ends_on, unit["post"].exit_reason) == (
        datetime.date(2024, 6, 30),
        ExitReason.HEALTH,
    )
    assert unit["mediator"].status == MediatorStatus.LEFT
    # Ended once: a second end is refused.
    _refused(client, url, {"ends_on": "2024-07-01", "exit_reason": ExitReason.HEALTH}, field=None)


def test_a_transfer_keeps_both_posts_in_the_career(login, world, unit):
    client = login(world["a"]["county_user"])
    url = f"/appointments/{unit['post'].pk}/transfer/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"committee": unit["there"].code, "starts_on": "2024-05-01"})
    assert response.status_code == 302
    with all_regions():
        posts = list(Appointment.objects.filter(mediator=unit["mediator"]).order_by("starts_on"))
    assert [(p.committee.name, p.ends_on, p.exit_reason, p.full_time) for p in posts] == [
        ("本村调委会", datetime.date(2024, 4, 30), ExitReason.TRANSFER, True),
        ("本镇调委会", None, "", True),
    ]
    career = client.get(f"/mediators/{unit['mediator'].pk}/").context["career"]
    assert len(career) == 2


@pytest.mark.parametrize(
    "data, field",
    [
        ({"committee": "here", "starts_on": "2024-05-01"}, "committee"),  # the same committee
        ({"committee": "there", "starts_on": "2021-01-01"}, "starts_on"),  # before the post
        ({"committee": "foreign", "starts_on": "2024-05-01"}, "committee"),
        ({"committee": "sibling", "starts_on": "2024-05-01"}, "committee"),
    ],
)
def test_a_bad_transfer_is_a_field_error_and_ends_nothing(login, world, unit, data, field):
    client = login(world["a"]["county_user"])
    _refused(
        client,
        f"/appointments/{unit['post'].pk}/transfer/",
        {**data, "committee": unit[data["committee"]].code},
        field,
    )
    unit["post"].refresh_from_db()
    assert unit["post"].ends_on is None


def test_a_read_only_role_cannot_appoint(login, world, unit):
    client = login(world["a"]["finance_user"])
    assert client.get(f"/mediators/{unit['mediator'].pk}/appoint/").status_code == 403
    assert client.post(f"/appointments/{unit['post'].pk}/end/", {}).status_code == 403


# --- API -----------------------------------------------------------------------


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _api_appoint(unit, committee, **overrides):
    return {
        "mediator": unit["mediator"].pk,
        "committee": unit[committee].pk,
        "post": "member",
        "starts_on": "2024-03-01",
        **overrides,
    }


def test_the_api_appoints_and_lists_with_the_filterset(login, world, unit):
    client = login(world["a"]["county_user"])
    response = _post(client, "/api/v1/appointments/", _api_appoint(unit, "there"))
    assert response.status_code == 201, response.content
    assert response.json()["region"] == unit["there"].region_id
    rows = client.get(f"/api/v1/appointments/?committee={unit['there'].pk}").json()["results"]
    assert [r["id"] for r in rows] == [response.json()["id"]]
    assert len(client.get("/api/v1/appointments/?full_time=true").json()["results"]) == 1


@pytest.mark.parametrize(
    "committee, overrides, field",
    [
        ("there", {"full_time": True, "paid_by": "court"}, "full_time"),
        ("there", {"full_time": True}, "paid_by"),
        ("there", {"full_time": True, "paid_by": "unpaid"}, "paid_by"),
        ("foreign", {}, "committee"),
        ("sibling", {}, "committee"),
        ("there", {"post": "boss"}, "post"),
    ],
)
def test_bad_api_appointments_are_field_errors(login, world, unit, committee, overrides, field):
    before = _count()
    response = _post(
        login(world["a"]["county_user"]),
        "/api/v1/appointments/",
        _api_appoint(unit, committee, **overrides),
    )
    assert response.status_code == 400 and field in response.json(), response.content
    assert _count() == before


def test_the_api_ends_a_post_and_refuses_an_end_before_the_start(login, world, unit):
    client = login(world["a"]["county_user"])
    url = f"/api/v1/appointments/{unit['post'].pk}/end/"
    bad = _post(client, url, {"ends_on": "2021-01-01", "exit_reason": "own_request"})
    assert bad.status_code == 400 and "ends_on" in bad.json()
    unit["post"].refresh_from_db()
    assert unit["post"].ends_on is None
    good = _post(client, url, {"ends_on": "2024-01-31", "exit_reason": "own_request"})
    assert good.status_code == 200, good.content
    assert (good.json()["ends_on"], good.json()["exit_reason"]) == ("2024-01-31", "own_request")


def test_the_api_transfers_and_keeps_history(login, world, unit):
    client = login(world["a"]["county_user"])
    url = f"/api/v1/appointments/{unit['post'].pk}/transfer/"
    refused = _post(client, url, {"committee": unit["foreign"].pk, "starts_on": "2024-05-01"})
    assert refused.status_code == 400 and "committee" in refused.json()
    response = _post(client, url, {"committee": unit["there"].pk, "starts_on": "2024-05-01"})
    assert response.status_code == 201, response.content
    assert response.json()["committee"] == unit["there"].pk
    rows = client.get(f"/api/v1/appointments/?mediator={unit['mediator'].pk}").json()["results"]
    assert sorted((r["committee_name"], r["exit_reason"]) for r in rows) == [
        ("本村调委会", "transfer"),
        ("本镇调委会", ""),
    ]


def test_the_api_never_edits_or_deletes_a_post(login, world, unit):
    client = login(world["a"]["county_admin"])
    url = f"/api/v1/appointments/{unit['post'].pk}/"
    assert client.delete(url).status_code == 405
    assert client.patch(url, "{}", content_type="application/json").status_code == 405
    assert _count() == 1


# --- who pays a full-time post -------------------------------------------------

PAYER_ERROR = "专职岗位须写明经费来源（出资方），不能为“无报酬”。"


def test_the_appoint_form_offers_no_payer_in_advance(login, world, unit):
    page = login(world["a"]["county_user"]).get(f"/mediators/{unit['mediator'].pk}/appoint/")
    field = page.context["form"]["paid_by"]
    assert field.value() in (None, "") and field.field.choices[0][0] == ""


@pytest.mark.parametrize("paid_by", ["", "unpaid"])
def test_a_full_time_post_without_a_payer_is_a_field_error(login, world, unit, paid_by):
    client = login(world["a"]["county_user"])
    with all_regions():
        free = MediatorFactory(region=world["a"]["township"])
    errors = _refused(
        client,
        f"/mediators/{free.pk}/appoint/",
        _appoint(unit["there"], full_time="on", paid_by=paid_by),
        "paid_by",
    )
    assert errors == [PAYER_ERROR]
    page = client.post(
        f"/mediators/{free.pk}/appoint/",
        _appoint(unit["there"], full_time="on", paid_by=paid_by),
    )
    # Beside the field, and what was typed is still there.
    assert 'id="id_paid_by_error"' in page.content.decode()
    assert page.context["form"]["full_time"].value() is True


def test_a_part_time_post_may_name_no_payer(login, world, unit):
    client = login(world["a"]["county_user"])
    url = f"/mediators/{unit['mediator'].pk}/appoint/"
    assert client.post(url, _appoint(unit["there"], paid_by="")).status_code == 302
    with all_regions():
        post = Appointment.objects.get(committee=unit["there"])
    assert (post.full_time, post.paid_by) == (False, "")


def _unfunded(unit):
    """A full-time post stored before the rule, as the old default left it."""
    with all_regions():
        Appointment.objects.filter(pk=unit["post"].pk).update(paid_by="unpaid")
        unit["post"].refresh_from_db()
    return unit["post"]


def test_a_stored_post_without_a_payer_is_not_changed_and_may_still_end(login, world, unit):
    post = _unfunded(unit)
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/appointments/{post.pk}/end/",
        {"ends_on": "2024-06-30", "exit_reason": ExitReason.OWN_REQUEST},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.ends_on, post.paid_by) == (datetime.date(2024, 6, 30), "unpaid")


def test_transferring_it_asks_for_the_payer(login, world, unit):
    post = _unfunded(unit)
    client = login(world["a"]["county_user"])
    url = f"/appointments/{post.pk}/transfer/"
    moved = {"committee": unit["there"].code, "starts_on": "2024-05-01"}
    errors = _refused(client, url, moved, "paid_by")
    assert errors == [PAYER_ERROR]
    post.refresh_from_db()
    assert post.ends_on is None  # nothing ended either
    response = client.post(url, {**moved, "paid_by": "township"})
    assert response.status_code == 302
    with all_regions():
        new = Appointment.objects.get(committee=unit["there"])
    assert (new.full_time, new.paid_by) == (True, "township")


def test_the_api_transfer_asks_for_the_payer_too(login, world, unit):
    post = _unfunded(unit)
    client = login(world["a"]["county_user"])
    url = f"/api/v1/appointments/{post.pk}/transfer/"
    bad = _post(client, url, {"committee": unit["there"].pk, "starts_on": "2024-05-01"})
    assert bad.status_code == 400 and bad.json()["paid_by"] == [PAYER_ERROR]
    good = _post(
        client, url, {"committee": unit["there"].pk, "starts_on": "2024-05-01", "paid_by": "court"}
    )
    assert good.status_code == 201 and good.json()["paid_by"] == "court"
