"""A county runs its gold-mediator call in the browser, from nomination to
announcement: the bureau creates the call with its published criteria, seats the
panel and opens it; the judicial office nominates a mediator of its township,
picked by name, with its statement; the panel scores (the office's own clerk, on
the panel, is told to abstain); the bureau announces, and the honour is in the
mediator's integrity file."""

import re

import pytest

from core.tenancy import all_regions
from honours.models import CallStatus, HonourCall, Nomination
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

pytestmark = pytest.mark.e2e


def _as(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    return page


def _save(page):
    page.locator("main form.record-form button[type=submit]").click()
    page.wait_for_load_state()


def _step(page, call_url):
    page.goto(call_url)
    page.get_by_test_id("call-step").click()
    _save(page)
    page.wait_for_url(f"**{call_url}")


def test_a_gold_mediator_from_nomination_to_announcement(
    browser, live_server, world, transactional_db
):
    from tests.e2e.conftest import pick

    a = world["a"]
    with all_regions():
        mediator = MediatorFactory(region=a["township"], name="金明理")
        committee = CommitteeFactory(region=a["village"], office=a["office"])
        AppointmentFactory(mediator=mediator, committee=committee)

    bureau = _as(browser, live_server, "a_cadmin")
    bureau.goto("/honours/")
    bureau.get_by_test_id("call-create").click()
    bureau.locator("input[name=name]").fill("越城区年度金牌调解员评选")
    _save(bureau)
    bureau.wait_for_url(re.compile(r"/honours/\d+/$"))
    with all_regions():
        call = HonourCall.objects.get()
    call_url = f"/honours/{call.pk}/"
    for username in ("a_county", "a_cadmin", "a_clerk"):
        bureau.get_by_test_id("panel-add").click()
        bureau.locator("select[name=user]").select_option(label=username)
        _save(bureau)
        bureau.wait_for_url(f"**{call_url}")
    assert "a_clerk" in bureau.locator("ul.panel-members").inner_text()
    _step(bureau, call_url)  # open for nominations
    assert bureau.get_by_test_id("call-status").inner_text() == "接受推荐中"

    clerk = _as(browser, live_server, "a_clerk")
    clerk.goto("/")
    clerk.get_by_role("link", name="评选活动").first.click()
    clerk.get_by_role("link", name="越城区年度金牌调解员评选").click()
    clerk.get_by_test_id("nominate").click()
    pick(clerk, "mediator", "金明", "金明理")
    clerk.locator("textarea[name=statement]").fill(
        "扎根基层十年，全年调处纠纷六十余件，群众满意度高。"
    )
    _save(clerk)
    clerk.wait_for_url(re.compile(r"/honours/nominations/\d+/$"))
    with all_regions():
        nomination = Nomination.objects.get()
    assert nomination.mediator == mediator and nomination.office == a["office"]

    _step(bureau, call_url)  # close nominations: the panel judges

    clerk.goto(call_url)
    assert "本所推荐，回避评分" in clerk.locator("table.nominations").inner_text()

    county = _as(browser, live_server, "a_county")
    for page, points in ((county, ("28", "27", "22", "14")), (bureau, ("30", "29", "24", "15"))):
        page.goto(call_url)
        page.get_by_test_id("score").click()
        for index, value in enumerate(points):
            page.locator(f"input[name=points_{index}]").fill(value)
        _save(page)
        page.wait_for_url(f"**{call_url}")
        assert "已评分" in page.locator("table.nominations").inner_text()

    _step(bureau, call_url)  # announce
    assert bureau.get_by_test_id("call-status").inner_text() == "已公布"
    assert bureau.get_by_test_id("awarded").inner_text() == "金牌调解员"
    with all_regions():
        call.refresh_from_db()
        nomination.refresh_from_db()
    assert call.status == CallStatus.ANNOUNCED
    assert nomination.awarded and str(nomination.score) == "94.50"

    bureau.goto(f"/honours/nominations/{nomination.pk}/")
    bureau.get_by_test_id("integrity-link").click()
    integrity = bureau.locator("table.integrity").inner_text()
    assert "金牌调解员" in integrity and "表彰" in integrity
    for page in (bureau, clerk, county):
        page.context.close()
