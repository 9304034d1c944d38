"""Workbook imports: check the file, parse typed rows, validate every row, then write
all of them or none.

An importer (one per kind of record, e.g. registry.excel.importers) declares its
columns and turns one parsed row into a plan (new / changed / unchanged); this module
does everything else the same way for every importer:

- refuses what is not a readable .xlsx before parsing (empty, too big, an .xls or
  another file renamed, merged cells, missing or renamed headers), and a zip bomb: an
  archive that would unpack to too much, or of too many parts, or too many columns;
- refuses a cell longer than the limit as that row's error;
- parses each row by column type and collects *every* bad row's errors as
  (row number, column, message), including the model's own full_clean() messages and
  rows that repeat a natural key;
- a dry run validates everything and counts, writing nothing; a real run does the same
  and then the importer's bulk write, inside one transaction, only if no row is bad.
"""

import contextlib
import datetime
import gc
import itertools
import re
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models.expressions import DatabaseDefault
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from core.excel import DATE_FORMAT, append_row, sheet_title

TEXT, INT, BOOL, DATE, CHOICE = "text", "int", "bool", "date", "choice"
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "×"}
PROGRESS_EVERY = 500
# An Excel workbook has a dozen parts, a few hundred with many sheets and pictures.
MAX_PARTS = 1000
# Small parts may compress well beyond the ratio limit without unpacking to much.
RATIO_GRACE_BYTES = 1024 * 1024
REQUIRED_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
SKIP = object()  # Cleaner: a value clean_fields() leaves alone


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class Column:
    """One column of an import: *key* names the parsed value (usually the model field
    the importer sets), *header* is what the workbook's first row says."""

    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()  # (code, label) pairs of a CHOICE column
    example: object = None
    help: str = ""
    width: int = 14

    def headers(self) -> set[str]:
        """The header in the active language and in English, so a template downloaded
        before a translation changed still imports."""
        with translation.override(None):
            english = str(self.header)
        return {_normal(str(self.header)), _normal(english)}

    def labels(self) -> list[str]:
        if self.kind == CHOICE:
            return [str(label) for _code, label in self.choices]
        return [_("Yes"), _("No")] if self.kind == BOOL else []

    def parser(self):
        """A function from a cell's value to the typed value, raising ValidationError
        with the reason when there is none. Built once per import: the words it accepts
        (labels, 是/否) are looked up in the active language here, not per cell."""
        parse = {
            TEXT: _parse_text,
            INT: _parse_int,
            BOOL: _bool_parser(),
            DATE: _parse_date,
            CHOICE: _choice_parser(self),
        }[self.kind]
        empty = {TEXT: "", CHOICE: "", BOOL: False}.get(self.kind)
        required = self.required
        max_chars = settings.IMPORT_MAX_CELL_CHARS

        def parse_cell(value):
            if isinstance(value, str):
                if len(value) > max_chars:
                    raise ValidationError(
                        _("The cell holds %(length)s characters; the limit is %(limit)s."),
                        params={"length": f"{len(value):,}", "limit": f"{max_chars:,}"},
                    )
                value = value.strip()
            if value is None or value == "":
                if required:
                    raise ValidationError(_("This field is required."))
                return empty
            return parse(value)

        return parse_cell


def _parse_text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: 13912345678.0
    return str(value).strip()


def _parse_int(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if (isinstance(value, int) and not isinstance(value, bool)) or (
        # ASCII: int() refuses superscript digits, which isdigit() accepts.
        isinstance(value, str) and value.isascii() and value.isdigit()
    ):
        return int(value)
    raise ValidationError(_("Enter a whole number."))


def _parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(value, pattern).date()
            except ValueError:
                continue
    raise ValidationError(
        _("“%(value)s” is not a date; enter a date such as 2024-03-01."),
        params={"value": value},
    )


def _bool_parser():
    yes, no = _("Yes"), _("No")
    true_words, false_words = TRUE_WORDS | {yes.lower()}, FALSE_WORDS | {no.lower()}

    def parse(value):
        word = str(int(value) if isinstance(value, (bool, float)) else value).strip().lower()
        if word in true_words:
            return True
        if word in false_words:
            return False
        raise ValidationError(_("Enter %(yes)s or %(no)s.") % {"yes": yes, "no": no})

    return parse


def _choice_parser(column):
    codes = {}
    with translation.override(None):
        english = [(code, str(label)) for code, label in column.choices]
    for code, label in [*english, *column.choices]:
        codes[_normal(str(label)).lower()] = code
    codes.update((str(code).lower(), code) for code, _label in column.choices)
    listed = "、".join(column.labels())

    def parse(value):
        code = codes.get(_normal(str(value)).lower())
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not one of: %(choices)s."),
                params={"value": value, "choices": listed},
            )
        return code

    return parse


