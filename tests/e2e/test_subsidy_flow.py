"""A county settles a month of subsidies in the browser: a clerk of the bureau
reviews the closed cases (以奖代补) from the queue, settles the month (a job with
progress), a colleague reviews the settlement, the admin approves it (a second
person: never the preparer), and finance downloads the month's workbook, whose
totals row is opened with openpyxl and checked."""

import datetime
import re

import pytest
from openpyxl import load_workbook

from core.tenancy import all_regions
from registry.models.choices import PaidBy
from subsidies import months
from subsidies.models import CaseReview, Settlement, SettlementStatus
from tests.factories import CommitteeFactory, make_case
from tests.subsidies_factories import close_case, make_mediator, make_post, make_version

pytestmark = pytest.mark.e2e

MONTH = months.previous(datetime.date.today())
RATES = {"ordinary": "200.00", "complex": "600.00", "major": "1500.00"}


def _log_in(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _step(page, settlement_url, step):
    page.goto(settlement_url)
    page.get_by_test_id(f"step-{step}").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**{settlement_url}")


@pytest.fixture
def district(world):
    unit = world["a"]
    make_version(
        unit["county_bureau"],
        MONTH.replace(month=1) if MONTH.month > 1 else MONTH,
        case_rates=RATES,
    )
    with all_regions():
        committee = CommitteeFactory(region=unit["village"], office=unit["office"])
    court = make_mediator(unit["township"], name="钱法官调解员")
    bureau = make_mediator(unit["township"], name="孙专职调解员")
    make_post(court, committee, full_time=True, paid_by=PaidBy.COURT)
    make_post(bureau, committee, full_time=True, paid_by=PaidBy.BUREAU)
    cases = []
    for lead, difficulty in ((court, "complex"), (bureau, "major"), (bureau, "ordinary")):
        with all_regions():
            case = make_case(committee, lead, received_on=MONTH, difficulty=difficulty)
        cases.append(close_case(case, closed_on=MONTH + datetime.timedelta(days=9)))
    return {"cases": cases}


def test_review_settle_approve_and_download_a_month(
    page, world, district, transactional_db, tmp_path
):
    # A bureau clerk reviews each closed case from the queue.
    _log_in(page, "a_county")
    for _case in district["cases"]:
        page.goto("/subsidies/review-queue/")
        page.get_by_test_id("review-case").first.click()
        page.locator("input[name=file_score]").fill("36")
        page.locator("input[name=process_score]").fill("27")
        page.locator("input[name=result_score]").fill("28")
        page.locator("input[name=decision][value=accepted]").check()
        page.get_by_test_id("review-save").click()
        page.wait_for_load_state()
    with all_regions():
        assert CaseReview.objects.filter(decision="accepted").count() == 3

    # The same clerk settles the month: a job, then the settlement.
    page.goto("/subsidies/settlements/new/")
    page.locator("input[name=month]").fill(f"{MONTH:%Y-%m}")
    page.locator("main form.record-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/jobs/"))
    page.get_by_test_id("job-result").click()
    page.wait_for_url(re.compile(r"/subsidies/settlements/\d+/$"))
    with all_regions():
        settlement = Settlement.objects.get()
    settlement_url = f"/subsidies/settlements/{settlement.pk}/"
    assert page.get_by_test_id("settlement-total").inner_text() == "¥7,300.00"

    # A colleague reviews it; the admin approves it.
    _log_in(page, "a_city")
    _step(page, settlement_url, "review")
    _log_in(page, "a_cadmin")
    page.goto(settlement_url)
    page.get_by_test_id("step-approve").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**{settlement_url}")
    assert "已批准" in page.get_by_test_id("settlement-status").inner_text()

    # Finance finds it waiting, and downloads the court's and the bureau's bills.
    _log_in(page, "a_finance")
    assert page.get_by_test_id("subsidies_to_export").locator("[data-value]").inner_text() == "1"
    page.get_by_test_id("subsidies_to_export").click()
    page.get_by_test_id("workbook").first.click()
    with page.expect_download() as download:
        page.get_by_test_id("download-workbook").click()
    path = tmp_path / "workbook.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == ["司法局", "法院", "案件明细"]
    totals = {
        name: next(row for row in book[name].iter_rows(values_only=True) if row[0] == "合计")
        for name in ("司法局", "法院")
    }
    # The bureau pays its mediator's base and every case; the court its mediator's base.
    assert totals["司法局"][13] == 2500 + 600 + 1500 + 200
    assert totals["法院"][13] == 2500
    with all_regions():
        settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.EXPORTED
