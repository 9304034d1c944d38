"""An ID card number is unique across the system. Registering it again answers
"already registered" in the same words wherever the holder is, names no bureau,
committee or person, and leaves an entry on the holder's audit trail (who, when,
never the number). A number typed in other digits is the same number."""

import datetime
import json

import pytest
from auditlog.models import LogEntry

from core.personal import make_id_number
from core.tenancy import all_regions
from registry.models import Mediator
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

NUMBER = make_id_number("330602", datetime.date(1978, 4, 9), 3, "M")
REGISTERED = "已有使用该身份证号码登记的调解员。"
FULL_WIDTH = NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
ARABIC_INDIC = NUMBER.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
# Superscripts where only the check digit's sum reads them: int() used to fail there.
SUPERSCRIPT = (
    NUMBER[:14] + NUMBER[14:17].translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) + NUMBER[17]
)


@pytest.fixture
def holders(world):
    """The same kind of record held in the clerk's own unit and in another city."""
    with all_regions():
        inside = MediatorFactory(region=world["a"]["township"], name="本所甲")
        committee = CommitteeFactory(region=world["b"]["village"], name="外市调委会")
        outside = MediatorFactory(region=world["b"]["township"], name="外市乙")
        AppointmentFactory(mediator=outside, committee=committee)
    return {"inside": inside, "outside": outside}


def _register_on_page(client, world, number):
    return client.post(
        "/mediators/new/",
        {"name": "新人", "region": world["a"]["township"].code, "id_number": number},
    )


def _register_by_api(client, world, number):
    body = {"name": "新人", "region": world["a"]["township"].code, "id_number": number}
    return client.post("/api/v1/mediators/", json.dumps(body), content_type="application/json")


def _refusals(mediator):
    with all_regions():
        return list(LogEntry.objects.get_for_object(mediator).filter(action=LogEntry.Action.ACCESS))


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_the_refusal_reads_the_same_wherever_the_holder_is(login, world, holders, where):
    holder = holders[where]
    client = login(world["a"]["clerk_user"])
    page = _register_on_page(client, world, holder.id_number)
    api = _register_by_api(client, world, holder.id_number)
    assert page.context["form"].errors["id_number"] == [REGISTERED]
    assert api.status_code == 400
    assert api.json() == {"id_number": [REGISTERED]}
    for text in (page.content.decode(), api.content.decode()):
        for revealing in ("外市", "杭州", "上城", holder.name):
            assert revealing not in text


def test_the_attempt_is_on_the_holders_trail_without_the_number(login, world, holders):
    holder = holders["outside"]
    client = login(world["a"]["clerk_user"])
    _register_on_page(client, world, holder.id_number)
    _register_by_api(client, world, holder.id_number)
    entries = _refusals(holder)
    assert len(entries) == 2
    for entry in entries:
        assert entry.actor == world["a"]["clerk_user"]
        assert entry.timestamp is not None
        assert entry.changes_dict == {"registration_refused": ["id_number"]}
        assert holder.id_number not in json.dumps(entry.changes) + str(entry.additional_data)
    # The holder's bureau sees it on the record's page.
    viewer = login(world["b"]["county_user"])
    history = viewer.get(f"/mediators/{holder.pk}/").context["history"]
    shown = {e.id: e for e in history}
    assert {e.pk for e in entries} <= set(shown)
    assert all("身份证号码" in shown[e.pk].summary for e in entries)


@pytest.mark.parametrize("typed", [FULL_WIDTH, ARABIC_INDIC])
def test_a_number_in_other_digits_is_the_same_number(login, world, typed):
    with all_regions():
        holder = MediatorFactory(region=world["b"]["township"], id_number=NUMBER)
    client = login(world["a"]["clerk_user"])
    assert _register_by_api(client, world, typed).json() == {"id_number": [REGISTERED]}
    assert _register_on_page(client, world, typed).context["form"].errors["id_number"] == [
        REGISTERED
    ]
    with all_regions():
        assert Mediator.objects.filter(id_number_digest=holder.id_number_digest).count() == 1


def test_a_number_in_other_digits_is_stored_and_found_in_ascii(login, world):
    client = login(world["a"]["clerk_user"])
    response = _register_by_api(client, world, ARABIC_INDIC)
    assert response.status_code == 201, response.content
    with all_regions():
        assert Mediator.objects.get(pk=response.json()["id"]).id_number == NUMBER
    found = client.get("/api/v1/mediators/", {"id_number": FULL_WIDTH}).json()["results"]
    assert [row["id"] for row in found] == [response.json()["id"]]


def test_superscript_digits_are_refused_not_a_crash(login, world):
    client = login(world["a"]["clerk_user"])
    api = _register_by_api(client, world, SUPERSCRIPT)
    assert api.status_code == 400
    assert api.json()["id_number"]
    page = _register_on_page(client, world, SUPERSCRIPT)
    assert page.status_code == 200
    assert page.context["form"].errors["id_number"]
    # Looking a mediator up by such a number finds nobody.
    assert client.get("/api/v1/mediators/", {"id_number": SUPERSCRIPT}).json()["results"] == []
    assert client.get("/api/v1/mediators/", {"phone": "¹³⁸⁰⁰¹³⁸⁰⁰⁰"}).status_code == 200
