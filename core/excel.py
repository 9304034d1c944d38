"""Workbook plumbing shared by every app's excel.py: streamed exports with Chinese
headers and real dates and numbers (openpyxl write-only mode, constant memory)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '"¥"#,##0.00'


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable  # (row) -> cell value
    width: int = 14
    number_format: str | None = None


def build_workbook(sheet_title: str, columns: list[Column], rows) -> bytes:
    """A small workbook in memory (reports, users); big exports use write_workbook
    with a file so memory stays flat."""
    buffer = BytesIO()
    write_workbook(buffer, sheet_title, columns, rows)
    return buffer.getvalue()


def write_workbook(target, sheet_title, columns, rows, progress=None, total=None, every=2000):
    """Stream *rows* into an .xlsx at *target* (a path or a binary file), calling
    ``progress(done, total)`` every *every* rows. Returns the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(sheet_title)[:31])
    for index, column in enumerate(columns):
        ws.column_dimensions[_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for count, row in enumerate(rows, start=1):
        # Only formatted values need a cell object; plain values are written bare,
        # which keeps a big export close to openpyxl's own speed.
        cells = []
        for column in columns:
            value = column.value(row)
            if isinstance(value, Decimal):
                value = float(value)
            number_format = column.number_format or (
                DATE_FORMAT if isinstance(value, datetime.date) else None
            )
            if number_format and value is not None:
                value = WriteOnlyCell(ws, value=value)
                value.number_format = number_format
            cells.append(value)
        ws.append(cells)
        if progress and count % every == 0:
            progress(count, total)
    wb.save(target)
    return count


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
