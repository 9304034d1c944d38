"""Term warnings end to end: the daily beat job raises a warning for a term ending
within the bureau's warning period, once; registering the next term settles it; the
warning list and the dashboard show the open ones."""

import datetime

import pytest
from django.conf import settings

from core import services as core_services
from core.tenancy import all_regions
from registry import services
from registry.models import TermWarning
from registry.tasks import warn_expiring_terms
from tests.factories import CommitteeFactory

TODAY = datetime.date.today()


def _committee(unit, ends_in_days, **extra):
    """A committee whose current term ends *ends_in_days* from today."""
    with all_regions():
        committee = CommitteeFactory(region=unit["village"], office=unit["office"], **extra)
        services.add_term(
            committee,
            starts_on=TODAY - datetime.timedelta(days=1000),
            ends_on=TODAY + datetime.timedelta(days=ends_in_days),
        )
    return committee


def _open():
    with all_regions():
        return sorted(
            w.term.committee.name
            for w in TermWarning.objects.filter(resolved_at__isnull=True).select_related(
                "term__committee"
            )
        )


def _counter(client):
    from tests.dashboard import dashboard_items

    return dashboard_items(client.get("/"))["term_warnings"]["value"]


def test_the_job_is_scheduled_daily():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == warn_expiring_terms.name
    )
    assert entry["schedule"].hour == {6}


def test_a_term_ending_within_60_days_is_warned_once(world):
    soon = _committee(world["a"], 30, name="将到期调委会")
    _committee(world["a"], 90, name="未到期调委会")
    assert warn_expiring_terms.delay().get() == 1
    assert _open() == [soon.name]
    assert warn_expiring_terms.delay().get() == 0  # idempotent
    assert _open() == [soon.name]


def test_the_60th_day_is_inside_and_the_61st_outside(world):
    edge = _committee(world["a"], 60, name="第60天")
    _committee(world["a"], 61, name="第61天")
    warn_expiring_terms.delay()
    assert _open() == [edge.name]


@pytest.mark.parametrize(
    "bureau, days, warned", [("county_bureau", 100, 2), ("city_bureau", 20, 0)]
)
def test_a_bureau_override_changes_the_period(world, bureau, days, warned):
    with all_regions():
        core_services.set_policy(world["a"][bureau], "term_warning_days", days)
    _committee(world["a"], 30)
    _committee(world["a"], 90)
    assert warn_expiring_terms.delay().get() == warned


def test_a_city_rule_reaches_its_counties_but_not_another_city(world):
    with all_regions():
        core_services.set_policy(world["a"]["city_bureau"], "term_warning_days", 100)
    _committee(world["a2"], 90, name="柯桥")
    _committee(world["b"], 90, name="上城")
    warn_expiring_terms.delay()
    assert _open() == ["柯桥"]


def test_no_warning_when_the_next_term_is_registered(world):
    committee = _committee(world["a"], 30)
    with all_regions():
        services.add_term(committee, starts_on=TODAY + datetime.timedelta(days=31))
    assert warn_expiring_terms.delay().get() == 0
    assert _open() == []


def test_registering_the_next_term_settles_the_warning(world):
    committee = _committee(world["a"], 30)
    warn_expiring_terms.delay()
    with all_regions():
        services.add_term(committee, starts_on=TODAY + datetime.timedelta(days=31))
    assert _open() == []
    assert warn_expiring_terms.delay().get() == 0


def test_a_deregistered_committee_is_not_warned(world):
    committee = _committee(world["a"], 30)
    with all_regions():
        services.deregister_committee(committee, on=TODAY, reason="撤并")
    assert warn_expiring_terms.delay().get() == 0


def test_the_list_shows_open_warnings_with_days_left(login, world):
    soon = _committee(world["a"], 10, name="十天调委会")
    later = _committee(world["a2"], 45, name="柯桥调委会")
    settled = _committee(world["a"], 20, name="已换届调委会")
    warn_expiring_terms.delay()
    with all_regions():
        services.add_term(settled, starts_on=TODAY + datetime.timedelta(days=21))
    city = login(world["a"]["city_user"]).get("/term-warnings/")
    assert city.status_code == 200
    rows = [(w.term.committee.name, w.days_left) for w in city.context["object_list"]]
    assert rows == [(soon.name, 10), (later.name, 45)]
    body = city.content.decode()
    assert f'href="/committees/{soon.pk}/"' in body
    county = login(world["a"]["county_user"]).get("/term-warnings/")
    assert [w.term.committee.name for w in county.context["object_list"]] == [soon.name]
    other_city = login(world["b"]["county_user"]).get("/term-warnings/")
    assert list(other_city.context["object_list"]) == []


def test_the_list_filters_by_committee_name(login, world):
    _committee(world["a"], 10, name="东村调委会")
    _committee(world["a"], 12, name="西村调委会")
    warn_expiring_terms.delay()
    response = login(world["a"]["county_user"]).get("/term-warnings/", {"q": "西村"})
    assert [w.term.committee.name for w in response.context["object_list"]] == ["西村调委会"]


def test_the_dashboard_counts_open_warnings_and_links_the_list(login, world):
    _committee(world["a"], 10)
    _committee(world["a2"], 10)
    _committee(world["b"], 10)
    client = login(world["a"]["county_user"])
    assert _counter(client) == 0
    warn_expiring_terms.delay()
    assert _counter(client) == 1
    assert _counter(login(world["a"]["city_user"])) == 2
    assert 'href="/term-warnings/"' in client.get("/").content.decode()
