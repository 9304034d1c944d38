"""Case import: a dry run lists every bad row (row, column, message) and writes
nothing; a clean file imports all-or-nothing, numbered gap-free; the same file twice
imports nothing the second time."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.imports import run_import
from core.tenancy import all_regions, jurisdiction
from mediation.excel import CASE_COLUMNS, CaseImporter, case_template
from mediation.models import Case, CaseSequence, Party
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory
from tests.registry.test_import_mediators import workbook

TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


@pytest.fixture
def roster(world):
    with all_regions():
        a, b = world["a"], world["b"]
        committee = CommitteeFactory(code="TWH-A1", region=a["village"], office=a["office"])
        post = AppointmentFactory(
            mediator=MediatorFactory(region=a["township"]), committee=committee
        )
        other = AppointmentFactory(
            mediator=MediatorFactory(region=a["township"]),
            committee=CommitteeFactory(code="TWH-A2", region=a["village"], office=a["office"]),
        )
        foreign = CommitteeFactory(code="TWH-B1", region=b["village"], office=b["office"])
        return {
            "committee": committee,
            "lead": post.mediator,
            "elsewhere": other.mediator,  # holds a post, but in another committee
            "foreign": foreign,
            "unit": a,
        }


def row(roster, n=1, **values):
    return {
        "committee": "TWH-A1",
        "received_on": datetime.date(2025, 3, n % 28 + 1),
        "source": "application",
        "dispute_type": "邻里纠纷",
        "summary": f"邻里之间因排水沟堵塞发生纠纷{n}。",
        "amount": "1200.50",
        "lead_mediator": roster["lead"].id_number,
        "status": "closed",
        "result": "success",
        "closed_on": datetime.date(2025, 4, 1),
        "agreement_form": "written",
        "fulfilled": "yes",
        "judicial_confirmation": "否",
        "applicants": "张三、李四",
        "respondents": "王五",
        **values,
    }


def run(roster, rows, dry_run=False):
    content = BytesIO(workbook(CASE_COLUMNS, rows))
    with jurisdiction(roster["unit"]["county"].prefix):
        return run_import(CaseImporter(), content, dry_run=dry_run)


def test_the_template_has_every_column():
    sheet = load_workbook(BytesIO(case_template())).worksheets[0]
    assert [c.value for c in sheet[1]] == [str(c.header) for c in CASE_COLUMNS]


def test_a_clean_file_imports_numbered_and_again_imports_nothing(roster):
    rows = [row(roster, n) for n in range(1, 6)] + [row(roster, 6, status="", result="")]
    dry = run(roster, rows, dry_run=True)
    assert dry.ok and dry.new == 6
    with all_regions():
        assert not Case.objects.exists()
    report = run(roster, rows)
    assert report.ok and report.new == 6
    with all_regions():
        cases = list(Case.objects.order_by("sequence"))
        assert [c.sequence for c in cases] == [1, 2, 3, 4, 5, 6]
        assert CaseSequence.objects.get(year=2025).last == 6
        assert cases[0].status == "closed" and cases[0].fulfilled is True
        assert cases[-1].status == "received"
        assert str(cases[0].amount) == "1200.50"
        assert Party.objects.filter(case=cases[0]).count() == 3
        assert all(c.region == roster["committee"].region for c in cases)
    again = run(roster, rows)
    assert again.ok and (again.new, again.unchanged) == (0, 6)
    with all_regions():
        assert Case.objects.count() == 6


def test_every_bad_row_is_listed_and_nothing_is_written(roster):
    headers = {c.key: str(c.header) for c in CASE_COLUMNS}
    rows = [
        row(roster, 1),
        row(roster, 2, received_on=TOMORROW, closed_on=None, status="", result=""),
        row(roster, 3, lead_mediator=roster["elsewhere"].id_number),
        row(roster, 4, committee="TWH-B1"),
        row(roster, 5, amount="-5"),
        row(roster, 6, status="closed", result=""),
        row(roster, 7, dispute_type="不存在"),
        row(roster, 1),  # the first row again
    ]
    report = run(roster, rows)
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert (3, headers["received_on"]) in found
    assert (4, headers["lead_mediator"]) in found
    assert (5, headers["committee"]) in found
    assert (6, headers["amount"]) in found
    assert (7, headers["result"]) in found
    assert (8, headers["dispute_type"]) in found
    assert (9, headers["summary"]) in found  # duplicate of row 2
    assert 2 not in {e.row for e in report.errors}
    with all_regions():
        assert not Case.objects.exists() and not CaseSequence.objects.exists()


def test_a_row_naming_fewer_than_two_parties_is_refused_on_the_applicants_column(roster):
    headers = {c.key: str(c.header) for c in CASE_COLUMNS}
    rows = [
        row(roster, 1, applicants="张三", respondents=""),
        row(roster, 2, applicants="张三、李四", respondents=""),  # two applicants will do
    ]
    report = run(roster, rows)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, headers["applicants"], "请至少填写两名当事人：纠纷至少涉及双方。")
    ]
    with all_regions():
        assert not Case.objects.exists()


def test_pages_upload_dry_run_then_import_now(roster, login):
    client = login(roster["unit"]["clerk_user"])
    assert client.get(reverse("mediation:case_import")).status_code == 200
    template = client.get(reverse("mediation:case_import_template"), {"kind": "cases"})
    assert template.status_code == 200 and template.content[:2] == b"PK"
    content = workbook(CASE_COLUMNS, [row(roster, 1), row(roster, 2)])
    response = client.post(
        reverse("mediation:case_import"), {"file": SimpleUploadedFile("cases.xlsx", content)}
    )
    assert response.status_code == 302
    result = client.get(response.url)
    assert result.context["may_import"] and result.context["report"]["new"] == 2
    with all_regions():
        assert not Case.objects.exists()
    done = client.post(response.url)
    assert done.status_code == 302
    assert client.get(done.url).context["report"]["dry_run"] is False
    with all_regions():
        assert Case.objects.count() == 2


def test_a_bad_file_shows_its_errors_and_offers_no_import(roster, login):
    client = login(roster["unit"]["clerk_user"])
    content = workbook(CASE_COLUMNS, [row(roster, 1, amount="-1")])
    response = client.post(
        reverse("mediation:case_import"), {"file": SimpleUploadedFile("cases.xlsx", content)}
    )
    result = client.get(response.url)
    assert not result.context["may_import"] and result.context["report"]["errors"]
    assert b"import-errors" in result.content


def test_finance_may_not_import(world, login):
    client = login(world["a"]["finance_user"])
    assert client.get(reverse("mediation:case_import")).status_code == 403
