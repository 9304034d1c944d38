"""The public grading notice and its objection form: name, committee and level only,
the same protections as a public complaint (CSRF, proof-of-work, rate limits), and a
clear Chinese refusal after the notice period or for a round not in notice."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client

from complaints import pow
from core.tenancy import all_regions
from grading.models import Application, Objection, RoundStatus
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_round

TODAY = datetime.date.today()


@pytest.fixture
def notice(world, settings):
    settings.COMPLAINT_POW_BITS = 4
    cache.clear()  # the rate limits' counters
    bureau = world["a"]["county_bureau"]
    round_ = make_round(bureau)
    with all_regions():
        mediator = MediatorFactory(region=world["a"]["township"], name="钱公正")
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        post = AppointmentFactory(mediator=mediator, committee=committee)
        application = Application.objects.create(
            round=round_, mediator=mediator, rank=4, source="applied", status="approved"
        )
    return {"round": round_, "application": application, "post": post, "bureau": bureau}


def _url(notice, tail=""):
    return f"/public/{notice['bureau'].region_id}/grading/{notice['round'].pk}/{tail}"


def _objection_data(client, notice, **overrides):
    page = client.get(_url(notice, "objection/"), {"application": notice["application"].pk})
    challenge = page.context["pow_challenge"]
    data = {
        "pow_challenge": challenge,
        "pow_counter": pow.solve(challenge),
        "application": str(notice["application"].pk),
        "text": "该调解员多次无故缺席调解。",
        "name": "",
        "phone": "13900001111",
    }
    return {**data, **overrides}


def test_the_notice_shows_name_committee_and_level_only(client, notice):
    body = client.get(_url(notice)).content.decode()
    mediator = notice["application"].mediator
    assert "钱公正" in body and notice["post"].committee.name in body and "四级" in body
    with all_regions():
        mediator.refresh_from_db()
    assert mediator.id_number not in body and mediator.phone not in body
    listing = client.get(f"/public/{notice['bureau'].region_id}/grading/").content.decode()
    assert notice["round"].name in listing


def test_an_objection_is_filed_with_proof_of_work(client, notice):
    response = client.post(_url(notice, "objection/"), _objection_data(client, notice))
    assert response.status_code == 303
    assert "钱公正" in client.get(response["Location"]).content.decode()
    with all_regions():
        objection = Objection.objects.get()
    assert objection.application == notice["application"] and objection.status == "open"


def test_an_objection_without_the_work_or_csrf_is_refused(notice):
    client = Client(enforce_csrf_checks=True)
    data = _objection_data(client, notice)
    assert client.post(_url(notice, "objection/"), data).status_code == 403  # no CSRF token
    client = Client()
    data = _objection_data(client, notice, pow_counter="")
    response = client.post(_url(notice, "objection/"), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    with all_regions():
        assert not Objection.objects.exists()


def test_objections_are_rate_limited(client, notice, settings):
    settings.COMPLAINT_RATE_PER_IP = "1/h"
    assert (
        client.post(_url(notice, "objection/"), _objection_data(client, notice)).status_code == 303
    )
    response = client.post(_url(notice, "objection/"), _objection_data(client, notice))
    assert response.status_code == 429
    with all_regions():
        assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {
            "notice_starts_on": TODAY - datetime.timedelta(days=20),
            "notice_ends_on": TODAY - datetime.timedelta(days=10),
        },
        {"status": RoundStatus.PANEL},
    ],
    ids=["after the period", "not in notice"],
)
def test_an_objection_outside_the_notice_is_a_clear_error(client, notice, change):
    data = _objection_data(client, notice)
    with all_regions():
        type(notice["round"]).objects.filter(pk=notice["round"].pk).update(**change)
    page = client.get(_url(notice, "objection/")).content.decode()
    assert "异议" in page and "公示" in page
    response = client.post(_url(notice, "objection/"), data)
    errors = " ".join(response.context["form"].non_field_errors())
    assert "公示" in errors or "异议" in errors, errors
    with all_regions():
        assert not Objection.objects.exists()
    assert client.get(_url(notice)).status_code == 404


def test_unknown_rounds_and_bureaus_are_404(client, notice, world):
    other = make_round(world["b"]["county_bureau"])
    assert (
        client.get(f"/public/{notice['bureau'].region_id}/grading/{other.pk}/").status_code == 404
    )
    assert client.get("/public/330699000000/grading/").status_code == 404
