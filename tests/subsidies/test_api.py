"""The subsidies API: rule versions (typed rules, no overlap), case reviews (flags need a
decision), settlements with the workflow as actions; bad input is a 400 naming the
field, and nothing is written."""

import datetime

import pytest

from core.tenancy import all_regions
from subsidies.models import CaseReview, Settlement, SubsidyRuleVersion
from subsidies.rules import RULES
from tests.factories import make_case
from tests.subsidies_factories import MONTH, close_case, counted_case

pytestmark = pytest.mark.django_db


def _version_body(bureau, **overrides):
    return {
        "bureau": bureau.pk,
        "name": "2026年补贴办法",
        "effective_from": "2026-01-01",
        "effective_to": None,
        "rules": RULES.default,
        **overrides,
    }


def test_rule_versions_are_typed_and_never_overlap(login, unit):
    api = login(unit["world"]["a"]["county_admin"])
    body = _version_body(unit["bureau"], effective_from="2020-01-01", effective_to="2020-12-31")
    created = api.post("/api/v1/subsidy-rules/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["rules"]["case_rates"]["major"] == "2000.00"
    body["effective_from"] = "2020-06-01"
    overlapping = api.post("/api/v1/subsidy-rules/", body, content_type="application/json")
    assert overlapping.status_code == 400 and "effective_from" in overlapping.json()
    # The open-ended one in the fixture is changed to end before a new one starts.
    closed = api.patch(
        f"/api/v1/subsidy-rules/{unit['version'].pk}/",
        {"effective_to": "2025-12-31"},
        content_type="application/json",
    )
    assert closed.status_code == 200, closed.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"effective_from": "2024-06-01", "effective_to": None}, "effective_from"),
        ({"effective_from": "2020-01-15", "effective_to": "2020-03-31"}, "effective_from"),
        ({"effective_from": "2020-05-01", "effective_to": "2020-03-31"}, "effective_to"),
        ({"rules": {**RULES.default, "case_rates": {"ordinary": "-5"}}}, "rules"),
        ({"rules": {**RULES.default, "case_rates": {"ordinary": "99999999"}}}, "rules"),
        ({"rules": {**RULES.default, "lead_share": 7}}, "rules"),
        ({"rules": "2500"}, "rules"),
    ],
)
def test_bad_rule_versions_are_400(login, unit, overrides, field):
    api = login(unit["world"]["a"]["county_admin"])
    base = _version_body(unit["bureau"], effective_from="2020-01-01", effective_to="2020-12-31")
    body = {**base, **overrides}
    response = api.post("/api/v1/subsidy-rules/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.json()
    with all_regions():
        assert SubsidyRuleVersion.objects.count() == 1


def test_another_bureaus_rules_are_refused(login, unit):
    api = login(unit["world"]["a"]["county_admin"])
    body = _version_body(unit["world"]["a"]["city_bureau"], effective_from="2020-01-01")
    response = api.post("/api/v1/subsidy-rules/", body, content_type="application/json")
    assert response.status_code == 400 and "bureau" in response.json()


def test_a_flagged_case_needs_the_reviewers_decision(login, unit):
    from mediation.models import CaseFlag

    api = login(unit["reviewer"])
    with all_regions():
        case = make_case(unit["committee"], unit["lead"])
        CaseFlag.objects.create(
            case=case, kind="repeated_parties", reason="测试", region=case.region
        )
    close_case(case)
    body = {
        "case": case.pk,
        "file_score": 40,
        "process_score": 30,
        "result_score": 25,
        "decision": "accepted",
    }
    refused = api.post("/api/v1/case-reviews/", body, content_type="application/json")
    assert refused.status_code == 400 and "flags_decision" in refused.json()
    body["flags_decision"] = "核实当事人确为不同纠纷"
    created = api.post("/api/v1/case-reviews/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["score"] == 95
    with all_regions():
        assert CaseFlag.objects.get(case=case).reviewed_at is not None
    too_high = api.patch(
        f"/api/v1/case-reviews/{created.json()['id']}/",
        {"file_score": 41},
        content_type="application/json",
    )
    assert too_high.status_code == 400 and "file_score" in too_high.json()


def test_an_open_case_is_not_reviewed(login, unit):
    api = login(unit["reviewer"])
    with all_regions():
        case = make_case(unit["committee"], unit["lead"])
    body = {
        "case": case.pk,
        "file_score": 1,
        "process_score": 1,
        "result_score": 1,
        "decision": "accepted",
    }
    response = api.post("/api/v1/case-reviews/", body, content_type="application/json")
    assert response.status_code == 400
    with all_regions():
        assert not CaseReview.objects.exists()


def test_a_settlement_runs_through_the_api(login, unit, django_capture_on_commit_callbacks):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    world = unit["world"]["a"]
    preparer = login(world["county_user"])
    created = preparer.post(
        "/api/v1/settlements/",
        {"bureau": unit["bureau"].pk, "month": "2025-03-15"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["month"] == "2025-03-01"
    again = preparer.post(
        "/api/v1/settlements/",
        {"bureau": unit["bureau"].pk, "month": "2025-03-01"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "month" in again.json()
    with django_capture_on_commit_callbacks(execute=True):
        job = preparer.post(f"/api/v1/settlements/{pk}/compute/")
    assert job.status_code == 202
    totals = preparer.get(f"/api/v1/settlements/{pk}/totals/").json()
    assert totals[-1]["total"] == "5100.00"  # two bases + one ordinary case
    lines = preparer.get(f"/api/v1/settlements/{pk}/lines/").json()
    assert len(lines["results"]) == 2
    cases = preparer.get(f"/api/v1/settlements/{pk}/cases/").json()
    assert len(cases["results"]) == 1
    assert preparer.post(f"/api/v1/settlements/{pk}/review/").status_code == 400  # own
    reviewer = login(world["county_admin"])
    assert reviewer.post(f"/api/v1/settlements/{pk}/review/").status_code == 200
    approved = reviewer.post(
        f"/api/v1/settlements/{pk}/approve/", {}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    locked = preparer.patch(
        f"/api/v1/settlements/{pk}/", {"note": "改"}, content_type="application/json"
    )
    assert locked.status_code == 400
    finance = login(world["finance_user"])
    # The finance user is the city's: the county's settlement is inside its jurisdiction.
    assert finance.post(f"/api/v1/settlements/{pk}/export/").status_code == 200
    assert finance.post(f"/api/v1/settlements/{pk}/pay/").json()["status"] == "paid"
    assert finance.post(f"/api/v1/settlements/{pk}/compute/").status_code == 400


def test_a_month_not_ended_is_refused(login, unit):
    api = login(unit["world"]["a"]["county_user"])
    response = api.post(
        "/api/v1/settlements/",
        {"bureau": unit["bureau"].pk, "month": datetime.date.today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400 and "month" in response.json()
    with all_regions():
        assert not Settlement.objects.exists()


def test_a_clerk_cannot_settle(login, unit):
    api = login(unit["world"]["a"]["clerk_user"])
    response = api.post(
        "/api/v1/settlements/",
        {"bureau": unit["bureau"].pk, "month": MONTH.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403
