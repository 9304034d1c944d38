"""A county admin creates an office clerk; the clerk logs in with the temporary
password, is made to change it, and reaches the dashboard of their township."""

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Fengqiao-Jingyan-63"


def _log_in(page, username, password):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_an_admin_creates_a_clerk_who_changes_the_temporary_password(page, world, transactional_db):
    _log_in(page, "a_cadmin", "pass-word-123")
    page.wait_for_url("**/")
    page.get_by_role("link", name="用户与角色").click()
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("zhang_clerk")
    page.get_by_label("姓名").fill("张文书")
    page.get_by_label("角色").select_option(label="司法所工作人员")
    page.get_by_label("所属单位").select_option(label="a镇司法所（越城区司法局）")
    page.get_by_role("button", name="保存").click()
    password = page.get_by_test_id("temporary-password").inner_text().strip()
    assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", password)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/")

    _log_in(page, "zhang_clerk", password)
    page.wait_for_url("**/password/")
    assert "临时密码" in page.get_by_role("status").inner_text()
    # Straight to the dashboard does not work until the password is changed.
    page.goto("/")
    page.wait_for_url("**/password/")
    page.locator("input[name=old_password]").fill(password)
    page.locator("input[name=new_password1]").fill(password)
    page.locator("input[name=new_password2]").fill(password)
    page.get_by_role("button", name="修改密码").click()
    assert "不能与当前（临时）密码相同" in page.locator(".field-error").inner_text()

    page.locator("input[name=old_password]").fill(password)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "a镇司法所" in page.get_by_test_id("active-unit").inner_text()
    assert "密码已修改" in page.get_by_role("alert").inner_text()
    clerk = get_user_model().objects.get(username="zhang_clerk")
    assert clerk.check_password(NEW_PASSWORD) and not clerk.profile.must_change_password
