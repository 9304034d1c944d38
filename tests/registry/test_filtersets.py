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
