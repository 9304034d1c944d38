"""Budget pages and API: created for the user's own bureau, edited in amount and
note only, refused with Chinese field errors, and lists in constant queries."""

from decimal import Decimal

import pytest

from core.tenancy import all_regions
from subsidies.models.budget import Budget, Fund
from tests.subsidies_finance import factories as f


def test_a_finance_user_creates_the_budget_of_their_own_bureau(login, world):
    client = login(world["a"]["finance_user"])
    response = client.post(
        "/subsidies/budgets/new/",
        {
            "year": 2026,
            "fund": "case",
            "amount": "１００，０００".replace("，", ""),
            "note": "区财政预算",
        },
    )
    assert response.status_code == 302
    with all_regions():
        budget = Budget.objects.get()
    assert budget.bureau == world["a"]["city_bureau"]
    assert budget.region == world["a"]["city"]
    assert budget.amount == Decimal("100000.00")


def test_a_second_budget_for_the_same_fund_year_and_payer_is_refused(login, world):
    client = login(world["a"]["county_admin"])
    data = {"year": 2026, "fund": "base", "amount": "180000"}
    assert client.post("/subsidies/budgets/new/", data).status_code == 302
    response = client.post("/subsidies/budgets/new/", data)
    assert response.status_code == 200
    assert "已有" in str(response.context["form"].errors)
    with all_regions():
        assert Budget.objects.count() == 1


def test_a_clerk_may_not_keep_budgets(login, world):
    client = login(world["a"]["clerk_user"])
    response = client.post("/subsidies/budgets/new/", {"year": 2026, "fund": "base", "amount": 1})
    assert response.status_code == 403


def test_editing_keeps_what_the_budget_is(login, world):
    with all_regions():
        budget = f.BudgetFactory(bureau=world["a"]["county_bureau"])
    client = login(world["a"]["county_admin"])
    response = client.post(
        f"/subsidies/budgets/{budget.pk}/edit/",
        {"year": 2030, "fund": "case", "payer": "court", "amount": "200000", "note": "追加"},
    )
    assert response.status_code == 302
    with all_regions():
        budget.refresh_from_db()
    assert (budget.year, budget.fund, budget.payer) == (f.YEAR, Fund.BASE, "")
    assert budget.amount == Decimal("200000.00")


def test_the_budget_page_shows_spending_forecast_chart_and_history(login, county):
    with all_regions():
        budget = f.BudgetFactory(bureau=county["bureau"], amount=20000)
    client = login(county["county_admin"])
    page = client.get(f"/subsidies/budgets/{budget.pk}/").content.decode()
    assert "¥15,000.00" in page  # spent
    assert 'id="budget-chart"' in page
    assert 'data-testid="at-risk"' in page  # 7,500 a month passes 20,000
    assert "echarts.min.js" in page


def test_the_at_risk_filter_lists_budgets_heading_past_their_amount(login, county):
    with all_regions():
        risky = f.BudgetFactory(bureau=county["bureau"], fund=Fund.BASE, amount=20000)
        f.BudgetFactory(bureau=county["bureau"], fund=Fund.CASE, amount=100000)
    client = login(county["county_admin"])
    response = client.get("/subsidies/budgets/?at_risk=true")
    assert [s.budget for s in response.context["rows"]] == [risky]


def test_the_api_lists_budgets_with_their_spending(login, county):
    with all_regions():
        budget = f.BudgetFactory(bureau=county["bureau"], amount=90000)
    client = login(county["county_admin"])
    row = client.get("/api/v1/budgets/").json()["results"][0]
    assert row["id"] == budget.pk
    assert row["spent"] == "15000.00"
    assert row["pending"] == "7500.00"
    assert row["forecast"] == "90000.00"
    assert row["at_risk"] is False
    detail = client.get(f"/api/v1/budgets/{budget.pk}/").json()
    assert detail["remaining"] == "75000.00"


def test_the_api_creates_for_the_callers_bureau_and_refuses_bad_input(login, world):
    client = login(world["a"]["county_admin"])
    foreign = client.post(
        "/api/v1/budgets/",
        {
            "year": 2026,
            "fund": "case",
            "amount": "100000.00",
            "bureau": world["b"]["city_bureau"].pk,
        },
        content_type="application/json",
    )
    assert foreign.status_code == 400 and "bureau" in foreign.json()
    created = client.post(
        "/api/v1/budgets/",
        {
            "year": 2026,
            "fund": "case",
            "amount": "100000.00",
            "bureau": world["a"]["county_bureau"].pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["bureau"] == world["a"]["county_bureau"].pk
    bad = client.post(
        "/api/v1/budgets/",
        {"year": 1800, "fund": "cash", "amount": "-1"},
        content_type="application/json",
    ).json()
    assert set(bad) >= {"year", "fund", "amount"}
    assert "不是合法选项" in str(bad["fund"]) or "有效选项" in str(bad["fund"]), bad
    patched = client.patch(
        f"/api/v1/budgets/{created.json()['id']}/",
        {"fund": "base"},
        content_type="application/json",
    )
    with all_regions():
        assert Budget.objects.get().fund == Fund.CASE
    assert patched.status_code in (200, 400)


@pytest.mark.parametrize(
    "url", ["/subsidies/budgets/", "/api/v1/budgets/", "/subsidies/payments/?status=draft"]
)
def test_lists_run_a_constant_number_of_queries(login, county, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(county["county_admin"])
    with all_regions():
        f.BudgetFactory(bureau=county["bureau"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with all_regions():
        for year in range(2010, 2025):
            f.BudgetFactory(bureau=county["bureau"], year=year)
        for number in range(4, 13):
            import datetime

            f.settlement(county["bureau"], datetime.date(f.YEAR, number, 1), "draft")
    with django_assert_max_num_queries(len(few) + 2):  # a year more: two grouped queries
        assert client.get(url).status_code == 200
