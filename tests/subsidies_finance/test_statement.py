"""A mediator's monthly statement: the month's lines per payer with their amounts and
rule version, the cases counted, and the cases mediated that month that were not,
each with why; printable; a constant number of queries."""

import datetime

from core.tenancy import all_regions
from subsidies import settle, statements
from tests.factories import make_case
from tests.subsidies_factories import (
    MONTH,
    close_case,
    counted_case,
    make_version,
    review,
    unit_setup,
)


def _month(world):
    unit = world["a"]
    make_version(unit["county_bureau"])
    committee, mediator = unit_setup(world, "a")
    user = unit["county_user"]
    counted = counted_case(committee, mediator, user)
    with all_regions():
        unreviewed = make_case(committee, mediator)
        rejected = make_case(committee, mediator)
    close_case(unreviewed)
    close_case(rejected)
    review(rejected, user, decision="rejected")
    with all_regions():
        settlement = settle.settle_month(unit["county_bureau"], MONTH, user)
    return {
        "mediator": mediator,
        "settlement": settlement,
        "counted": counted,
        "unreviewed": unreviewed,
        "rejected": rejected,
    }


def test_the_statement_shows_what_was_counted_and_why_the_rest_was_not(login, world):
    found = _month(world)
    client = login(world["a"]["county_user"])
    url = f"/subsidies/mediators/{found['mediator'].pk}/statement/"
    page = client.get(url, {"month": "2025-03"}).content.decode()
    assert 'data-testid="statement"' in page
    with all_regions():
        line = found["settlement"].lines.get()
    assert f"¥{line.total:,.2f}" in page
    assert found["settlement"].rule_version.name in page
    assert found["counted"].number in page
    not_counted = page[page.index('data-testid="not-counted"') :]
    assert found["unreviewed"].number in not_counted
    assert found["rejected"].number in not_counted
    assert "尚未确定" in page  # the settlement is a draft
    assert "statement.css" in page and "statement.js" in page


def test_the_statement_reasons_come_from_the_settlement_rules(world):
    found = _month(world)
    with all_regions():
        statement = statements.statement(found["mediator"], MONTH)
    reasons = {item.case.pk: item.reason for item in statement.not_counted}
    assert set(reasons) == {found["unreviewed"].pk, found["rejected"].pk}
    assert all(reasons.values())
    assert statement.totals["cases"] == 1
    assert not statement.final


def test_a_case_counted_in_another_month_says_which(world):
    found = _month(world)
    with all_regions():
        statement = statements.statement(found["mediator"], MONTH)
        # Reviewed late: counted in April's settlement, closed in March.
        review(found["unreviewed"], world["a"]["county_user"])
        settle.settle_month(
            world["a"]["county_bureau"], datetime.date(2025, 4, 1), world["a"]["county_user"]
        )
        statement = statements.statement(found["mediator"], MONTH)
    reasons = {item.case.pk: item.reason for item in statement.not_counted}
    assert "2025-04" in reasons[found["unreviewed"].pk]


def test_without_a_month_the_page_lists_the_months_and_refuses_a_bad_one(login, world):
    found = _month(world)
    client = login(world["a"]["county_user"])
    url = f"/subsidies/mediators/{found['mediator'].pk}/statement/"
    page = client.get(url).content.decode()
    assert "?month=2025-03" in page
    assert 'data-testid="statement"' not in page
    bad = client.get(url, {"month": "2025-13"})
    assert bad.status_code == 200
    assert bad.context["month_form"].errors["month"]
    assert 'data-testid="statement"' not in bad.content.decode()


def test_the_statement_runs_a_constant_number_of_queries(
    login, world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = _month(world)
    client = login(world["a"]["county_user"])
    url = f"/subsidies/mediators/{found['mediator'].pk}/statement/?month=2025-03"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    committee = found["counted"].committee
    for _n in range(5):
        counted_case(committee, found["mediator"], world["a"]["county_user"])
        with all_regions():
            close_case(make_case(committee, found["mediator"]))
    with all_regions():
        settle.compute(found["settlement"])
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_settlement_and_its_lines_link_the_workbook_and_the_statement(login, world):
    found = _month(world)
    client = login(world["a"]["county_user"])
    settlement = found["settlement"]
    page = client.get(f"/subsidies/settlements/{settlement.pk}/").content.decode()
    assert f"/subsidies/settlements/{settlement.pk}/workbook/" in page
    with all_regions():
        line = settlement.lines.get()
    page = client.get(f"/subsidies/lines/{line.pk}/").content.decode()
    assert f"/subsidies/mediators/{line.mediator_id}/statement/?month=2025-03" in page
