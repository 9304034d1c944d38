import pytest

pytestmark = pytest.mark.e2e


def test_a_clerk_logs_in_and_sees_the_dashboard_of_their_township(page, world, transactional_db):
    page.goto("/")
    assert "/login/" in page.url
    page.get_by_label("用户名").fill("a_clerk")
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    assert "a镇司法所" in page.get_by_test_id("active-unit").inner_text()
    waiting = page.get_by_test_id("waiting").inner_text()
    assert "待结案件" in waiting and "待回访" in waiting
    # The stylesheet came from the app itself, not a CDN.
    assert page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate(
        "[...document.styleSheets].every(s => !s.href || s.href.startsWith(location.origin))"
    )


def test_a_wrong_password_shows_a_message_in_chinese(page, world, transactional_db):
    page.goto("/login/")
    page.get_by_label("用户名").fill("a_clerk")
    page.get_by_label("密码").fill("nope")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").is_visible()
    assert "/login/" in page.url