@dataclass(frozen=True)
class RowError:
    row: int  # the workbook's row number (the header is row 1); 0 for the whole file
    column: str  # the column's header; "" for the whole row
    message: str


@dataclass
class Row:
    number: int
    values: dict
    errors: list = field(default_factory=list)


@dataclass
class Report:
    dry_run: bool
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    # Seconds each stage took: "read" (the file checked, read and its cells parsed),
    # "check" (every row checked against the database and the models' rules) and
    # "write"; for the benchmark (bench_roster), not kept with a job's result.
    seconds: dict = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        found = asdict(self)
        del found["seconds"]
        return {**found, "errors": [asdict(e) for e in self.errors]}


class Importer:
    """Base class of an importer. Subclasses set ``columns`` and ``key`` (the column of
    the natural key) and implement ``prepare``, ``plan`` and ``write``."""

    columns: list[Column] = []
    key: str = ""
    # Model field → column key, for full_clean() errors on fields the file has no
    # column of (a committee's "filed with" office comes from its filing column).
    error_columns: dict[str, str] = {}

    def natural_key(self, values: dict):
        return values[self.key]

    def prepare(self, rows: list[Row]) -> None:
        """Load what the rows refer to, a few queries for all rows."""

    def plan(self, row: Row):
        """Validate one row against the database; return an object with an ``action``
        (NEW, CHANGED or UNCHANGED) for ``write``. Raise ValidationError keyed by model
        field or column key."""
        raise NotImplementedError

    def write(self, plans: list) -> None:
        raise NotImplementedError

    def header_of(self, field_name: str) -> str:
        key = self.error_columns.get(field_name, field_name)
        return next((str(c.header) for c in self.columns if c.key == key), "")


class Cleaner:
    """What ``obj.full_clean(exclude, validate_unique=False, validate_constraints=False)``
    does, for the thousands of rows of one import of *model*: each field's checks
    (conversion, blank, choices, length, validators) of one value are run once per
    distinct value and remembered, then the model's own clean() runs on every row.

    A file repeats most values (the same committee's post, gender, dates, education,
    bank): running every field's validators on every row took most of a big import's
    checking time. A field's check is a function of its value alone; relations are
    the exception (a foreign key's check asks the database, routed by the instance),
    so they are checked per row."""

    def __init__(self, model, exclude=()):
        self.fields = [
            (field, field.attname, None if field.is_relation else {})
            for field in model._meta.fields
            if field.name not in exclude and not field.generated
        ]

    def full_clean(self, obj) -> None:
        errors = {}
        values = obj.__dict__
        for model_field, attname, seen in self.fields:
            raw = values[attname] if attname in values else getattr(obj, attname)
            # The type is part of the key: 1, 1.0 and True are equal but not the same.
            key = (raw.__class__, raw)
            try:
                verdict = seen[key]
            except (KeyError, TypeError):  # not seen yet, a relation, or unhashable
                verdict = self._verdict(model_field, raw, obj)
                if seen is not None:
                    with contextlib.suppress(TypeError):
                        seen[key] = verdict
            if verdict is SKIP:
                continue
            ok, value = verdict
            if not ok:
                errors[model_field.name] = list(value)  # a copy: clean()'s errors extend it
            elif value is not raw:
                setattr(obj, attname, value)
        # Model.full_clean() runs clean() whatever the fields gave, and so does this.
        try:
            obj.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _verdict(model_field, raw, obj):
        """What Model.clean_fields() makes of *raw*: SKIP (an empty value of a field
        that may be blank, or the database's default), (True, the clean value) or
        (False, the errors)."""
        if (model_field.blank and raw in model_field.empty_values) or isinstance(
            raw, DatabaseDefault
        ):
            return SKIP
        try:
            return True, model_field.clean(raw, obj)
        except ValidationError as exc:
            return False, tuple(exc.error_list)


