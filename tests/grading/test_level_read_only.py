"""A mediator's level changes only through grading's services: the roster's form,
API and import leave it alone."""

import json

import pytest

from core.tenancy import all_regions
from registry.forms.mediators import MediatorForm
from registry.models import Mediator
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory


@pytest.fixture
def mediator(world):
    with all_regions():
        mediator = MediatorFactory(
            region=world["a"]["township"],
            political_status="masses",
            background="lawyer",
            level=3,
            level_name="三级",
        )
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        AppointmentFactory(mediator=mediator, committee=committee)
        return mediator


def _level(mediator):
    with all_regions():
        return Mediator.objects.values_list("level", "level_name").get(pk=mediator.pk)


def test_the_roster_form_has_no_level_field():
    assert "level" not in MediatorForm.base_fields
    assert "level_name" not in MediatorForm.base_fields


def test_posting_a_level_to_the_edit_page_changes_nothing(login, world, mediator):
    client = login(world["a"]["county_user"])
    data = {
        "name": mediator.name,
        "region": mediator.region_id,
        "id_number": "",
        "phone": "",
        "bank_account": "",
        "gender": mediator.gender,
        "birth_date": mediator.birth_date.isoformat(),
        "education": "college",
        "political_status": "masses",
        "background": "lawyer",
        "status": "active",
        "level": "1",
        "level_name": "一级",
    }
    response = client.post(f"/mediators/{mediator.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert _level(mediator) == (3, "三级")


def test_the_api_shows_the_level_and_ignores_a_written_one(login, world, mediator):
    client = login(world["a"]["county_user"])
    url = f"/api/v1/mediators/{mediator.pk}/"
    assert client.get(url).json()["level"] == 3
    response = client.patch(url, json.dumps({"level": 1}), content_type="application/json")
    assert response.status_code in (200, 400)
    assert _level(mediator) == (3, "三级")
