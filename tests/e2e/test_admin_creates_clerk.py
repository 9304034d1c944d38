"""A county admin creates an office clerk; the clerk logs in with the temporary
password, is made to change it, reaches the dashboard of their township and files a
case, choosing the committee and the lead mediator with the pickers by typing part of
their names. The same form works with JavaScript off: the names are typed in full."""

import re

import pytest
from django.contrib.auth import get_user_model

from core.tenancy import all_regions
from mediation.models import Case
from tests.e2e.conftest import pick
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def roster(world):
    """A committee of the clerk's township with a mediator serving in it, and a
    namesake of hers serving in the sibling county (outside the clerk's reach)."""
    with all_regions():
        committee = CommitteeFactory(
            region=world["a"]["village"], office=world["a"]["office"], name="枫桥村人民调解委员会"
        )
        mediator = MediatorFactory(region=world["a"]["township"], name="陈晓梅")
        AppointmentFactory(mediator=mediator, committee=committee)
        elsewhere = CommitteeFactory(region=world["a2"]["village"], name="柯桥村人民调解委员会")
        AppointmentFactory(
            mediator=MediatorFactory(region=world["a2"]["township"], name="陈晓梅"),
            committee=elsewhere,
        )
    return committee, mediator


def _fill_the_rest_of_the_case(page):
    page.locator("select[name=source]").select_option("application")
    page.locator("select[name=dispute_type]").select_option("neighbourhood")
    page.locator("textarea[name=summary]").fill("两户因宅基地界址发生争执。")
    page.locator("select[name='parties-0-role']").select_option("applicant")
    page.locator("input[name='parties-0-name']").fill("李四")
    page.locator("select[name='parties-1-role']").select_option("respondent")
    page.locator("input[name='parties-1-name']").fill("王五")
    page.get_by_role("button", name="提交登记").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))


NEW_PASSWORD = "Fengqiao-Jingyan-63"


def _log_in(page, username, password):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_an_admin_creates_a_clerk_who_changes_the_temporary_password_and_files_a_case(
    page, world, roster, transactional_db
):
    page.add_init_script(RECORD_VIOLATIONS)
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
    assert "密码已修改" in page.get_by_role("alert").filter(has_text="密码").inner_text()
    clerk = get_user_model().objects.get(username="zhang_clerk")
    assert clerk.check_password(NEW_PASSWORD) and not clerk.profile.must_change_password

    committee, mediator = roster
    page.goto("/cases/new/")
    pick(page, "committee", "枫桥", "枫桥村人民调解委员会 · a村")
    # Only the committee's own 陈晓梅 is offered, labelled with her committee.
    pick(page, "lead_mediator", "陈", "陈晓梅 · 枫桥村人民调解委员会")
    _fill_the_rest_of_the_case(page)
    with all_regions():
        case = Case.objects.get()
    assert (case.committee, case.lead_mediator, case.filed_by) == (committee, mediator, clerk)
    assert page.evaluate("window.cspViolations") == []


def test_a_case_is_filed_by_typing_names_with_javascript_off(
    browser, live_server, world, roster, transactional_db
):
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    _log_in(page, "a_clerk", "pass-word-123")
    page.wait_for_url("**/")
    page.goto("/cases/new/")
    page.locator("input[name=committee]").fill("枫桥村人民调解委员会")
    page.locator("input[name=lead_mediator]").fill("陈晓梅")
    _fill_the_rest_of_the_case(page)
    committee, mediator = roster
    with all_regions():
        case = Case.objects.get()
    assert (case.committee, case.lead_mediator) == (committee, mediator)
    context.close()
