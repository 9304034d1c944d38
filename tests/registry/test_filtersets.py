from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory


def test_record_filters_are_pickers_not_a_dropdown_of_every_row(login, world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], name="枫桥调委会")
        CommitteeFactory(region=world["a"]["village"], name="无人调委会")
        member = MediatorFactory(region=world["a"]["township"], name="甲")
        MediatorFactory(region=world["a"]["township"], name="乙")
        AppointmentFactory(mediator=member, committee=committee)
    client = login(world["a"]["county_user"])
    page = client.get("/mediators/").content.decode()
    assert "无人调委会" not in page  # no option per committee
    assert 'name="committee"' in page and 'data-picker="/pick/committee/"' in page
    filtered = client.get("/mediators/", {"committee": "枫桥调委会"})
    assert [m.name for m in filtered.context["object_list"]] == ["甲"]
    leave = client.get("/leave/").content.decode()
    assert 'data-picker="/pick/mediator/"' in leave and "乙" not in leave


def test_the_level_filter_offers_the_bureaus_level_names(login, world):
    """Levels are ranks named by the bureau's ``grading_levels``: the roster's filter
    offers those names, not fixed "Level 1..4" labels, and filters by rank."""
    from core.services import set_policy

    with all_regions():
        set_policy(world["a"]["city_bureau"], "grading_levels", ["特级", "一级", "二级", "三级"])
        MediatorFactory(region=world["a"]["township"], name="甲", level=1, level_name="特级")
        MediatorFactory(region=world["a"]["township"], name="乙", level=2, level_name="一级")
    client = login(world["a"]["county_user"])  # the county inherits the city's names
    page = client.get("/mediators/").content.decode()
    select = page[page.index('name="level"') :]
    select = select[: select.index("</select>")]
    assert "特级" in select and "四级" not in select and "Level" not in select
    filtered = client.get("/mediators/", {"level": "1"})
    assert [m.name for m in filtered.context["object_list"]] == ["甲"]