def check_file(upload) -> None:
    """Refuse an upload that is not a readable .xlsx workbook within the size limit."""
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_big",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head == OLE2_SIGNATURE:
        raise ValidationError(
            _("This is an old Excel file (.xls). Open it in Excel or WPS and save it as .xlsx."),
            code="xls",
        )
    if not upload.name.lower().endswith(".xlsx") or not head.startswith(ZIP_SIGNATURE):
        raise ValidationError(_("This is not an Excel workbook (.xlsx)."), code="not_xlsx")
    check_archive(upload)


def check_archive(source) -> None:
    """Refuse a zip that is not a workbook, or that would unpack to more than the
    limits (a zip bomb), before any part of it is parsed.

    The sizes checked are those the archive's central directory declares. They bound
    what parsing reads even when they lie: openpyxl reads through Python's zipfile,
    which never returns more of a part than its declared size and fails on the CRC
    when the data is not what was declared."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        parts = []
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if not {part.filename for part in parts} >= REQUIRED_PARTS:
        raise ValidationError(_("This is not an Excel workbook (.xlsx)."), code="not_xlsx")
    if len(parts) > MAX_PARTS:
        raise ValidationError(
            _(
                "The workbook has %(count)s parts, far more than an Excel file has. "
                "Save it again from Excel or WPS."
            ),
            code="too_many_parts",
            params={"count": f"{len(parts):,}"},
        )
    # Excel and WPS only deflate; other methods inflate in unbounded steps.
    if any(part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for part in parts):
        raise ValidationError(
            _("The workbook cannot be read; it may be damaged."), code="unreadable"
        )
    unpacked, limit = sum(part.file_size for part in parts), settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if unpacked > limit:
        raise ValidationError(
            _("The workbook unpacks to %(size)s; the limit is %(limit)s."),
            code="too_big_unpacked",
            params={"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
        )
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    for part in parts:
        if part.file_size > RATIO_GRACE_BYTES and part.file_size > ratio * part.compress_size:
            raise ValidationError(
                _(
                    "The workbook's part %(part)s is compressed %(ratio)s times, far more "
                    "than an Excel file is. Save it again from Excel or WPS."
                ),
                code="ratio",
                params={
                    "part": part.filename,
                    "ratio": f"{part.file_size // max(part.compress_size, 1):,}",
                },
            )


class Sheet:
    """The first worksheet of a workbook, read by python-calamine (about ten times
    faster than openpyxl's read-only mode), with its header checked against
    *columns*. Use as a context manager.

    calamine is handed only what Python's zipfile has unpacked and checked: every part
    no longer than its declared size and matching its CRC (the archive's own sizes may
    lie; calamine's unzip would read on), repacked uncompressed in memory. calamine
    then holds the sheet as one dense grid from its first to its last cell, so a
    few-KB file with one value in A1 and one in XFD1048576 would ask for half a
    terabyte (and abort the process): the sheet's XML is scanned for how far its cells
    reach before calamine reads it."""

    def __init__(self, source, columns: list[Column]):
        self.columns = columns
        with _unreadable():
            check_archive(source)
            self.workbook = CalamineWorkbook.from_filelike(checked_copy(source))
        try:
            with _unreadable():
                self.worksheet = self.workbook.get_sheet_by_index(0)
                self._refuse_merged_cells()
                # Rows come from the sheet's first row, cells from its first used column.
                self.offset = (self.worksheet.start or (0, 0))[1]
                self.height = (self.worksheet.end or (-1, 0))[0] + 1
                self.positions = self._positions()
        except ValidationError:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self.workbook.close()

    def has_more_rows_than(self, limit: int) -> bool:
        """Whether the sheet has more than *limit* data rows, reading no further than
        the one after."""
        return sum(1 for _row in itertools.islice(self.rows(), limit + 1)) > limit

    def _refuse_merged_cells(self):
        found = [
            f"{get_column_letter(first[1] + 1)}{first[0] + 1}:"
            f"{get_column_letter(last[1] + 1)}{last[0] + 1}"
            for first, last in self.worksheet.merged_cell_ranges or ()
        ]
        if found:
            raise ValidationError(
                _("The sheet has merged cells (%(ranges)s); unmerge them and fill every cell."),
                code="merged",
                params={"ranges": ", ".join(found[:10])},
            )

    def _cells(self, values) -> list:
        return [None] * self.offset + values if self.offset else values

    def _positions(self) -> dict[str, int]:
        header = self._cells(next(self.worksheet.iter_rows(), [])) if self.height else []
        found = [Truncator(_normal(str(v))).chars(40) for v in header if v not in (None, "")]
        positions, missing = {}, []
        for column in self.columns:
            index = next(
                (i for i, v in enumerate(header) if _normal(str(v or "")) in column.headers()),
                None,
            )
            if index is None:
                missing.append(str(column.header))
            else:
                positions[column.key] = index
        if missing:
            raise ValidationError(
                _(
                    "The first row must hold the template's headers. "
                    "Missing: %(missing)s. Found: %(found)s."
                ),
                code="headers",
                params={"missing": "、".join(missing), "found": "、".join(found) or "—"},
            )
        return positions

    def rows(self):
        """(row number, {column key: raw value}) of every non-blank data row."""
        positions = [(key, index - self.offset) for key, index in self.positions.items()]
        with _unreadable():
            rows = self.worksheet.iter_rows()
            next(rows, None)  # the header
            for number, cells in enumerate(rows, start=2):
                width = len(cells)
                raw = {key: cells[i] if 0 <= i < width else None for key, i in positions}
                if not all(_blank(value) for value in raw.values()):
                    yield number, raw


# Where the first sheet's cells reach: rows and cells of a worksheet part, each
# written with its reference first (r="…"), as Excel, WPS, openpyxl and XlsxWriter do.
ROW_NUMBER_RE = re.compile(rb'<row r="(\d+)"')
WIDE_CELL_RE = re.compile(rb'<c r="([A-Z]{2,})\d')  # beyond column Z
CELL_COLUMN_RE = re.compile(rb'<c r="([A-Z]+)\d')
UNREFERENCED_RE = re.compile(rb'<(?:row|c)(?! r=")[\s>/]')
PREFIXED_RE = re.compile(rb"<\w+:sheetData\b")
FIRST_SHEET_RE = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
RELATIONSHIP_RE = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'\b(Id|Target)="([^"]*)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def checked_copy(source) -> BytesIO:
    """The workbook at *source* repacked uncompressed in memory, every part read by
    zipfile (no further than declared, CRC-checked) a megabyte at a time (read whole,
    a part's every compressed byte is inflated at once), after refusing a first sheet
    whose cells reach too far (_check_reach)."""
    copy = BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(copy, "w") as target:
        sheet, xml = _first_sheet_part(archive), []
        for part in archive.infolist():
            with archive.open(part) as unpacked, target.open(part.filename, "w") as packed:
                while chunk := unpacked.read(1 << 20):
                    packed.write(chunk)
                    if part.filename == sheet:
                        xml.append(chunk)
    if hasattr(source, "seek"):
        source.seek(0)
    _check_reach(b"".join(xml))
    copy.seek(0)
    return copy


def _first_sheet_part(archive) -> str:
    """The name of the part of the workbook's first sheet (what calamine reads)."""

    def text(name):
        # The first megabyte: the sheets are listed near the start, and the
        # relationships of a workbook take a few KB.
        with archive.open(name) as part:
            return part.read(1 << 20).decode(errors="replace")

    sheet_id = FIRST_SHEET_RE.search(text("xl/workbook.xml")).group(1)
    for element in RELATIONSHIP_RE.findall(text("xl/_rels/workbook.xml.rels")):
        attributes = dict(ATTRIBUTE_RE.findall(element))
        if attributes.get("Id") == sheet_id:
            target = attributes["Target"]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise ValueError("The workbook names no first sheet.")


def _check_reach(xml: bytes) -> None:
    # (The substring test first: the pattern's scan was a third of these checks' time
    # on a 10,000-row sheet, and it cannot match without the substring.)
    if UNREFERENCED_RE.search(xml) or (b":sheetData" in xml and PREFIXED_RE.search(xml)):
        # Cells placed by counting could reach anywhere; refuse rather than guess.
        raise ValidationError(
            _("The workbook cannot be read; it may be damaged."), code="unreadable"
        )
    limit = settings.IMPORT_MAX_COLUMNS
    wide = set(WIDE_CELL_RE.findall(xml))
    if not wide and limit < 26:  # a limit below Z: every reference counts
        wide = set(CELL_COLUMN_RE.findall(xml))
    width = max(map(_column_number, wide)) if wide else 26
    if width > limit:
        raise ValidationError(
            _("The sheet has more than %(limit)s columns; keep the template's columns."),
            code="too_many_columns",
            params={"limit": limit},
        )
    rows = max(map(int, ROW_NUMBER_RE.findall(xml)), default=0)
    if rows * width > settings.IMPORT_MAX_CELLS:
        raise ValidationError(
            _(
                "The sheet's cells reach row %(row)s, more than an import can hold; "
                "delete the rows below the table."
            ),
            code="too_many_rows",
            params={"row": f"{rows:,}"},
        )


def parse_rows(sheet: Sheet, importer: Importer, progress=None) -> list[Row]:
    rows = []
    # The recorded size, when the file has one, is all there is to go on while parsing.
    total = 2 * sheet.height if sheet.height else None
    parsers = {column.key: column.parser() for column in importer.columns}
    headers = {column.key: str(column.header) for column in importer.columns}
    # A cell's parse depends on its column and value only, and most values repeat down
    # a column (choices, yes/no, dates, the committee): each is parsed once. The
    # type is part of the key: 1, 1.0 and True are equal but not the same cell.
    parsed = {column.key: {} for column in importer.columns}
    for done, (number, raw) in enumerate(sheet.rows(), start=1):
        row = Row(number, {})
        for key, value in raw.items():
            seen, cell = parsed[key], (value.__class__, value)
            if cell not in seen:
                try:
                    seen[cell] = True, parsers[key](value)
                except ValidationError as exc:
                    seen[cell] = False, exc.messages
            ok, result = seen[cell]
            if ok:
                row.values[key] = result
            else:
                row.errors += [RowError(number, headers[key], m) for m in result]
        rows.append(row)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    _mark_duplicates(rows, importer)
    return rows


def _mark_duplicates(rows: list[Row], importer: Importer):
    first_row = {}
    header = importer.header_of(importer.key)
    for row in rows:
        if row.errors or row.values.get(importer.key) in (None, ""):
            continue
        key = importer.natural_key(row.values)
        if key in first_row:
            row.errors.append(
                RowError(
                    row.number,
                    header,
                    _("Row %(row)d has the same %(column)s; each record may appear once.")
                    % {"row": first_row[key], "column": header},
                )
            )
        else:
            first_row[key] = row.number


def row_errors(importer: Importer, row: Row, exc: ValidationError) -> list[RowError]:
    """A full_clean() error of *row*, each message under the column it is about."""
    if not hasattr(exc, "error_dict"):
        return [RowError(row.number, "", m) for m in exc.messages]
    errors = []
    for name, messages in exc.message_dict.items():
        header = "" if name == NON_FIELD_ERRORS else importer.header_of(name)
        errors += [RowError(row.number, header, m) for m in messages]
    return errors


def run_import(importer: Importer, source, *, dry_run: bool, progress=None) -> Report:
    """Check, parse and validate the workbook at *source*; unless it is a dry run or
    any row is bad, write it. All or nothing, in one transaction."""
    with _collector_paused():
        return _run_import(importer, source, dry_run=dry_run, progress=progress)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while an import runs. An import builds
    tens of thousands of objects that live until it ends (rows, instances, plans,
    audit entries); each of their allocations counted towards a collection, and
    each full collection walked them and the whole loaded project again: about
    half of a 10,000-row import's time. What an import allocates is bounded by the
    file's limits (IMPORT_MAX_CELLS), its reference cycles are collected once the
    collector is back on, and a collector another thread turned off stays off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_import(importer: Importer, source, *, dry_run: bool, progress=None) -> Report:
    report = Report(dry_run=dry_run)
    started = time.perf_counter()

    def stage(name):
        nonlocal started
        now = time.perf_counter()
        report.seconds[name], started = now - started, now

    try:
        with Sheet(source, importer.columns) as sheet:
            rows = parse_rows(sheet, importer, progress)
        stage("read")
    except ValidationError as exc:
        report.errors = [RowError(0, "", m) for m in exc.messages]
        return report
    report.rows = len(rows)
    if not rows:
        report.errors = [
            RowError(0, "", _("The workbook has no rows to import below its headers."))
        ]
        return report
    actions = Counter()
    with transaction.atomic():
        good = [row for row in rows if not row.errors]
        importer.prepare(good)
        plans = []
        for done, row in enumerate(good, start=1):
            try:
                plan = importer.plan(row)
            except ValidationError as exc:
                row.errors += row_errors(importer, row, exc)
                continue
            plans.append(plan)
            actions[plan.action] += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(len(rows) + done, len(rows) * 2)
        report.errors = [error for row in rows for error in row.errors]
        stage("check")
        if report.ok and not dry_run:
            importer.write(plans)
            stage("write")
        else:
            # A dry run never writes, even if an importer's plan() did by mistake.
            transaction.set_rollback(True)
    report.new, report.changed, report.unchanged = (
        actions[NEW],
        actions[CHANGED],
        actions[UNCHANGED],
    )
    return report


def template_workbook(title: str, columns: list[Column], notes_title: str, notes=()) -> bytes:
    """A blank import template: the header row on the first sheet, with dates and
    text columns pre-formatted and pick lists on choice columns; the second sheet
    explains each column with an example."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    append_row(sheet, [str(c.header) for c in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        # Text columns as text, so Excel keeps ID numbers' digits and leading zeros.
        dimension.number_format = DATE_FORMAT if column.kind == DATE else "@"
        labels = column.labels()
        formula = '"' + ",".join(labels) + '"'
        # A quote in a label would end the list's string and let the rest be formula.
        listable = not any("," in label or '"' in label for label in labels)
        if labels and len(formula) <= 255 and listable:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.add(f"{letter}2:{letter}1048576")
            sheet.add_data_validation(validation)
    guide = workbook.create_sheet(sheet_title(notes_title))
    append_row(guide, [_("Column"), _("Required"), _("What to enter"), _("Example")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in columns:
        allowed = "、".join(column.labels())
        explanation = " ".join(str(part) for part in (column.help, allowed) if part)
        append_row(
            guide,
            [
                str(column.header),
                _("Yes") if column.required else "",
                explanation,
                str(column.example) if isinstance(column.example, Promise) else column.example,
            ],
        )
    for note in notes:
        guide.append([])
        append_row(guide, [str(note)])
    for letter, width in zip("ABCD", (18, 8, 60, 22), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def _unreadable():
    """Whatever zipfile or calamine raise on a damaged file becomes one clear message
    (a ValidationError raised inside, e.g. merged cells, passes through)."""
    try:
        yield
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(
            _("The workbook cannot be read; it may be damaged."), code="unreadable"
        ) from exc
    except BaseException as exc:
        # A panic in calamine's Rust code reaches Python as pyo3's PanicException,
        # which derives from BaseException; anything else of that kind goes on.
        if type(exc).__name__ != "PanicException":
            raise
        raise ValidationError(
            _("The workbook cannot be read; it may be damaged."), code="unreadable"
        ) from exc


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normal(text: str) -> str:
    """A header or label as typed: no surrounding or full-width spaces, no "*"."""
    return text.replace("\u3000", " ").strip().rstrip("*").strip()
