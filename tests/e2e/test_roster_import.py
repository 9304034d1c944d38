"""A clerk imports a mediator workbook with one bad row, sees the error with its row
number, fixes the file, imports it and finds the mediators in the list."""

import pytest
from openpyxl import load_workbook

from core.tenancy import all_regions
from registry.excel.templates import MEDIATOR_COLUMNS
from tests.factories import CommitteeFactory
from tests.registry.test_import_mediators import header, mediator_row, workbook

pytestmark = pytest.mark.e2e


def _log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _upload(page, path):
    page.goto("/roster/import/")
    page.locator("select[name=kind]").select_option("mediators")
    page.locator("input[name=file]").set_input_files(str(path))
    page.locator("form.record-form button[type=submit]").click()
    page.wait_for_url("**/roster/import/*/")


def test_a_clerk_fixes_a_bad_row_and_imports_the_workbook(page, world, transactional_db, tmp_path):
    with all_regions():
        CommitteeFactory(code="TWH-A1", region=world["a"]["village"])
    good, bad = mediator_row(1), mediator_row(2)
    bad["id_number"] = bad["id_number"][:17] + ("1" if bad["id_number"][17] == "0" else "0")
    path = tmp_path / "调解员名册.xlsx"
    path.write_bytes(workbook(MEDIATOR_COLUMNS, [good, bad]))

    _log_in(page, "a_clerk")
    _upload(page, path)
    errors = page.get_by_test_id("import-errors")
    assert errors.is_visible()
    first = errors.locator("tbody tr").first.locator("td")
    assert first.nth(0).inner_text() == "3"  # the header is row 1, the bad person row 3
    assert first.nth(1).inner_text() == header(MEDIATOR_COLUMNS, "id_number")
    assert errors.locator("tbody tr").count() == 1
    assert page.get_by_test_id("import-now").count() == 0

    # Fix the check digit in the file, as the clerk would in Excel.
    book = load_workbook(path)
    book.active.cell(row=3, column=1).value = mediator_row(2)["id_number"]
    book.save(path)
    _upload(page, path)
    assert page.get_by_test_id("import-counts").locator("[data-count=new]").inner_text() == "2"
    page.get_by_test_id("import-now").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("import-outcome").is_visible()
    assert page.get_by_test_id("import-counts").locator("[data-count=new]").inner_text() == "2"

    page.goto("/mediators/?q=导入调解员")
    table = page.locator("table.mediators").inner_text()
    assert good["name"] in table and bad["name"] in table
