"""Committee pages: list with member counts, record with terms and members, create,
edit, deregister. Nothing is ever deleted."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import get_resolver

from core.tenancy import all_regions
from registry.models import (
    Appointment,
    Committee,
    CommitteeStatus,
    CommitteeTerm,
    CommitteeType,
    ExitReason,
)
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

TODAY = datetime.date.today()


@pytest.fixture
def committee(world):
    with all_regions():
        return CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])


def _members(committee, full_time, part_time, ended=0):
    with all_regions():
        for n in range(full_time + part_time + ended):
            gone = n >= full_time + part_time
            AppointmentFactory(
                mediator=MediatorFactory(region=committee.region),
                committee=committee,
                full_time=n < full_time,
                ends_on=TODAY - datetime.timedelta(days=1) if gone else None,
                exit_reason=ExitReason.HEALTH if gone else "",
            )


def _names(response):
    assert response.status_code == 200
    return [c.name for c in response.context["object_list"]]


def _form(world, **overrides):
    data = {
        "code": "YC-V-0100",
        "name": "新村人民调解委员会",
        "kind": CommitteeType.VILLAGE,
        # The cascade as a browser posts it: county, township, village.
        "region-county": world["a"]["county"].code,
        "region-township": world["a"]["township"].code,
        "region-village": world["a"]["village"].code,
        "office": world["a"]["office"].name,
        "address": "新村路1号",
        "phone": "0575-88001234",
        "founded_on": "2016-05-01",
        "filing_status": "unfiled",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _committee_count():
    with all_regions():
        return Committee.objects.count()


def test_the_list_shows_type_region_office_filing_and_member_counts(login, world, committee):
    _members(committee, full_time=2, part_time=3, ended=1)
    response = login(world["a"]["county_user"]).get("/committees/")
    row = response.context["object_list"][0]
    assert (row.full_time_count, row.member_count) == (2, 5)
    body = response.content.decode()
    for text in (committee.name, world["a"]["office"].name, world["a"]["village"].name):
        assert text in body
    assert committee.get_kind_display() in body and committee.get_filing_status_display() in body


def test_the_list_filters_by_type_text_region_and_filing_and_sorts(login, world):
    with all_regions():
        CommitteeFactory(code="YC-A", name="甲村调委会", region=world["a"]["village"])
        CommitteeFactory(
            code="YC-B",
            name="乙镇调委会",
            kind=CommitteeType.TOWNSHIP,
            region=world["a"]["township"],
            filing_status="filed",
            filed_on=datetime.date(2020, 1, 1),
        )
    client = login(world["a"]["county_user"])
    assert _names(client.get("/committees/?kind=township")) == ["乙镇调委会"]
    assert _names(client.get("/committees/?q=甲村")) == ["甲村调委会"]
    assert _names(client.get("/committees/?q=yc-b")) == ["乙镇调委会"]
    assert _names(client.get("/committees/?filing_status=filed")) == ["乙镇调委会"]
    assert _names(client.get(f"/committees/?region={world['a']['village'].code}")) == ["甲村调委会"]
    assert _names(client.get("/committees/?sort=-code")) == ["乙镇调委会", "甲村调委会"]
    assert _names(client.get("/committees/?sort=type")) == ["乙镇调委会", "甲村调委会"]


def test_the_list_paginates(login, world):
    with all_regions():
        CommitteeFactory.create_batch(51, region=world["a"]["village"])
    client = login(world["a"]["county_user"])
    assert len(client.get("/committees/").context["object_list"]) == 50
    assert len(client.get("/committees/?page=2").context["object_list"]) == 1


def test_sort_links_keep_the_filters(login, world, committee):
    body = login(world["a"]["county_user"]).get("/committees/?kind=village").content.decode()
    assert "?kind=village&amp;sort=name" in body


def test_the_record_shows_terms_current_and_past_members_and_history(login, world, committee):
    _members(committee, full_time=1, part_time=0, ended=1)
    with all_regions():
        CommitteeTerm.objects.create(
            committee=committee,
            number=1,
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            region=committee.region,
        )
        current, past = (
            Appointment.objects.filter(committee=committee, ends_on__isnull=True).get(),
            Appointment.objects.filter(committee=committee, ends_on__isnull=False).get(),
        )
    response = login(world["a"]["county_user"]).get(f"/committees/{committee.pk}/")
    assert response.status_code == 200
    assert list(response.context["current_posts"]) == [current]
    assert list(response.context["past_posts"]) == [past]
    assert [t.number for t in response.context["terms"]] == [1]
    assert response.context["history"]  # the creation is in the audit trail
    body = response.content.decode()
    assert current.mediator.name in body and past.mediator.name in body
    assert past.get_exit_reason_display() in body


def test_a_committee_is_created_with_its_region_chosen_in_the_cascade(login, world):
    response = login(world["a"]["county_user"]).post("/committees/new/", _form(world))
    with all_regions():
        committee = Committee.objects.get(code="YC-V-0100")
    assert response.status_code == 302 and response["Location"] == f"/committees/{committee.pk}/"
    assert committee.region == world["a"]["village"]
    assert committee.office == world["a"]["office"]
    assert committee.status == CommitteeStatus.ACTIVE


def test_a_committee_region_may_be_typed_by_name_without_javascript(login, world):
    data = {**_form(world), "region-village": "", "region": "a村"}
    response = login(world["a"]["county_user"]).post("/committees/new/", data)
    assert response.status_code == 302
    with all_regions():
        assert Committee.objects.get(code="YC-V-0100").region == world["a"]["village"]


def _refused(client, url, data, field):
    before = _committee_count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert _committee_count() == before
    assert f'data-field="{field}"' in response.content.decode()  # shown beside the field
    return response.context["form"].errors[field]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"region": "330102001001"}, "region"),  # a village of the other city
        ({"region": "12345"}, "region"),  # not a division code
        ({"region": "b村"}, "region"),  # a village of the other city, by name
        ({"region": "330603001001"}, "region"),  # the sibling county, for a county user
        ({"kind": CommitteeType.TOWNSHIP}, "region"),  # a township committee in a village
        ({"kind": CommitteeType.INDUSTRY}, "industry_field"),
        ({"kind": CommitteeType.DISPATCHED}, "host_institution"),
        ({"kind": CommitteeType.NAMED}, "namesake"),
        ({"filing_status": "filed"}, "filed_on"),
        ({"phone": "12345"}, "phone"),
        ({"code": "no spaces allowed"}, "code"),
        ({"founded_on": "2999-01-01"}, "founded_on"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_committee_input_is_a_field_error_and_writes_nothing(login, world, overrides, field):
    _refused(login(world["a"]["county_user"]), "/committees/new/", _form(world, **overrides), field)


def test_a_code_registered_in_another_bureau_is_refused(login, world):
    with all_regions():
        CommitteeFactory(code="YC-V-0100", region=world["b"]["village"])
    _refused(login(world["a"]["county_user"]), "/committees/new/", _form(world), "code")


def test_a_clerk_registers_committees_of_their_own_township_only(login, world):
    client = login(world["a"]["clerk_user"])
    _refused(client, "/committees/new/", _form(world, region="330602002001"), "region")
    assert client.post("/committees/new/", _form(world)).status_code == 302


def test_a_read_only_role_cannot_open_the_forms(login, world, committee):
    client = login(world["a"]["finance_user"])
    assert client.get("/committees/").status_code == 200
    for url in (
        "/committees/new/",
        f"/committees/{committee.pk}/edit/",
        f"/committees/{committee.pk}/deregister/",
        f"/committees/{committee.pk}/terms/new/",
    ):
        assert client.get(url).status_code == 403, url


def test_editing_is_audited_and_shown_in_the_history(login, world, committee):
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/committees/{committee.pk}/edit/",
        _form(world, code=committee.code, name="改名村人民调解委员会"),
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.name == "改名村人民调解委员会"
    page = client.get(f"/committees/{committee.pk}/")
    assert any(
        (c.field, c.new_display) == ("name", "改名村人民调解委员会")
        for entry in page.context["history"]
        for c in entry.changes
    )


def test_editing_keeps_its_own_code(login, world, committee):
    client = login(world["a"]["county_user"])
    response = client.post(f"/committees/{committee.pk}/edit/", _form(world, code=committee.code))
    assert response.status_code == 302


def test_deregistering_ends_open_posts_and_drops_the_committee_from_active_lists(
    login, world, committee
):
    _members(committee, full_time=1, part_time=1)
    client = login(world["a"]["county_user"])
    assert client.get(f"/committees/{committee.pk}/deregister/").status_code == 200
    response = client.post(
        f"/committees/{committee.pk}/deregister/",
        {"deregistered_on": TODAY.isoformat(), "deregistration_reason": "长期不开展工作"},
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.DEREGISTERED
    assert committee.deregistered_on == TODAY
    with all_regions():
        reasons = set(committee.appointments.values_list("exit_reason", flat=True))
    assert reasons == {ExitReason.COMMITTEE_DEREGISTERED}
    assert _names(client.get("/committees/")) == []
    assert _names(client.get("/committees/?status=deregistered")) == [committee.name]
    detail = client.get(f"/committees/{committee.pk}/")
    assert detail.status_code == 200 and "长期不开展工作" in detail.content.decode()


def test_deregistering_needs_a_reason_and_happens_once(login, world, committee):
    client = login(world["a"]["county_user"])
    url = f"/committees/{committee.pk}/deregister/"
    response = client.post(url, {"deregistered_on": TODAY.isoformat(), "deregistration_reason": ""})
    assert "deregistration_reason" in response.context["form"].errors
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.ACTIVE
    data = {"deregistered_on": TODAY.isoformat(), "deregistration_reason": "撤并"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200 and again.context["form"].non_field_errors()


def test_terms_are_numbered_and_last_the_bureaus_term_length(login, world, committee):
    client = login(world["a"]["county_user"])
    url = f"/committees/{committee.pk}/terms/new/"
    assert client.post(url, {"starts_on": "2021-01-01"}).status_code == 302
    assert client.post(url, {"starts_on": "2024-01-01", "ends_on": "2026-06-30"}).status_code == 302
    with all_regions():
        terms = list(committee.terms.order_by("number").values_list("number", "ends_on"))
    assert terms == [(1, datetime.date(2023, 12, 31)), (2, datetime.date(2026, 6, 30))]


def test_a_term_ending_before_it_starts_is_a_field_error(login, world, committee):
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/committees/{committee.pk}/terms/new/",
        {"starts_on": "2024-01-01", "ends_on": "2023-01-01"},
    )
    assert "ends_on" in response.context["form"].errors
    with all_regions():
        assert not committee.terms.exists()


def test_nothing_is_ever_deleted_through_the_pages(login, world, committee):
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [name for name in names if "delete" in name]
    client = login(world["a"]["county_admin"])
    client.post(f"/committees/{committee.pk}/edit/", {"delete": "1"})
    assert _committee_count() == 1
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE).count() == 0
