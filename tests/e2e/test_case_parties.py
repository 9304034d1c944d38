"""With JavaScript, the filing page adds and removes party rows in place
(static/js/parties.js): no round trip, rows renumbered, TOTAL_FORMS counting them,
no Content-Security-Policy violation; the case is filed with the rows shown."""

import re

import pytest

from core.tenancy import all_regions
from mediation.models import Case
from tests.e2e.conftest import pick
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS, _log_in, _violations
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

pytestmark = pytest.mark.e2e


def _rows(page):
    return page.locator("fieldset.parties tbody.party-row")


def _total(page):
    return page.locator("input[name='parties-TOTAL_FORMS']").input_value()


def test_party_rows_are_added_and_removed_in_place(page, world, transactional_db):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        mediator = MediatorFactory(region=world["a"]["township"])
        AppointmentFactory(mediator=mediator, committee=committee)
    page.add_init_script(RECORD_VIOLATIONS)
    _log_in(page, "a_clerk")
    page.goto("/cases/new/")
    pick(page, "committee", committee.name[:2], committee.name)
    pick(page, "lead_mediator", mediator.name[:1], mediator.name)
    page.locator("select[name=dispute_type]").select_option("neighbourhood")
    page.locator("textarea[name=summary]").fill("四户因共用水井发生纠纷。")

    # The script swaps the Delete boxes for buttons.
    assert _rows(page).count() == 2 and _total(page) == "2"
    assert not page.locator("input[name='parties-0-DELETE']").is_visible()
    page.evaluate("window.stillThisPage = true")
    add = page.get_by_role("button", name="添加当事人")
    add.click()
    add.click()
    assert _rows(page).count() == 4 and _total(page) == "4"
    assert page.evaluate("window.stillThisPage") is True  # no round trip
    # The new row's input has focus, and its names are numbered after the others.
    assert page.evaluate("document.activeElement.name") == "parties-3-role"

    for index, name in enumerate(["张三", "李四", "王五", "赵六"]):
        page.locator(f"select[name='parties-{index}-role']").select_option("other")
        page.locator(f"input[name='parties-{index}-name']").fill(name)
    _rows(page).nth(1).get_by_role("button", name="删除").click()
    assert _rows(page).count() == 3 and _total(page) == "3"
    # Renumbered: the rows after the removed one moved up.
    assert page.locator("input[name='parties-1-name']").input_value() == "王五"
    assert page.locator("input[name='parties-2-name']").input_value() == "赵六"
    label = page.locator("label[for='id_parties-2-name']")
    assert label.count() == 1

    page.get_by_role("button", name="提交登记").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    with all_regions():
        names = list(Case.objects.get().parties.order_by("pk").values_list("name", flat=True))
    assert names == ["张三", "王五", "赵六"]
    assert _violations(page) == []
