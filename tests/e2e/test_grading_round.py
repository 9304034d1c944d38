"""A county runs a grading round in the browser: creates it, computes the eligibility
list (a job with progress), takes an application picked by name, checks, reviews and
decides it, publishes the notice; the public reads the notice on a phone and files an
objection (the proof-of-work runs in the browser); the bureau sees it waiting."""

import datetime
import re

import pytest

from core.tenancy import all_regions
from grading.models import Application, GradingRound, Objection, RoundStatus
from tests.e2e.conftest import pick
from tests.grading_county import county  # noqa: F401  (a county to grade, with its rules)

pytestmark = pytest.mark.e2e

TODAY = datetime.date.today()
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _save(page):
    page.locator("main form.record-form button[type=submit]").click()
    page.wait_for_load_state()


def _step(page, round_url):
    page.goto(round_url)
    page.get_by_test_id("round-step").click()
    _save(page)
    page.wait_for_url(f"**{round_url}")


def test_a_round_from_eligibility_to_the_notice_and_an_objection(
    page,
    browser,
    live_server,
    world,
    county,  # noqa: F811  (the fixture imported above)
    settings,
    transactional_db,
):
    settings.COMPLAINT_POW_BITS = 8
    county.mediator(name="孙明理")
    county.mediator(cases=1)
    county.mediator()
    county.mediator()

    _log_in(page, "a_county")
    page.goto("/grading/rounds/new/")
    page.locator("input[name=name]").fill("越城区2026年调解员等级评定")
    page.locator("input[name=ranks][value='3']").check()
    page.locator("input[name=ranks][value='4']").check()
    page.locator("input[name=cutoff_on]").fill((TODAY - datetime.timedelta(days=1)).isoformat())
    page.locator("input[name=applications_open_on]").fill(TODAY.isoformat())
    page.locator("input[name=applications_close_on]").fill(
        (TODAY + datetime.timedelta(days=20)).isoformat()
    )
    page.locator("input[name=effective_on]").fill((TODAY + datetime.timedelta(days=60)).isoformat())
    _save(page)
    page.wait_for_url(re.compile(r"/grading/rounds/\d+/$"))
    with all_regions():
        round_ = GradingRound.objects.get()
    round_url = f"/grading/rounds/{round_.pk}/"

    # The eligibility list is a job: its page shows the progress and links the list.
    page.get_by_test_id("compute").click()
    _save(page)
    page.get_by_test_id("job-result").click()
    page.wait_for_url(f"**{round_url}")
    page.get_by_test_id("eligibility-link").click()
    page.wait_for_url(f"**{round_url}eligibility/")
    assert "孙明理" in page.locator("table.eligibility").inner_text()

    _step(page, round_url)  # open applications
    page.get_by_test_id("apply").click()
    pick(page, "mediator", "孙明", "孙明理")
    page.locator("select[name=rank]").select_option("3")
    _save(page)
    page.wait_for_url(re.compile(r"/grading/applications/\d+/$"))
    with all_regions():
        application = Application.objects.get()
    application_url = f"/grading/applications/{application.pk}/"
    for _check in ("committee", "office"):
        page.get_by_test_id("application-step").click()
        page.locator("input[name=passed][value='1']").check()
        _save(page)
        page.wait_for_url(f"**{application_url}")

    _step(page, round_url)  # close applications
    _step(page, round_url)  # to the panel
    page.goto(f"{round_url}decisions/")
    assert page.get_by_test_id("places-left").first.inner_text().strip() == "1"
    page.goto(f"{application_url}decide/")
    page.locator("input[name=approved][value='1']").check()
    page.locator("textarea[name=note]").fill("符合三级条件")
    _save(page)
    page.wait_for_url(f"**{application_url}")
    assert "已批准" in page.get_by_test_id("application-status").inner_text()

    page.goto(round_url)
    page.get_by_test_id("round-step").click()  # publish the notice, from today
    _save(page)
    page.wait_for_url(f"**{round_url}")
    with all_regions():
        round_.refresh_from_db()
    assert round_.status == RoundStatus.NOTICE
    public_url = page.get_by_test_id("public-notice").get_attribute("href")

    # The public reads the notice on a phone and objects.
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    phone = context.new_page()
    phone.goto(public_url)
    notice = phone.locator("#grading-notice").inner_text()
    assert "孙明理" in notice and "三级" in notice
    phone.get_by_role("link", name="提出异议").first.click()
    phone.locator("textarea[name=text]").fill("该调解员去年调解的一起纠纷当事人不满意。")
    phone.locator("input[name=phone]").fill("13900001111")
    phone.wait_for_function("!document.querySelector('#complaint-submit').disabled")
    phone.locator("#complaint-submit").click()
    phone.locator("#objection-received").wait_for()
    context.close()

    with all_regions():
        objection = Objection.objects.get()
    assert objection.application == application and objection.status == "open"
    page.goto("/grading/objections/?status=open")
    assert "孙明理" in page.locator("table.objections").inner_text()
