"""The finance workbook: a sheet per payer with numbers as numbers (two decimals),
totals, the rule version and the signature lines; a sheet of the cases paid; numbers
in full only for finance, each read audited; an approved settlement downloaded by
finance is exported; a big one is a job."""

import datetime
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Job
from core.tenancy import all_regions
from subsidies.models import SettlementStatus
from tests.subsidies_finance import factories as f


def _download(client, settlement, **data):
    response = client.post(f"/subsidies/settlements/{settlement.pk}/workbook/", data)
    assert response.status_code == 200, response.content[:500]
    assert f"subsidies-{settlement.month:%Y-%m}" in response["Content-Disposition"]
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def _rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_each_payer_has_its_bill_with_totals_version_and_signatures(login, county):
    client = login(county["county_admin"])
    book = _download(client, county["settlements"][1])
    assert book.sheetnames == ["司法局", "法院", "案件明细"]
    bureau = book["司法局"]
    rows = _rows(bureau)
    assert "越城区" in rows[0][0] or county["bureau"].name in rows[0][0]
    assert "本年度补贴标准" in rows[1][0]
    header = rows[3]
    assert header[:3] == ["序号", "姓名", "身份证号码"]
    data = rows[4:7]
    assert [r[1] for r in data] == ["张明", "李华", "王芳"]
    totals = rows[7]
    assert totals[0] == "合计"
    assert totals[13] == 3 * 400 + 2500  # two case lines of 400, one full line of 2,900
    assert isinstance(data[0][13], int | float)
    assert bureau.cell(row=5, column=14).number_format == "#,##0.00"
    assert bureau.cell(row=8, column=14).number_format == "#,##0.00"
    signatures = " ".join(str(v) for v in rows[9] if v)
    assert "制表人" in signatures and "审核人" in signatures and "负责人" in signatures
    court = _rows(book["法院"])
    assert court[6][0] == "合计" and court[6][7] == 5000.0


def test_numbers_are_masked_unless_finance_asks_and_each_read_is_audited(login, county):
    settlement = county["settlements"][2]
    staff = _rows(_download(login(county["county_admin"]), settlement)["法院"])
    assert staff[4][4] == "**** 8901"
    assert "*" in staff[4][2]
    client = login(county["finance_user"])
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    full = _rows(_download(client, settlement, reveal="on")["法院"])
    assert full[4][4] == "6228480012345678901"
    with all_regions():
        assert full[4][2] == county["mediators"][0].id_number
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk")[before:]
    by_mediator = [e for e in entries if e.content_type.model == "mediator"]
    assert len(by_mediator) == 5  # one entry per line read in full
    assert by_mediator[0].changes["via"] == "export"
    assert set(by_mediator[0].changes["revealed"]) == {"id_number", "bank_account"}
    # And the settlement's trail says who took which bill, numbers in full.
    export = next(e for e in entries if e.content_type.model == "settlement")
    assert export.object_id == settlement.pk and export.actor == county["finance_user"]
    assert export.changes["downloaded"] == [f"subsidies-{settlement.month:%Y-%m}.xlsx"]
    assert export.changes["lines"] == [5]
    history = client.get(f"/subsidies/settlements/{settlement.pk}/").content.decode()
    assert f"subsidies-{settlement.month:%Y-%m}.xlsx" in history


def test_only_finance_may_ask_for_numbers_in_full(login, county):
    client = login(county["county_admin"])
    response = client.post(
        f"/subsidies/settlements/{county['settlements'][1].pk}/workbook/", {"reveal": "on"}
    )
    assert response.status_code == 200
    assert "只有财务人员" in str(response.context["form"].errors["reveal"])


def test_finance_downloading_an_approved_settlement_exports_it(login, county):
    settlement = county["settlements"][1]
    client = login(county["finance_user"])
    _download(client, settlement, payer="court")
    with all_regions():
        settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.EXPORTED
    assert settlement.exported_by == county["finance_user"]


def test_one_payers_workbook_holds_only_that_payer(login, county):
    book = _download(login(county["county_admin"]), county["settlements"][3], payer="court")
    assert book.sheetnames == ["法院", "案件明细"]


def test_a_big_workbook_is_a_job_with_the_file_as_its_result(
    login, county, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("subsidies.excel.STREAM_LIMIT", 2)
    client = login(county["finance_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/subsidies/settlements/{county['settlements'][1].pk}/workbook/", {"reveal": "on"}
        )
    assert response.status_code == 302
    with all_regions():
        job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == "finance_workbook" and job.result["rows"] == 5
    assert job.result["revealed"] == ["bank_account", "id_number"]
    download = client.get(reverse("core:job_download", args=[job.uuid]))
    assert download.status_code == 200
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert "法院" in book.sheetnames
    # The file is its owner's: a colleague of the same bureau may not download it.
    other = login(county["admin_user"])
    assert other.get(reverse("core:job_download", args=[job.uuid])).status_code == 404


def test_an_empty_settlement_still_gives_a_workbook_saying_so(login, world):
    with all_regions():
        settlement = f.settlement(world["a"]["county_bureau"], datetime.date(f.YEAR, 5, 1))
    book = _download(login(world["a"]["county_admin"]), settlement)
    assert len(book.sheetnames) == 2
    assert _rows(book.worksheets[0])[4][0] == "合计"


@pytest.mark.parametrize("payer", ["bank", "<script>"])
def test_an_unknown_payer_is_a_field_error(login, county, payer):
    client = login(county["county_admin"])
    response = client.post(
        f"/subsidies/settlements/{county['settlements'][1].pk}/workbook/", {"payer": payer}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in str(response.context["form"].errors["payer"])


def test_the_workbook_runs_a_constant_number_of_queries(
    login, county, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settlement = county["settlements"][3]
    client = login(county["finance_user"])
    _download(client, settlement, reveal="on")
    with CaptureQueriesContext(connection) as few:
        _download(client, settlement, reveal="on")
    with all_regions():
        for n in range(20):
            f.line(settlement, f.full_time_mediator(county, name=f"新调解员{n}"), base=2500)
    with django_assert_max_num_queries(len(few)):
        _download(client, settlement, reveal="on")
