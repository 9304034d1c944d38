"""The finance workbook of a settlement, as finance offices expect it: per payer a
sheet headed by the bureau, the month, the payer and the rule version, one row per
mediator (ID card and bank account masked unless a finance user asked for them in
full, each such read audited on the mediator's record), base / case / bonus / award
/ cap / adjustment / total as numbers with two decimals, a totals row, and the
signature lines (制表人, 审核人, 负责人); then a sheet of every case paid. Every
workbook written leaves an entry on the settlement's trail (who took which bill).

Written by XlsxWriter in constant-memory mode through core.excel's cell writer
(text stays text, control characters replaced), so a city's 10,000 lines stream
with flat memory. Totals are written as numbers (summed while streaming), not
formulas: a formula has no value until a spreadsheet program recalculates it, and
finance systems that import the file read values. Up to STREAM_LIMIT lines are
written in the request, more by a job (subsidies.finance_tasks)."""

import contextlib
import datetime
import tempfile
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import role_data
from core.excel import XLSX_CONTENT_TYPE, _CellWriter, sheet_title, streaming_workbook
from core.exports import CHUNK, STREAM_LIMIT
from core.jobs import start_job
from core.models import RoleKind
from registry import levels
from registry.models import Mediator
from registry.models.choices import PaidBy
from registry.personal_access import log_reveals
from subsidies import workflow
from subsidies.models import SettledCase, SettlementLine, SettlementStatus

AMOUNT_FORMAT = "#,##0.00"
# The personal numbers the workbook shows, and who may see them in full: finance
# pays into the account and matches the payee's ID.
NUMBERS = ("id_number", "bank_account")
REVEAL_KINDS = frozenset({RoleKind.FINANCE})
MONEY = ("base", "case_amount", "bonus", "award", "capped", "adjustment", "total")


def revealed_fields(role, asked: bool) -> frozenset:
    return (
        frozenset(NUMBERS)
        if asked and role is not None and role.kind in REVEAL_KINDS
        else frozenset()
    )


def month_label(month: datetime.date) -> str:
    return _("%(year)d-%(month)02d") % {"year": month.year, "month": month.month}


def file_name(settlement, payer="") -> str:
    payer_part = f"-{payer}" if payer else ""
    return f"subsidies-{settlement.month:%Y-%m}{payer_part}.xlsx"


def line_queryset(settlement, payer=""):
    lines = SettlementLine.objects.filter(settlement_id=settlement.pk)
    if payer:
        lines = lines.filter(payer=payer)
    return lines.select_related("mediator").order_by("payer", "mediator__name", "pk")


def case_queryset(settlement, payer=""):
    cases = SettledCase.objects.filter(line__settlement_id=settlement.pk)
    if payer:
        cases = cases.filter(line__payer=payer)
    return cases.select_related("case", "mediator", "line").order_by(
        "line__payer", "mediator__name", "case__number", "pk"
    )


