"""Money and big counts carry thousands separators: ¥1,234.50 and 12,345, never
Django's Chinese default of 12345678 (four-digit groups with no separator)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case


def _render(text, **context):
    with translation.override("zh-hans"):
        return Template("{% load humanize core_tags %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12345678, "12,345,678"), (999, "999"), (Decimal("1234567.50"), "1,234,567.50"), (0, "0")],
)
def test_counts_are_grouped_by_three_with_a_comma_in_chinese(value, shown):
    assert _render("{{ n|intcomma }}", n=value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("1234.5"), "¥1,234.50"), (0, "¥0.00"), (2500, "¥2,500.00"), (None, "—")],
)
def test_money_is_shown_as_finance_writes_it(value, shown):
    assert _render("{{ amount|money }}", amount=value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.5"), "1,234,567.50"),
        (12345, "12,345"),
        (66.7, "66.7"),
        (None, "—"),
        ("合计", "合计"),
    ],
)
def test_a_report_cell_shows_amounts_to_the_fen_and_counts_whole(value, shown):
    assert _render("{{ cell|figure }}", cell=value) == shown


@pytest.fixture
def big_case(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"])
        mediator = MediatorFactory(region=world["a"]["township"])
        AppointmentFactory(mediator=mediator, committee=committee)
        return make_case(
            committee,
            mediator,
            received_on=datetime.date.today().replace(day=1),
            amount=Decimal("1234567.50"),
        )


def test_the_case_list_and_the_case_show_the_amount_as_money(login, world, big_case):
    client = login(world["a"]["county_user"])
    assert "¥1,234,567.50" in client.get("/cases/").content.decode()
    assert "¥1,234,567.50" in client.get(big_case.get_absolute_url()).content.decode()


def test_the_statistics_show_amounts_with_separators(login, world, big_case):
    body = login(world["a"]["county_user"]).get("/statistics/").content.decode()
    assert 'data-testid="amount">¥1,234,567.50<' in body
    assert "1,234,567.50</td>" in body  # the table's amount column and its total


def test_the_dashboard_counts_carry_separators():
    from django.template.loader import render_to_string

    with translation.override("zh-hans"):
        html = render_to_string(
            "core/_dashboard_item.html",
            {"c": {"key": "cases", "label": "案件", "value": 12345, "url": "/cases/"}},
        )
    assert 'data-value="12345">12,345<' in html
