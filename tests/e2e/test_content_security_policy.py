"""The pages work in a real browser under the Content-Security-Policy: the API docs
(Swagger UI from drf-spectacular-sidecar), the charts, a job's progress bar and the
public complaint form, with no violation reported."""

import pytest

from core.models import JobStatus
from core.tenancy import all_regions
from mediation.models import RankingSnapshot
from tests.factories import JobFactory

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _violations(page):
    return page.evaluate("window.cspViolations")


def test_staff_pages_work_under_the_policy(page, world, objects, transactional_db):
    with all_regions():
        admin = world["a"]["county_admin"]  # a job is its owner's: the one who logs in
        job = JobFactory(
            region=world["a"]["county"],
            created_by=admin,
            role=admin.roles.get(),
            status=JobStatus.RUNNING,
            done=40,
            total=100,
        )
        ranking = RankingSnapshot.objects.filter(region=world["a"]["county"]).first()
    page.add_init_script(RECORD_VIOLATIONS)
    _log_in(page, "a_cadmin")

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20000)
    assert _violations(page) == []

    for url, chart in (
        ("/", "#year-chart canvas"),
        ("/", "#area-chart canvas"),
        ("/", "#compliance-chart canvas"),
        ("/statistics/", "#trend-chart canvas"),
        ("/reports/staffing/", "#compliance-chart canvas"),
        (f"/rankings/{ranking.pk}/", "#ranking-chart canvas"),
    ):
        page.goto(url)
        page.wait_for_selector(chart, timeout=10000)
        assert _violations(page) == [], url

    page.goto(job.get_absolute_url())
    width = page.eval_on_selector(".progress-bar", "bar => bar.getBoundingClientRect().width")
    track = page.eval_on_selector(".progress", "bar => bar.getBoundingClientRect().width")
    assert width == pytest.approx(track * 0.4, rel=0.05)
    assert _violations(page) == []


def test_the_public_complaint_form_works_under_the_policy(page, world, objects):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/public/complaints/new/")
    # The page's own stylesheet (static/css/complaints.css) applies.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.complaint-page')).maxWidth")
        != "none"
    )
    assert _violations(page) == []


def test_the_pickers_work_under_the_policy(page, world, objects, transactional_db):
    """Tom Select builds its dropdowns from HTML strings: none may carry a style
    attribute the policy refuses; the region cascade loads a level from the endpoint."""
    page.add_init_script(RECORD_VIOLATIONS)
    _log_in(page, "a_cadmin")
    page.goto("/mediators/")
    page.locator("#id_committee-ts-control").fill("a村")
    page.locator("#id_committee-ts-dropdown .option").first.wait_for()
    page.locator("#id_region-1").select_option(world["a"]["township"].code)
    page.locator("#id_region-2 option", has_text="a村").wait_for(state="attached")
    assert page.locator("#id_region-2").is_enabled()
    assert _violations(page) == []
