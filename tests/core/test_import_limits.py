"""An import refuses a workbook that would unpack to more than the limits (a zip bomb)
before parsing it, fast and in little memory, even when its zip headers lie; and a
cell longer than the limit, or a sheet wider than the limit, is a clear error."""

import struct
import time
import tracemalloc
import zipfile
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.imports import NEW, Column, Importer, RowError, Sheet, check_file, run_import

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


class NoteImporter(Importer):
    """The smallest importer: every good row is new, and nothing is written."""

    columns = [Column("name", "名称", required=True), Column("note", "备注")]
    key = "name"

    def plan(self, row):
        return SimpleNamespace(action=NEW)

    def write(self, plans):
        pass


def _workbook(rows, header=("名称", "备注")):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("导入")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezipped(content, *, padding=0, extra_parts=0):
    """*content* with *padding* bytes of blanks inside the sheet's data (valid XML,
    written in 1 MB pieces, so building a big one takes little memory) and
    *extra_parts* more tiny parts."""
    piece = b" " * MB
    target = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename != SHEET or not padding:
                archive.writestr(item.filename, data)
                continue
            head, tail = data.split(b"<sheetData>")
            with archive.open(SHEET, "w") as part:
                part.write(head + b"<sheetData>")
                for _n in range(padding // MB):
                    part.write(piece)
                part.write(tail)
        for n in range(extra_parts):
            archive.writestr(f"customXml/item{n}.xml", "<a/>")
    return target.getvalue()


def _edited(content, old, new):
    """*content* with *old* replaced by *new* in the sheet's XML."""
    target = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            archive.writestr(item, data.replace(old, new) if item.filename == SHEET else data)
    return target.getvalue()


def _declaring(content, name, size):
    """*content* with its central directory saying the part *name* unpacks to *size*
    bytes, whatever it really unpacks to."""
    end = content.rindex(b"PK\x05\x06")  # the end of central directory record
    (entry,) = struct.unpack("<I", content[end + 16 : end + 20])
    while True:
        lengths = struct.unpack("<HHH", content[entry + 28 : entry + 34])
        if content[entry + 46 : entry + 46 + lengths[0]] == name.encode():
            return content[: entry + 24] + struct.pack("<I", size) + content[entry + 28 :]
        entry += 46 + sum(lengths)


def _measured(function):
    """function()'s result, the seconds it took and its peak of traced memory in MB."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = function()
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return result, seconds, peak


def _import(content):
    return run_import(NoteImporter(), BytesIO(content), dry_run=True)


@pytest.fixture(scope="module")
def bomb():
    """A 150 MB sheet in a workbook of about 150 KB: over the default 100 MB."""
    return _rezipped(_workbook([("张三", "")]), padding=150 * MB)


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_parsing_fast_and_in_little_memory(bomb):
    assert len(bomb) < MB
    report, seconds, peak = _measured(lambda: _import(bomb))
    size = sum(item.file_size for item in zipfile.ZipFile(BytesIO(bomb)).infolist())
    assert report.errors == [
        RowError(
            0,
            "",
            _("The workbook unpacks to %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(100 * MB)},
        )
    ]
    assert seconds < 2 and peak < 5


def test_the_upload_check_refuses_a_zip_bomb_too(bomb):
    with pytest.raises(ValidationError) as refused:
        check_file(SimpleUploadedFile("roster.xlsx", bomb))
    assert refused.value.code == "too_big_unpacked"


@pytest.mark.django_db
def test_the_unpacked_limit_comes_from_the_settings(settings):
    content = _workbook([(f"调解员{n}", "备注" * 50) for n in range(2000)])
    assert _import(content).ok
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 100_000
    (error,) = _import(content).errors
    assert error.row == 0 and filesizeformat(100_000) in error.message


@pytest.mark.django_db
def test_a_part_compressed_far_more_than_excel_does_is_refused():
    content = _rezipped(_workbook([("张三", "")]), padding=5 * MB)  # 5 MB, under the limit
    (error,) = _import(content).errors
    assert error.row == 0 and SHEET in error.message


@pytest.mark.django_db
def test_a_workbook_of_too_many_parts_is_refused():
    content = _rezipped(_workbook([("张三", "")]), extra_parts=1000)
    (error,) = _import(content).errors
    assert error.row == 0 and "1,0" in error.message  # e.g. "1,010 parts"


@pytest.mark.django_db
def test_a_part_that_understates_its_size_is_read_no_further_than_declared():
    """The headers say the sheet unpacks to 2 KB; it unpacks to 60 MB. The check
    passes on the declared sizes, and parsing stops where the declared size ends."""
    content = _declaring(_rezipped(_workbook([("张三", "")]), padding=60 * MB), SHEET, 2048)
    assert zipfile.ZipFile(BytesIO(content)).getinfo(SHEET).file_size == 2048
    report, seconds, peak = _measured(lambda: _import(content))
    assert report.errors == [RowError(0, "", _("The workbook cannot be read; it may be damaged."))]
    assert seconds < 2 and peak < 5


@pytest.mark.django_db
def test_a_cell_over_the_limit_is_its_rows_error_with_the_column():
    # openpyxl cuts what it writes to Excel's limit; other writers do not.
    content = _edited(
        _workbook([("张三", "好"), ("李四", "LONG"), ("王五", "长" * 32767)]),
        b"LONG",
        ("长" * 32768).encode(),
    )
    report = _import(content)
    assert report.rows == 3
    assert report.errors == [
        RowError(
            3,
            "备注",
            _("The cell holds %(length)s characters; the limit is %(limit)s.")
            % {"length": "32,768", "limit": "32,767"},
        )
    ]


@pytest.mark.django_db
def test_the_cell_limit_comes_from_the_settings(settings):
    settings.IMPORT_MAX_CELL_CHARS = 10
    report = _import(_workbook([("张三", "十个字以内"), ("李四", "这一格超过了十个字的上限")]))
    assert [(e.row, e.column) for e in report.errors] == [(3, "备注")]


@pytest.mark.django_db
def test_a_sheet_wider_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 5
    wide = ("名称", "备注", "甲", "乙", "丙", "丁")
    (error,) = _import(_workbook([("张三", "", 1, 2, 3, 4)], header=wide)).errors
    assert error == RowError(
        0,
        "",
        _("The sheet has more than %(limit)s columns; keep the template's columns.") % {"limit": 5},
    )
    assert _import(_workbook([("张三", "", 1, 2, 3)], header=wide[:5])).ok


@pytest.mark.django_db
def test_a_recorded_width_of_every_column_does_not_widen_the_rows_read():
    """A sheet may record that it spans 16,384 columns whatever its cells are: the
    reader holds only as far as the cells reach."""
    content = _edited(
        _workbook([(f"调解员{n}", "") for n in range(3)]),
        b"<sheetViews>",
        b'<dimension ref="A1:XFD4"/><sheetViews>',
    )
    report = _import(content)
    assert report.ok and report.new == 3
    with Sheet(BytesIO(content), NoteImporter.columns) as sheet:
        assert sheet.worksheet.width == 2


def _far_cell(ref, row):
    """A workbook of a few KB with one more cell, at *ref* in row *row*."""
    return _edited(
        _workbook([("张三", "")]),
        b"</sheetData>",
        f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData>".encode(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ref", "row", "code"),
    [
        ("XFD1048576", 1048576, "too_many_columns"),  # half a terabyte as calamine's grid
        ("A1048576", 1048576, "too_many_rows"),
        ("IA3", 3, "too_many_columns"),
    ],
)
def test_a_cell_far_from_the_others_is_refused_before_the_sheet_is_read(ref, row, code):
    content = _far_cell(ref, row)
    assert len(content) < 10_000
    with pytest.raises(ValidationError) as refused:
        Sheet(BytesIO(content), NoteImporter.columns)
    assert refused.value.code == code
    report, seconds, peak = _measured(lambda: _import(content))
    assert report.errors[0].row == 0 and seconds < 2 and peak < 5


@pytest.mark.django_db
def test_cells_placed_by_counting_are_refused():
    """Without its reference a cell's place is counted, and could be anywhere."""
    content = _edited(_workbook([("张三", "")]), b'<c r="A2"', b"<c")
    (error,) = _import(content).errors
    assert error == RowError(0, "", _("The workbook cannot be read; it may be damaged."))


@pytest.mark.django_db
def test_a_sheet_with_prefixed_elements_is_refused():
    """The reach check reads unprefixed rows and cells; a sheet that names its
    elements with a namespace prefix could hide where its cells reach."""
    content = _edited(_workbook([("张三", "")]), b"<sheetData>", b'<x:sheetData xmlns:x="y">')
    (error,) = _import(content).errors
    assert error == RowError(0, "", _("The workbook cannot be read; it may be damaged."))


@pytest.mark.django_db
def test_an_old_excel_file_or_a_damaged_one_is_refused_by_the_reader():
    not_xlsx = RowError(0, "", _("This is not an Excel workbook (.xlsx)."))
    damaged = RowError(0, "", _("The workbook cannot be read; it may be damaged."))
    good = _workbook([("张三", "")])
    stored = BytesIO()  # the same parts, not compressed
    with zipfile.ZipFile(BytesIO(good)) as source, zipfile.ZipFile(stored, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
    stored = stored.getvalue()
    for content, error in [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, not_xlsx),
        (b"PK\x03\x04broken", not_xlsx),
        (_edited(good, b"</sheetData>", b"<sheetData>"), damaged),  # not XML
        (_edited(good, b"<row ", b"<row><x "), damaged),
        (stored.replace("张三".encode(), "李四".encode()), damaged),  # fails its CRC
    ]:
        assert _import(content).errors == [error]


@pytest.mark.django_db
def test_unknown_headers_are_quoted_short():
    (error,) = _import(_workbook([("张三", "")], header=("名" * 5000, "备注"))).errors
    assert error.row == 0 and len(error.message) < 300


@pytest.mark.django_db
def test_a_panic_of_the_reader_is_an_unreadable_file_not_a_500(monkeypatch):
    class PanicException(BaseException):  # what pyo3 raises for a panic in Rust code
        pass

    class Panicking:
        @staticmethod
        def from_filelike(source):
            raise PanicException("index out of bounds")

    monkeypatch.setattr("core.imports.CalamineWorkbook", Panicking)
    (error,) = _import(_workbook([("张三", "")])).errors
    assert error == RowError(0, "", _("The workbook cannot be read; it may be damaged."))
