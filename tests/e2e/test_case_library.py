"""The bureau promotes a closed case into the typical-case library in the browser: the
account starts from an anonymised draft, a party's name typed back in is refused
beside the field, the saved case is published, and the public reads it on a phone
without any party's name or number."""

import re

import pytest

from caselibrary.models import LibraryEntry
from core.tenancy import all_regions
from tests.caselibrary.conftest import closed_case

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_case_promoted_published_and_read_without_names(
    page, browser, live_server, world, transactional_db
):
    case = closed_case(world)
    page.goto("/login/")
    page.get_by_label("用户名").fill("a_cadmin")
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="典型案例库").click()
    page.get_by_test_id("promote").click()
    page.locator("input[name=number]").fill(case.number)
    page.locator("main form.record-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/case-library/promote/\d+/$"))
    account = page.locator("textarea[name=account]")
    draft = account.input_value()
    assert "王大锤" not in draft and "甲" in draft
    account.fill(draft + "欧阳娜娜表示满意。")
    page.locator("input[name=title]").fill("宅基地界线纠纷调解案例")
    page.locator("main form.record-form button[type=submit]").click()
    assert "欧阳娜娜" in page.locator(".invalid-feedback, .errorlist").first.inner_text()
    account.fill(draft + "乙表示满意。")
    page.locator("main form.record-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/case-library/\d+/$"))
    page.get_by_test_id("publish").click()
    page.locator("main form.record-form button[type=submit]").click()
    page.get_by_test_id("published").wait_for()
    public_url = page.get_by_test_id("public-link").get_attribute("href")
    with all_regions():
        assert LibraryEntry.objects.get().published

    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    phone = context.new_page()
    phone.goto(public_url)
    body = phone.locator("main").inner_text()
    assert "宅基地界线纠纷调解案例" in body and "乙表示满意" in body
    for secret in ("王大锤", "欧阳娜娜", "13812345678", case.number):
        assert secret not in phone.content()
    context.close()