class FinanceWorkbook:
    """One settlement's workbook (*payer*: one payer's sheet only). *lines* and
    *cases* default to the settlement's (``line_queryset``) and *level_names* to its
    bureau's; a benchmark passes its own. *revealed*: the numbers shown in full."""

    def __init__(
        self,
        settlement,
        *,
        payer="",
        revealed=frozenset(),
        lines=None,
        cases=None,
        level_names=None,
    ):
        self.settlement, self.payer, self.revealed = settlement, payer, revealed
        self._lines, self._cases = lines, cases
        self.level_names = level_names or levels.names(settlement.bureau)
        self.payers = dict(PaidBy.choices)

    def lines(self):
        if self._lines is not None:
            return self._lines
        return line_queryset(self.settlement, self.payer).iterator(chunk_size=CHUNK)

    def cases(self):
        if self._cases is not None:
            return self._cases
        return case_queryset(self.settlement, self.payer).iterator(chunk_size=CHUNK)

    def write(self, target, progress=None, total=None) -> int:
        """Write to *target* (a path or a binary file); returns the number of lines."""
        book = streaming_workbook(target)
        self.formats = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "head": book.add_format({"bold": True, "border": 1, "text_wrap": True}),
            "amount": book.add_format({"num_format": AMOUNT_FORMAT}),
            "total": book.add_format({"bold": True, "num_format": AMOUNT_FORMAT, "top": 1}),
            "total_label": book.add_format({"bold": True, "top": 1}),
        }
        self.book = book
        count, sheet = 0, None
        for line in self.lines():
            if sheet is None or line.payer != sheet.payer:
                if sheet is not None:
                    sheet.finish()
                sheet = _PayerSheet(self, line.payer)
            sheet.add(line)
            count += 1
            if progress and count % CHUNK == 0:
                progress(count, total)
        if sheet is not None:
            sheet.finish()
        else:
            _PayerSheet(self, self.payer).finish()  # an empty bill still says so
        self._write_cases()
        book.close()
        return count

    def number(self, mediator, field) -> str:
        return (
            getattr(mediator, field) if field in self.revealed else mediator.masked(field)
        ) or ""

    def _write_cases(self):
        sheet = self.book.add_worksheet(sheet_title(_("Case detail")))
        cell = _CellWriter(self.book, sheet)
        headers = [
            (_("Mediator"), 12),
            (_("Paid by"), 12),
            (_("Case number"), 22),
            (_("Closed on"), 12),
            (_("Role"), 10),
            (_("Rate applied"), 16),
            (_("Rate for the case"), 12),
            (_("Share of the case"), 8),
            (_("Factors"), 12),
            (_("Special award"), 12),
            (_("Amount paid"), 12),
        ]
        for index, (header, width) in enumerate(headers):
            sheet.set_column(index, index, width)
            cell.write(0, index, header, None, self.formats["head"])
        amount = self.formats["amount"]
        total = Decimal("0.00")
        row = 0
        for row, paid in enumerate(self.cases(), start=1):
            cell.write(row, 0, paid.mediator.name)
            cell.write(row, 1, self.payers.get(paid.line.payer, paid.line.payer))
            cell.write(row, 2, paid.case.number)
            cell.write(row, 3, paid.case.closed_on)
            cell.write(row, 4, paid.get_role_display())
            cell.write(row, 5, paid.get_rate_kind_display())
            sheet.write_number(row, 6, float(paid.rate), amount)
            sheet.write_number(row, 7, float(paid.share))
            sheet.write_number(row, 8, float(paid.factors), amount)
            sheet.write_number(row, 9, float(paid.award), amount)
            sheet.write_number(row, 10, float(paid.amount), amount)
            total += paid.amount
        cell.write(row + 1, 0, _("Total"), None, self.formats["total_label"])
        sheet.write_number(row + 1, 10, float(total), self.formats["total"])


class _PayerSheet:
    """One payer's bill, written row by row; ``finish`` adds totals and signatures."""

    def __init__(self, workbook: FinanceWorkbook, payer: str):
        self.workbook, self.payer = workbook, payer
        settlement = workbook.settlement
        label = workbook.payers.get(payer, payer) or _("Every payer")
        self.sheet = workbook.book.add_worksheet(sheet_title(label))
        self.cell = _CellWriter(workbook.book, self.sheet)
        self.sums = dict.fromkeys(MONEY, Decimal("0.00"))
        self.cases = 0
        formats = workbook.formats
        title = _("%(bureau)s people's mediators' subsidies, %(month)s") % {
            "bureau": settlement.bureau.name,
            "month": month_label(settlement.month),
        }
        version = settlement.rule_version
        self.cell.write(0, 0, title, None, formats["title"])
        self.cell.write(
            1,
            0,
            _("Payer: %(payer)s. Rules: %(version)s, in force from %(start)s. Status: %(status)s.")
            % {
                "payer": label,
                "version": version.name,
                "start": version.effective_from.isoformat(),
                "status": settlement.get_status_display(),
            },
        )
        self.columns = [
            (_("No."), 6),
            (Mediator._meta.get_field("name").verbose_name, 10),
            (_("ID card number"), 22),
            (_("Bank"), 16),
            (_("bank account"), 24),
            (_("Level"), 8),
            (_("Cases counted"), 8),
            (_("Base subsidy"), 12),
            (_("Case subsidy"), 12),
            (_("Performance bonus"), 12),
            (_("Special awards"), 12),
            (_("Held back by the cap"), 12),
            (_("Adjustments"), 12),
            (_("Total"), 14),
            (_("Note"), 20),
        ]
        for index, (header, width) in enumerate(self.columns):
            self.sheet.set_column(index, index, width)
            self.cell.write(3, index, header, None, formats["head"])
        self.row = 3

    def add(self, line):
        self.row += 1
        row, cell, sheet = self.row, self.cell, self.sheet
        workbook = self.workbook
        mediator = line.mediator
        amount = workbook.formats["amount"]
        sheet.write_number(row, 0, row - 3)
        cell.write(row, 1, mediator.name)
        cell.write(row, 2, workbook.number(mediator, "id_number"))
        cell.write(row, 3, mediator.bank_name)
        cell.write(row, 4, workbook.number(mediator, "bank_account"))
        cell.write(row, 5, levels.name(line.level, workbook.level_names) if line.level else "")
        sheet.write_number(row, 6, line.cases)
        for index, name in enumerate(MONEY, start=7):
            value = getattr(line, name)
            self.sums[name] += value
            sheet.write_number(row, index, float(value), amount)
        if line.blocked:
            cell.write(row, 14, line.get_blocked_display())
        self.cases += line.cases

    def finish(self):
        formats = self.workbook.formats
        row = self.row + 1
        self.cell.write(row, 0, _("Total"), None, formats["total_label"])
        for index in range(1, 6):
            self.sheet.write_blank(row, index, None, formats["total_label"])
        self.sheet.write_number(row, 6, self.cases, formats["total_label"])
        for index, name in enumerate(MONEY, start=7):
            self.sheet.write_number(row, index, float(self.sums[name]), formats["total"])
        row += 2
        signatures = [_("Prepared by:"), _("Checked by:"), _("Approved by (head):")]
        for index, label in zip((1, 5, 9), signatures, strict=True):
            self.cell.write(row, index, label)
        self.cell.write(
            row + 1, 1, _("Date: %(date)s") % {"date": timezone.localdate().isoformat()}
        )


