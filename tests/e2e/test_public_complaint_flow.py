"""The public side in a phone-sized browser: search the published roster, open a
mediator's card, file a complaint (the page's proof-of-work runs in the browser), follow
its status; then the bureau concludes it and the complainant sees the answer."""

import re

import pytest

from complaints.models import Complaint, ComplaintStatus
from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    page = context.new_page()
    yield page
    context.close()


def _log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _status(phone, number, code):
    phone.goto("/public/complaints/status/")
    phone.locator("input[name=tracking_number]").fill(number)
    phone.locator("input[name=code]").fill(code)
    phone.locator("form button[type=submit]").click()
    phone.wait_for_load_state()
    return phone.locator("#complaint-status").inner_text()


def test_search_complain_follow_and_the_bureau_concludes(
    phone, page, world, settings, transactional_db
):
    settings.COMPLAINT_POW_BITS = 8  # the browser's work, kept short for the test
    with all_regions():
        committee = CommitteeFactory(
            region=world["a"]["village"], office=world["a"]["office"], name="枫桥村调委会"
        )
        for name in ("王调解", "李和事", "赵公道"):
            AppointmentFactory(
                mediator=MediatorFactory(region=world["a"]["township"], name=name),
                committee=committee,
            )
    bureau = world["a"]["county_bureau"]
    publish_roster(bureau)

    # The public searches on a phone.
    phone.goto(f"/public/{bureau.region_id}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    phone.locator("input[name=name]").fill("王")
    phone.locator("form[role=search] button[type=submit]").click()
    phone.wait_for_load_state()
    rows = phone.locator("table.roster tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link", name="王调解").click()
    phone.wait_for_url(re.compile(r"/mediators/\d+/$"))
    assert "枫桥村调委会" in phone.content()

    # …and files a complaint from the card.
    phone.locator("a[href*='/public/complaints/new/']").click()
    phone.locator("textarea[name=description]").fill("约定的调解时间多次无故不到场。")
    phone.locator("input[name=name]").fill("张三")
    phone.locator("input[name=phone]").fill("13800001111")
    submit = phone.locator("#complaint-submit")
    submit.wait_for(state="visible")
    phone.wait_for_function("!document.querySelector('#complaint-submit').disabled")
    submit.click()
    phone.locator("#tracking-number").wait_for()
    number = phone.locator("#tracking-number").inner_text().strip()
    code = phone.locator("#secret-code").inner_text().strip()
    # Refreshing shows the receipt again (no form to send twice), the code shown once.
    phone.reload()
    assert phone.locator("#tracking-number").inner_text().strip() == number
    assert phone.locator("#secret-code").count() == 0
    with all_regions():
        complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.status == ComplaintStatus.ASSIGNED
    assert complaint.assigned_office == world["a"]["office"]

    assert number in _status(phone, number, code)
    assert "王调解" not in _status(phone, number, code)  # nothing but the status
    wrong = _status_page_text(phone, number, "WRONG234")
    unknown = _status_page_text(phone, "TS20260101AAAAAA", "WRONG234")
    assert wrong == unknown

    # The county bureau verifies, concludes and answers.
    _log_in(page, "a_county")
    page.goto(f"/complaints/{complaint.pk}/")
    for step, fill in (
        ("verify", lambda: page.locator("textarea[name=note]").fill("已调阅案卷并约谈。")),
        (
            "conclude",
            lambda: (
                page.locator("input[name=finding][value=founded]").check(),
                page.locator("select[name=sanction]").select_option("warning"),
            ),
        ),
        ("answer", lambda: page.locator("textarea[name=answer]").fill("情况属实，已给予警告。")),
    ):
        page.goto(f"/complaints/{complaint.pk}/{step}/")
        fill()
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(f"**/complaints/{complaint.pk}/")
    with all_regions():
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.ANSWERED
        assert complaint.integrity_records.count() == 2  # the complaint and the warning

    assert "情况属实，已给予警告。" in _status(phone, number, code)


def _status_page_text(phone, number, code):
    phone.goto("/public/complaints/status/")
    phone.locator("input[name=tracking_number]").fill(number)
    phone.locator("input[name=code]").fill(code)
    phone.locator("form button[type=submit]").click()
    phone.wait_for_load_state()
    return phone.locator("main").inner_text().replace(number, "#")
