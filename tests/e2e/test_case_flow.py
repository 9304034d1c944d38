"""A clerk files a case, closes it with an agreement, and sees it in the statistics."""

import datetime
import re

import pytest

from core.tenancy import all_regions
from mediation.models import Case, CaseStatus
from tests.e2e.conftest import pick
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

pytestmark = pytest.mark.e2e


def _log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _summary_figure(page, index):
    return page.get_by_test_id("summary").locator(".fs-3").nth(index).inner_text().strip()


def test_a_clerk_files_and_closes_a_case_and_sees_it_in_the_statistics(
    page, world, transactional_db
):
    with all_regions():
        committee = CommitteeFactory(
            region=world["a"]["village"], office=world["a"]["office"], name="枫桥村调委会"
        )
        mediator = MediatorFactory(region=world["a"]["township"], name="王调解")
        AppointmentFactory(mediator=mediator, committee=committee)

    _log_in(page, "a_clerk")
    page.goto("/cases/new/")
    pick(page, "committee", "枫桥", "枫桥村调委会")
    # The mediator picker offers the committee's members on the date received.
    pick(page, "lead_mediator", "王", "王调解 · 枫桥村调委会")
    page.locator("select[name=source]").select_option("application")
    page.locator("select[name=dispute_type]").select_option("neighbourhood")
    page.locator("textarea[name=summary]").fill("两户因院墙排水发生争执，经调解达成协议。")
    page.locator("input[name=amount]").fill("3000")
    page.locator("select[name='parties-0-role']").select_option("applicant")
    page.locator("input[name='parties-0-name']").fill("张三")
    page.locator("select[name='parties-1-role']").select_option("respondent")
    page.locator("input[name='parties-1-name']").fill("李四")
    page.get_by_role("button", name="提交登记").click()
    page.wait_for_load_state()
    assert page.locator(".field-error").all_inner_texts() == []
    page.wait_for_url(re.compile(r"/cases/\d+/$"))

    with all_regions():
        case = Case.objects.get()
    assert case.received_on == datetime.date.today() and case.lead_mediator == mediator
    assert case.number in page.content()

    page.goto(f"/cases/{case.pk}/close/")
    page.locator("select[name=result]").select_option("success")
    page.locator("select[name=agreement_form]").select_option("written")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    with all_regions():
        case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.result == "success"

    page.goto("/statistics/")
    assert _summary_figure(page, 0) == "1"  # cases
    assert _summary_figure(page, 1).startswith("100")  # success rate