class FinanceExport:
    """The workbook of *settlement* for *role*: streamed in the request when it has
    up to STREAM_LIMIT lines, else a job (``answer``). Revealed numbers are audited
    on each mediator's record as the file is written. Once finance has the file of
    an approved settlement, the settlement is exported (subsidies.workflow)."""

    job_kind = "finance_workbook"

    def __init__(self, role, settlement, payer="", reveal=False):
        self.role, self.settlement, self.payer = role, settlement, payer
        self.revealed = revealed_fields(role, reveal)

    def count(self) -> int:
        return line_queryset(self.settlement, self.payer).count()

    def write(self, target, progress=None) -> int:
        workbook = FinanceWorkbook(self.settlement, payer=self.payer, revealed=self.revealed)
        if self.revealed:
            workbook._lines = _audited(workbook.lines(), sorted(self.revealed), self.role)
        rows = workbook.write(target, progress, self.count() if progress else None)
        self._audit(rows)
        return rows

    def _audit(self, rows):
        """An "access" entry on the settlement's trail for every workbook written: who
        took which payer's bill, and which numbers it shows in full."""
        LogEntry.objects.log_create(
            self.settlement,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            # The keys of a job's download (core.jobs.audit_download), so the trail
            # reads "downloaded <file>, showing … in full" (core.history).
            changes={
                "downloaded": [file_name(self.settlement, self.payer)],
                "revealed": sorted(self.revealed),
                "lines": [rows],
            },
            actor=self.role.user,
            additional_data={"role": role_data(self.role)},
        )

    def answer(self, task):
        if self.count() > STREAM_LIMIT:
            return start_job(
                self.role,
                self.job_kind,
                task,
                settlement=self.settlement.pk,
                payer=self.payer,
                reveal=bool(self.revealed),
            )
        target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        self.write(target)
        self.exported()
        target.seek(0)
        return FileResponse(
            target,
            as_attachment=True,
            filename=file_name(self.settlement, self.payer),
            content_type=XLSX_CONTENT_TYPE,
        )

    def keep(self, job, progress) -> int:
        with tempfile.TemporaryFile() as target:
            rows = self.write(target, progress=progress)
            target.seek(0)
            job.result_file.save(file_name(self.settlement, self.payer), File(target), save=False)
        self.exported()
        progress(rows, rows)
        return rows

    def exported(self):
        """Record the export of an approved settlement when finance took its file (a
        settlement already exported, or exported meanwhile by a colleague, stays so)."""
        if (
            self.role.kind != RoleKind.FINANCE
            or self.settlement.status != SettlementStatus.APPROVED
        ):
            return
        # No longer approved: someone else moved it on meanwhile.
        with contextlib.suppress(ValidationError):
            self.settlement = workflow.mark_exported(self.settlement, self.role.user)


def _audited(lines, fields, role):
    """Pass the lines through, auditing the read of *fields* chunk by chunk."""
    ids = []
    for line in lines:
        ids.append(line.mediator_id)
        if len(ids) == CHUNK:
            log_reveals(ids, fields, role=role, via="export")
            ids = []
        yield line
    if ids:
        log_reveals(ids, fields, role=role, via="export")
