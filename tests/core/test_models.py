import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Bureau, BureauLevel, JudicialOffice, Region, Role, RoleKind
from core.tenancy import all_regions


def test_a_county_bureau_under_the_wrong_city_is_rejected(world):
    with all_regions():
        bureau = Bureau(
            region=world["a"]["county"],
            name="x",
            level=BureauLevel.COUNTY,
            parent=world["b"]["city_bureau"],
        )
        with pytest.raises(ValidationError) as exc:
            bureau.full_clean(validate_unique=False)
    assert "parent" in exc.value.message_dict


def test_a_bureau_must_govern_a_region_of_its_level(world):
    with all_regions():
        bureau = Bureau(
            region=world["a"]["township"],
            name="x",
            level=BureauLevel.COUNTY,
            parent=world["a"]["city_bureau"],
        )
        with pytest.raises(ValidationError) as exc:
            bureau.full_clean(validate_unique=False)
    assert "region" in exc.value.message_dict


def test_an_office_outside_its_bureau_is_rejected(world):
    with all_regions():
        office = JudicialOffice(
            region=world["b"]["township"], bureau=world["a"]["county_bureau"], name="x"
        )
        with pytest.raises(ValidationError) as exc:
            office.full_clean(validate_unique=False)
    assert "region" in exc.value.message_dict


def test_a_role_bound_to_nothing_is_rejected_by_validation_and_by_the_database(world):
    user = world["a"]["city_user"]
    role = Role(user=user, kind=RoleKind.BUREAU_STAFF)
    with pytest.raises(ValidationError):
        role.clean()
    with all_regions(), pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.bulk_create(
            [Role(user=user, kind=RoleKind.BUREAU_STAFF, region=world["a"]["city"])]
        )


def test_an_office_clerk_is_bound_to_an_office(world):
    role = Role(
        user=world["a"]["city_user"], kind=RoleKind.OFFICE_CLERK, bureau=world["a"]["county_bureau"]
    )
    with pytest.raises(ValidationError) as exc:
        role.clean()
    assert "office" in exc.value.message_dict


def test_a_malformed_region_code_is_rejected(world):
    region = Region(code="33060200100X", name="x", parent=world["a"]["county"])
    with all_regions(), pytest.raises(ValidationError) as exc:
        region.full_clean()
    assert "code" in exc.value.message_dict


def test_a_role_stores_the_region_of_its_unit(world):
    with all_regions():
        role = Role.objects.get(user=world["a"]["clerk_user"])
    assert role.region == world["a"]["township"]
    assert role.jurisdiction_prefix == "330602001"


def test_the_widest_role_wins_by_default(world):
    user = world["a"]["county_user"]
    with all_regions():
        Role.objects.create(user=user, kind=RoleKind.AUDITOR, bureau=world["a"]["city_bureau"])
        roles = list(Role.objects.filter(user=user).select_related("region"))
    assert Role.widest(roles).kind == RoleKind.AUDITOR
