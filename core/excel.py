"""Workbook plumbing shared by every app's excel.py: streamed exports with Chinese
headers and real dates and numbers (openpyxl write-only mode, constant memory).

Every workbook the project writes goes through this module, so the two rules about
stored text hold everywhere:

- Text stays text. A value starting with "=" would otherwise be written as a live
  formula (a committee named ``=HYPERLINK(...)`` becomes a link in every exported
  roster); one starting with "+", "-", "@", a tab or a CR is stored as text but turns
  into a formula as soon as a user edits the cell. Such a value is typed as a string
  and gets the quotePrefix style, which Excel and WPS keep when the cell is edited.
  The text itself is never changed.
- Characters XML cannot hold (C0 controls, lone surrogates, U+FFFE/U+FFFF) are
  replaced by U+FFFD. openpyxl raises on the controls and the file would be damaged
  by the others; records already stored with them must still export, and the mark
  shows staff which record to correct.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '"¥"#,##0.00'

# First characters that make a spreadsheet read a cell as a formula (the full-width
# forms too: East Asian input methods turn them into the ASCII ones), and "#", so a
# text such as "#N/A" is not written as an error value.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠#")
# What XML 1.0 allows in a document (tab, LF, CR and everything from U+0020 but the
# surrogates, U+FFFE and U+FFFF); anything else is replaced.
UNWRITABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"
# Excel refuses these in a sheet's name, and names longer than 31 characters.
TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
TITLE_LENGTH = 31


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable  # (row) -> cell value
    width: int = 14
    number_format: str | None = None


def writable(text: str) -> str:
    """*text* with every character a workbook cannot hold replaced by U+FFFD."""
    # isprintable() is a fast C scan that is true for nearly every value, and a
    # printable string holds none of the unwritable characters.
    return text if text.isprintable() else UNWRITABLE.sub(REPLACEMENT, text)


def sheet_title(title) -> str:
    """A name Excel accepts for a sheet, from any text (a bureau's or a snapshot's
    name may hold characters a sheet name cannot)."""
    title = TITLE_FORBIDDEN.sub("_", writable(str(title)))[:TITLE_LENGTH].strip().strip("'")
    return title or "Sheet1"


def set_text(cell, text: str) -> None:
    """Put *text* into *cell* (of any workbook) as text that stays text."""
    text = writable(text)
    cell.value = text
    if text and text[0] in FORMULA_STARTS:
        cell.data_type = "s"  # openpyxl made "=…" a formula
        cell.quotePrefix = True


def cell_value(ws, value, number_format=None):
    """What to append to *ws* for *value*: the value itself when openpyxl writes it
    right bare (the common case, which keeps big exports close to openpyxl's own
    speed), else a cell carrying its format or its text protection."""
    if isinstance(value, str):
        value = writable(value)
        if value and value[0] in FORMULA_STARTS:
            cell = WriteOnlyCell(ws)
            set_text(cell, value)
            return cell
    elif isinstance(value, Decimal):
        value = float(value)
    elif number_format is None and isinstance(value, datetime.date):
        number_format = DATE_FORMAT
    if number_format is None or value is None:
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def append_row(ws, values) -> None:
    """Append *values* to *ws* (a worksheet of any mode) through cell_value."""
    ws.append([cell_value(ws, value) for value in values])


def build_workbook(title: str, columns: list[Column], rows) -> bytes:
    """A small workbook in memory (reports, users); big exports use write_workbook
    with a file so memory stays flat."""
    buffer = BytesIO()
    write_workbook(buffer, title, columns, rows)
    return buffer.getvalue()


def write_workbook(target, title, columns, rows, progress=None, total=None, every=2000):
    """Stream *rows* into an .xlsx at *target* (a path or a binary file), calling
    ``progress(done, total)`` every *every* rows. Returns the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(title))
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws)
        set_text(cell, str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    pairs = [(column.value, column.number_format) for column in columns]
    count = 0
    for count, row in enumerate(rows, start=1):
        cells = []
        for get, number_format in pairs:
            value = get(row)
            # cell_value's common case inline: plain text, written bare.
            if (
                value.__class__ is str
                and number_format is None
                and value.isprintable()
                and value[:1] not in FORMULA_STARTS
            ):
                cells.append(value)
            else:
                cells.append(cell_value(ws, value, number_format))
        ws.append(cells)
        if progress and count % every == 0:
            progress(count, total)
    wb.save(target)
    return count
