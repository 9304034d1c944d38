"""Personal numbers: ciphertext at rest, masked on every page and API response, and
revealed one at a time to a role that may see them, with an audit entry."""

import datetime
import importlib
import json
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.db import connection

from core.models import Role, RoleKind
from core.personal import make_id_number, mask_id_number, mask_phone
from core.tenancy import all_regions
from registry.models import Mediator
from tests.factories import MediatorFactory, UserFactory


@pytest.fixture
def mediator(world):
    with all_regions():
        return MediatorFactory(region=world["a"]["township"], bank_account="6222021234567890123")


@pytest.fixture
def auditor(world):
    with all_regions():
        role = Role.objects.create(
            user=UserFactory(username="a_auditor"),
            kind=RoleKind.AUDITOR,
            bureau=world["a"]["county_bureau"],
        )
    return role.user


def _accesses(mediator):
    return LogEntry.objects.get_for_object(mediator).filter(action=LogEntry.Action.ACCESS)


def _raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, bank_account, id_number_digest, phone_digest "
            "FROM registry_mediator WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_a_row_registered_through_the_page_holds_ciphertext(login, world):
    number = make_id_number("330602", datetime.date(1970, 1, 2), 5, "M")
    response = login(world["a"]["county_user"]).post(
        "/mediators/new/",
        {
            "name": "赵强",
            "region": world["a"]["township"].code,
            "id_number": number,
            "phone": "13912345678",
            "bank_account": "6228480402564890018",
            "status": "active",
        },
    )
    assert response.status_code == 302
    with all_regions():
        pk = Mediator.objects.get().pk
    row = _raw_row(pk)
    for clear, stored in zip((number, "13912345678", "6228480402564890018"), row[:3], strict=True):
        assert clear not in stored and stored.startswith("gAAAAA")
    assert number not in row[3] and "13912345678" not in row[4]


def test_the_masked_forms_are_stored_with_the_numbers_and_follow_them(world, mediator):
    with all_regions():
        stored = Mediator.objects.values(
            "id_number_masked", "phone_masked", "bank_account_masked"
        ).get(pk=mediator.pk)
        assert stored == {
            "id_number_masked": mask_id_number(mediator.id_number),
            "phone_masked": mask_phone(mediator.phone),
            "bank_account_masked": "**** 0123",
        }
        mediator.phone, mediator.bank_account = "0575-88123456", ""
        mediator.save()
        mediator.refresh_from_db()
    assert (mediator.phone_masked, mediator.bank_account_masked) == (
        mask_phone("0575-88123456"),
        "",
    )
    # Nothing of the masked forms goes to the audit trail, which masks the numbers.
    entry = LogEntry.objects.get_for_object(mediator).latest("pk")
    assert entry.changes_dict.keys() == {"phone", "bank_account"}


def test_the_migration_masks_the_numbers_stored_before_it(world, mediator):
    from django.apps import apps

    migration = importlib.import_module("registry.migrations.0008_masked_numbers")
    with all_regions():
        Mediator.objects.update(id_number_masked="", phone_masked="", bank_account_masked="")
        migration.mask_stored_numbers(apps, SimpleNamespace(connection=connection))
        again = Mediator.objects.get(pk=mediator.pk)
    assert again.id_number_masked == mask_id_number(mediator.id_number)
    assert again.phone_masked == mask_phone(mediator.phone)
    assert again.bank_account_masked == "**** 0123"


def test_reveal_shows_the_number_and_is_audited(login, world, mediator):
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/mediators/{mediator.pk}/reveal/", {"field": "id_number"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert mediator.id_number in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment for htmx to swap in
    entry = _accesses(mediator).get()
    assert entry.actor == world["a"]["county_user"]
    assert entry.changes_dict == {"revealed": ["id_number"]}
    # The audit shows on the record page, without the number.
    page = client.get(f"/mediators/{mediator.pk}/").content.decode()
    assert mediator.id_number not in page


def test_reveal_without_htmx_is_a_whole_page(login, world, mediator):
    response = login(world["a"]["county_user"]).post(
        f"/mediators/{mediator.pk}/reveal/", {"field": "phone"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert mediator.phone in body and "<html" in body


def test_hiding_again_shows_the_masked_numbers(login, world, mediator):
    body = (
        login(world["a"]["county_user"]).get(f"/mediators/{mediator.pk}/reveal/").content.decode()
    )
    assert mediator.id_number_masked in body and mediator.id_number not in body
    assert not _accesses(mediator).exists()


@pytest.mark.parametrize(
    "user_key, field",
    [("finance_user", "id_number"), ("finance_user", "phone"), ("clerk_user", "bank_account")],
)
def test_reveal_is_refused_for_a_role_without_the_right(login, world, mediator, user_key, field):
    response = login(world["a"][user_key]).post(
        f"/mediators/{mediator.pk}/reveal/", {"field": field}
    )
    assert response.status_code == 403
    assert getattr(mediator, field) not in response.content.decode()
    assert not _accesses(mediator).exists()


def test_finance_may_reveal_the_bank_account_though_it_writes_nothing(login, world, mediator):
    response = login(world["a"]["finance_user"]).post(
        f"/mediators/{mediator.pk}/reveal/", {"field": "bank_account"}
    )
    assert response.status_code == 200 and mediator.bank_account in response.content.decode()
    assert _accesses(mediator).count() == 1


def test_an_unknown_field_is_refused(login, world, mediator):
    response = login(world["a"]["county_user"]).post(
        f"/mediators/{mediator.pk}/reveal/", {"field": "name"}
    )
    assert response.status_code == 400
    assert not _accesses(mediator).exists()


def test_a_mediator_of_another_unit_cannot_be_revealed(login, world, mediator):
    response = login(world["b"]["county_user"]).post(
        f"/mediators/{mediator.pk}/reveal/", {"field": "id_number"}
    )
    assert response.status_code == 404
    assert not _accesses(mediator).exists()


def _api_reveal(client, mediator, field):
    return client.post(
        f"/api/v1/mediators/{mediator.pk}/reveal/",
        json.dumps({"field": field}),
        content_type="application/json",
    )


def test_the_api_reveals_one_number_and_audits_it(login, world, mediator):
    response = _api_reveal(login(world["a"]["county_user"]), mediator, "phone")
    assert response.status_code == 200
    assert response.json() == {"value": mediator.phone}
    assert _accesses(mediator).get().changes_dict == {"revealed": ["phone"]}


def test_the_api_refuses_a_reveal_with_403_and_logs_nothing(login, world, mediator, auditor):
    for user, field in ((auditor, "id_number"), (world["a"]["finance_user"], "phone")):
        response = _api_reveal(login(user), mediator, field)
        assert response.status_code == 403
        assert getattr(mediator, field) not in response.content.decode()
    assert not _accesses(mediator).exists()
    assert (
        _api_reveal(login(world["a"]["finance_user"]), mediator, "bank_account").status_code == 200
    )


def test_the_api_refuses_an_unknown_field(login, world, mediator):
    response = _api_reveal(login(world["a"]["county_user"]), mediator, "name")
    assert response.status_code == 400 and "field" in response.json()


def test_an_auditor_sees_masked_numbers_and_no_show_buttons(login, world, mediator, auditor):
    body = login(auditor).get(f"/mediators/{mediator.pk}/").content.decode()
    assert mediator.id_number_masked in body
    assert 'name="field"' not in body
    for number in (mediator.id_number, mediator.phone, mediator.bank_account):
        assert number not in body
