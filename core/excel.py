"""Workbook plumbing shared by every app's excel.py: streamed exports with Chinese
headers and real dates and numbers (openpyxl write-only mode, constant memory)."""

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
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns):
        ws.column_dimensions[_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = []
        for column in columns:
            value = column.value(row)
            if isinstance(value, Decimal):
                value = float(value)
            cell = WriteOnlyCell(ws, value=value)
            if column.number_format:
                cell.number_format = column.number_format
            elif hasattr(value, "year") and not isinstance(value, str):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        ws.append(cells)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
