import pytest

from core.models import RoleKind
from core.tenancy import all_regions
from tests.factories import (
    BureauFactory,
    JudicialOfficeFactory,
    RegionFactory,
    RoleFactory,
    UserFactory,
)

PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _city(side, city_code, city_name, county_code, county_name, sibling_code, sibling_name):
    province = RegionFactory(code=city_code[:2] + "0" * 10, name="浙江省")
    city = RegionFactory(code=city_code, name=city_name, parent=province)
    county = RegionFactory(code=county_code, name=county_name, parent=city)
    sibling = RegionFactory(code=sibling_code, name=sibling_name, parent=city)
    township = RegionFactory(code=county_code[:6] + "001000", name=f"{side}镇", parent=county)
    village = RegionFactory(code=county_code[:6] + "001001", name=f"{side}村", parent=township)
    city_bureau = BureauFactory(region=city)
    county_bureau = BureauFactory(region=county, parent=city_bureau)
    sibling_bureau = BureauFactory(region=sibling, parent=city_bureau)
    office = JudicialOfficeFactory(region=township, bureau=county_bureau)
    users = {
        "city_user": RoleFactory(
            user=UserFactory(username=f"{side}_city"),
            kind=RoleKind.BUREAU_STAFF,
            bureau=city_bureau,
        ).user,
        "county_user": RoleFactory(
            user=UserFactory(username=f"{side}_county"),
            kind=RoleKind.BUREAU_STAFF,
            bureau=county_bureau,
        ).user,
        "admin_user": RoleFactory(
            user=UserFactory(username=f"{side}_admin"),
            kind=RoleKind.BUREAU_ADMIN,
            bureau=city_bureau,
        ).user,
    }
    clerk_role = RoleFactory(
        user=UserFactory(username=f"{side}_clerk"), kind=RoleKind.OFFICE_CLERK, office=office
    )
    users["clerk_user"] = clerk_role.user
    return {
        "city": city,
        "county": county,
        "sibling": sibling,
        "township": township,
        "village": village,
        "city_bureau": city_bureau,
        "county_bureau": county_bureau,
        "sibling_bureau": sibling_bureau,
        "office": office,
        "clerk_role": clerk_role,
        **users,
    }


@pytest.fixture
def world(db):
    """Two cities, each with a county (and a sibling county), a township, a village,
    a judicial office, and users at city, county, admin and office level.
    Side "a" is 绍兴市 (3306), side "b" is 杭州市 (3301)."""
    with all_regions():
        return {
            "a": _city(
                "a", "330600000000", "绍兴市", "330602000000", "越城区", "330603000000", "柯桥区"
            ),
            "b": _city(
                "b", "330100000000", "杭州市", "330102000000", "上城区", "330105000000", "拱墅区"
            ),
        }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
