"""Benchmark: the finance workbook of a settlement of --rows mediators (one payer's
sheet, numbers masked) against bare openpyxl write_only writing the same values, both
from the same lines in memory (no database), best of --repeat. Also the peak memory
of the workbook at --rows and at twice as many: a streamed writer stays flat."""

import datetime
import statistics
import tempfile
import time
import tracemalloc
from decimal import Decimal

from django.core.management.base import BaseCommand
from openpyxl import Workbook

from core.models import Bureau
from registry.models import Mediator
from subsidies.excel import MONEY, FinanceWorkbook
from subsidies.models import Settlement, SettlementLine, SubsidyRuleVersion

LEVELS = ["一级", "二级", "三级", "四级"]


def lines(count):
    rule = SubsidyRuleVersion(name="人民调解员补贴办法", effective_from=datetime.date(2026, 1, 1))
    bureau = Bureau(name="绍兴市司法局")
    settlement = Settlement(bureau=bureau, month=datetime.date(2026, 3, 1), rule_version=rule)
    rows = []
    for n in range(count):
        mediator = Mediator(
            name=f"调解员{n}",
            id_number=f"33060219750601{n % 1000:03d}1",
            bank_name="农业银行",
            bank_account=f"62284800{n:011d}",
        )
        mediator.normalize()  # the masked numbers, as a saved mediator has them
        amounts = {
            "base": Decimal("2500.00"),
            "case_amount": Decimal(n % 7 * 200),
            "bonus": Decimal(0),
            "award": Decimal(500 if n % 50 == 0 else 0),
            "capped": Decimal(0),
            "adjustment": Decimal(-50 if n % 97 == 0 else 0),
        }
        amounts["total"] = sum(amounts.values())
        rows.append(
            SettlementLine(
                mediator=mediator, payer="bureau", level=n % 4 + 1, cases=n % 7, **amounts
            )
        )
    return settlement, rows


def ours(settlement, rows, target):
    FinanceWorkbook(settlement, lines=rows, cases=[], level_names=LEVELS).write(target)


def bare(settlement, rows, target):
    """openpyxl write_only with the same values, no formats, masks or totals."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("司法局")
    sheet.append(["序号", "姓名", "身份证号码", "开户银行", "银行账号", "等级", "计补案件数"])
    for index, line in enumerate(rows, start=1):
        m = line.mediator
        sheet.append(
            [index, m.name, m.id_number, m.bank_name, m.bank_account, LEVELS[line.level - 1]]
            + [line.cases]
            + [float(getattr(line, name)) for name in MONEY]
        )
    book.create_sheet("案件明细")
    book.save(target)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10000)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, rows, repeat, **options):
        settlement, data = lines(rows)
        times = {}
        for name, writer in (("openpyxl write_only", bare), ("finance workbook", ours)):
            runs = []
            for _run in range(repeat):
                with tempfile.TemporaryFile() as target:
                    started = time.perf_counter()
                    writer(settlement, data, target)
                    runs.append(time.perf_counter() - started)
            times[name] = min(runs)
            self.stdout.write(
                f"{name}: best {times[name]:.2f} s, median {statistics.median(runs):.2f} s"
            )
        peaks = []
        for count in (rows, rows * 2):
            settlement, data = lines(count)
            tracemalloc.start()
            with tempfile.TemporaryFile() as target:
                ours(settlement, data, target)
            peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
            tracemalloc.stop()
            del data
        self.stdout.write(
            f"peak memory of the writer: {peaks[0]:.1f} MB at {rows} rows, "
            f"{peaks[1]:.1f} MB at {rows * 2}"
        )
        ratio = times["finance workbook"] / times["openpyxl write_only"]
        self.stdout.write(f"BENCH finance-workbook ratio={ratio:.2f} goal<=1.3")
