"""Finance's home page: what waits for it (approved settlements to export, exported
ones to record as paid, budgets heading past their amount), the spending chart and
its links; each count is the number of rows its link shows."""

import datetime

from core.tenancy import all_regions
from subsidies.models import SettlementStatus
from subsidies.models.budget import Fund
from tests.subsidies_finance import factories as f


def _items(response):
    return {item["key"]: item for item in response.context["dashboard"]["waiting"]}


def test_finance_sees_what_waits_for_it(login, county):
    year = datetime.date.today().year  # the county's settlements are of this year
    with all_regions():
        f.BudgetFactory(bureau=county["bureau"], year=year, fund=Fund.BONUS, amount=3000)
        f.BudgetFactory(bureau=county["bureau"], year=year, fund=Fund.CASE, amount=100000)
        f.BudgetFactory(bureau=county["bureau"], year=year - 1, fund=Fund.CASE, amount=1)
    client = login(county["finance_user"])
    response = client.get("/")
    items = _items(response)
    # January approved (to export); February paid; March a draft.
    assert items["subsidies_to_export"]["value"] == 1
    assert items["subsidies_to_pay"]["value"] == 0
    assert items["subsidies_budgets_at_risk"]["value"] == 1
    assert items["subsidies_budgets_at_risk"]["alert"]
    listed = client.get(items["subsidies_to_export"]["url"])
    assert len(listed.context["object_list"]) == 1
    risky = client.get(items["subsidies_budgets_at_risk"]["url"])
    assert len(risky.context["rows"]) == 1
    body = response.content.decode()
    assert 'id="budget-chart"' in body
    assert "/subsidies/budgets/" in body and "/subsidies/payments/" in body


def test_the_payment_list_defaults_to_what_waits_for_finance(login, county):
    client = login(county["finance_user"])
    response = client.get("/subsidies/payments/")
    statuses = {s.status for s in response.context["object_list"]}
    assert statuses == {SettlementStatus.APPROVED}
    rows = {s.month.month: s for s in response.context["object_list"]}
    assert rows[1].total == 3 * 2500 + 3 * 400 and rows[1].line_count == 5
    body = response.content.decode()
    assert f"/subsidies/settlements/{county['settlements'][1].pk}/workbook/" in body
    everything = client.get("/subsidies/payments/?status=draft&status=paid")
    assert len(everything.context["object_list"]) == 2


def test_a_clerk_sees_no_finance_items(login, county):
    response = login(county["clerk_user"]).get("/")
    assert not {k for k in _items(response) if k.startswith("subsidies_budgets")}


def test_the_city_chart_adds_up_its_counties_spending(login, county):
    with all_regions():
        f.BudgetFactory(bureau=county["bureau"], fund=Fund.BASE, amount=90000)
    response = login(county["finance_user"]).get("/")
    chart = next(c for c in response.context["dashboard"]["charts"] if c["key"] == "budget-chart")
    # January and February committed: 3 x 2,500 + 3 x 300 + 3 x 100 a month.
    assert chart["data"]["spent"][:3] == [8700.0, 8700.0, 0.0]
    assert chart["data"]["budget"] == 90000.0
