"""The subsidies pages: every page opens, forms write through the services and show
their refusals beside the fields, lists run a constant number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from subsidies import settle, workflow
from subsidies.models import CaseReview, Settlement, SubsidyRuleVersion
from tests.factories import make_case
from tests.subsidies_factories import (
    MONTH,
    close_case,
    counted_case,
    make_mediator,
    make_post,
)

pytestmark = pytest.mark.django_db


def _settled(unit):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    with all_regions():
        return settle.settle_month(unit["bureau"], MONTH, unit["preparer"])


def test_every_page_opens(login, unit):
    settlement = _settled(unit)
    with all_regions():
        line = settlement.lines.order_by("pk").first()
        review = CaseReview.objects.first()
        case = make_case(unit["committee"], unit["lead"])
    close_case(case)
    client = login(unit["world"]["a"]["county_admin"])
    urls = [
        "/subsidies/rules/",
        "/subsidies/rules/new/",
        f"/subsidies/rules/{unit['version'].pk}/",
        f"/subsidies/rules/{unit['version'].pk}/edit/",
        f"/subsidies/rules/{unit['version'].pk}/preview/",
        f"/subsidies/rules/{unit['version'].pk}/preview/?month=2025-03",
        "/subsidies/review-queue/",
        "/subsidies/reviews/",
        f"/subsidies/reviews/{review.pk}/",
        f"/subsidies/cases/{case.pk}/review/",
        "/subsidies/settlements/",
        "/subsidies/settlements/new/",
        f"/subsidies/settlements/{settlement.pk}/",
        f"/subsidies/settlements/{settlement.pk}/lines/",
        f"/subsidies/settlements/{settlement.pk}/lines/?blocked=true",
        f"/subsidies/settlements/{settlement.pk}/review/",
        f"/subsidies/lines/{line.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(f"/subsidies/settlements/{settlement.pk}/").content.decode()
    assert unit["version"].name in detail and "¥5,100.00" in detail
    queue = client.get("/subsidies/review-queue/").content.decode()
    assert case.number in queue


def test_rule_version_form_is_typed_and_refuses_an_overlap(login, unit):
    client = login(unit["world"]["a"]["county_admin"])
    form = client.get("/subsidies/rules/new/").content.decode()
    data = {
        "name": "重叠的版本",
        "effective_from": "2025-06",
        "effective_to": "",
        **{k: v for k, v in _initial_post(client).items()},
    }
    response = client.post("/subsidies/rules/new/", data)
    assert response.status_code == 200
    assert "重叠的版本" not in str(SubsidyRuleVersion._base_manager.values_list("name"))
    assert (
        "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()
    )
    assert "form" in form
    data.update(name="2020年办法", effective_from="2020-01", effective_to="2020-12")
    created = client.post("/subsidies/rules/new/", data)
    assert created.status_code == 303, created.content.decode()[:3000]
    with all_regions():
        version = SubsidyRuleVersion.objects.get(name="2020年办法")
    assert str(version.effective_to) == "2020-12-31"


def _initial_post(client):
    """The rule fields as the new-version form starts them, ready to post back (a
    mapping's cells are named ``<name>-<key>``)."""
    from subsidies.forms import RuleVersionForm

    form = RuleVersionForm()
    data = {}
    for name in form.fields:
        if name in ("name", "effective_from", "effective_to"):
            continue
        initial = form.initial.get(name)
        if isinstance(initial, dict):
            data.update({f"{name}-{key}": value for key, value in initial.items()})
        elif isinstance(initial, bool):
            if initial:
                data[name] = "on"
        else:
            data[name] = initial
    return data


def test_review_form_and_settlement_steps(login, unit, django_capture_on_commit_callbacks):
    with all_regions():
        case = make_case(unit["committee"], unit["lead"])
    close_case(case)
    reviewer = Client()
    reviewer.force_login(unit["reviewer"])
    bad = reviewer.post(
        f"/subsidies/cases/{case.pk}/review/",
        {"file_score": 55, "process_score": 30, "result_score": 30, "decision": "accepted"},
    )
    assert bad.status_code == 200
    with all_regions():
        assert not CaseReview.objects.exists()
    done = reviewer.post(
        f"/subsidies/cases/{case.pk}/review/",
        {"file_score": 35, "process_score": 30, "result_score": 30, "decision": "accepted"},
    )
    assert done.status_code == 303
    preparer = Client()
    preparer.force_login(unit["preparer"])
    with django_capture_on_commit_callbacks(execute=True):
        created = preparer.post("/subsidies/settlements/new/", {"month": "2025-03"})
    assert created.status_code == 303
    with all_regions():
        settlement = Settlement.objects.get()
    assert settlement.computed_at is not None
    twice = preparer.post("/subsidies/settlements/new/", {"month": "2025-03"})
    assert twice.status_code == 200 and "月" in twice.content.decode()
    own = preparer.post(f"/subsidies/settlements/{settlement.pk}/review/")
    assert own.status_code == 200  # refused: the preparer does not review
    reviewer.post(f"/subsidies/settlements/{settlement.pk}/review/")
    reviewer.post(f"/subsidies/settlements/{settlement.pk}/approve/", {"budget_reason": ""})
    with all_regions():
        settlement.refresh_from_db()
    assert settlement.status == "approved"
    locked = preparer.post(f"/subsidies/settlements/{settlement.pk}/compute/")
    assert locked.status_code in (200, 403)


def test_adjustment_goes_to_a_later_month(login, unit):
    settlement = _settled(unit)
    with all_regions():
        settlement = workflow.review(settlement, unit["reviewer"])
        settlement = workflow.approve(settlement, unit["approver"])
        april = settle.create_settlement(unit["bureau"], MONTH.replace(month=4), unit["preparer"])
        line = settlement.lines.get(mediator=unit["lead"])
    client = login(unit["world"]["a"]["county_admin"])
    response = client.post(
        f"/subsidies/lines/{line.pk}/adjust/",
        {"settlement": april.pk, "amount": "-100", "reason": "多计一件"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with all_regions():
        april = settle.compute(april)
        assert april.lines.get(mediator=unit["lead"]).adjustment == -100
        line.refresh_from_db()
        assert line.adjustment == 0  # the locked line never changes


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_lists_run_a_constant_number_of_queries(login, unit):
    settlement = _settled(unit)
    with all_regions():
        waiting = make_case(unit["committee"], unit["lead"])
    close_case(waiting)
    client = login(unit["world"]["a"]["county_admin"])
    urls = [
        "/subsidies/rules/",
        "/subsidies/review-queue/",
        "/subsidies/reviews/",
        "/subsidies/settlements/",
        f"/subsidies/settlements/{settlement.pk}/lines/",
    ]
    for url in urls:
        client.get(url)
    few = {url: _queries(client, url) for url in urls}
    side = unit["world"]["a"]
    for _ in range(4):
        mediator = make_mediator(side["township"])
        make_post(mediator, unit["committee"])
        counted_case(unit["committee"], mediator, unit["reviewer"])
        with all_regions():
            case = make_case(unit["committee"], mediator)
        close_case(case)
    with all_regions():
        settle.compute(settlement)
    for url in urls:
        assert _queries(client, url) == few[url], url


def test_the_review_queue_counts_per_area(login, unit):
    """Per county for the city's staff, per township for a county's: a province has
    tens of thousands of villages, too many rows to count by."""
    with all_regions():
        case = make_case(unit["committee"], unit["lead"])
    close_case(case)
    region = unit["committee"].region_id
    county = login(unit["world"]["a"]["county_admin"]).get("/subsidies/review-queue/")
    assert [(r["area"].code, r["waiting"]) for r in county.context["counts"]] == [
        (region[:9].ljust(12, "0"), 1)
    ]
    city = Client()
    city.force_login(unit["world"]["a"]["city_user"])
    counts = city.get("/subsidies/review-queue/").context["counts"]
    assert [(r["area"].code, r["waiting"]) for r in counts] == [(region[:6].ljust(12, "0"), 1)]
