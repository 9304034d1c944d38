import datetime
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.http import QueryDict
from openpyxl import Workbook, load_workbook

from core.imports import run_import
from core.models import Region
from core.personal import make_id_number
from core.regions import RegionLevel
from core.tenancy import all_regions, jurisdiction
from registry.excel.exports import MediatorExport, mediator_columns, mediator_queryset
from registry.excel.importers import MediatorImporter
from registry.excel.templates import MEDIATOR_COLUMNS
from registry.models import Appointment, Committee, ExpertiseField, Mediator

# A province code no real division uses: the benchmark's throwaway jurisdiction.
PROVINCE = "99"
COUNTY = "990101"
VILLAGE = "990101001001"
ID_AREA = "659004"  # the area digits of the generated ID card numbers
COMMITTEES = 20


class Command(BaseCommand):
    help = (
        "Benchmark the roster's Excel import and export against bare openpyxl. Builds its "
        "own data in a throwaway jurisdiction (division code 99…) of the configured "
        "database, inside one transaction that is rolled back at the end, so the "
        "database is left as it was. On SQLite it holds the write lock while it runs "
        "(about a minute at the defaults)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000, help="rows of the import")
        parser.add_argument(
            "--export-rows", type=int, default=100_000, help="mediators in the big export"
        )

    def handle(self, *args, rows, export_rows, **options):
        export_rows = max(export_rows, rows)
        with tempfile.TemporaryDirectory() as tmp, all_regions(), transaction.atomic():
            actor = self._world()
            path = Path(tmp) / "mediators.xlsx"
            self._workbook(path, rows)
            with jurisdiction(PROVINCE):
                self._bench_import(path, rows, actor)
                self._bench_export(Path(tmp), rows, export_rows)
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: the database is as it was.")

    def _world(self):
        for code, parent, level in (
            ("990000000000", None, RegionLevel.PROVINCE),
            ("990100000000", "990000000000", RegionLevel.CITY),
            ("990101000000", "990100000000", RegionLevel.COUNTY),
            ("990101001000", "990101000000", RegionLevel.TOWNSHIP),
            (VILLAGE, "990101001000", RegionLevel.VILLAGE),
        ):
            Region.objects.create(code=code, name=f"基准{code}", parent_id=parent, level=level)
        for n in range(COMMITTEES):
            Committee.objects.create(
                code=f"BENCH-{n:03d}", name=f"基准调委会{n}", kind="village", region_id=VILLAGE
            )
        return get_user_model().objects.create(username="bench-roster")

    def _rows(self, count):
        fields = [f.name for f in ExpertiseField.objects.all()[:3]]
        for i in range(count):
            gender = "M" if (i // 500) % 2 else "F"
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 1000)
            yield {
                "id_number": make_id_number(ID_AREA, born, i % 500, gender),
                "name": f"基准调解员{i}",
                "gender": gender,
                "birth_date": born,
                "phone": f"139{i:08d}",
                "education": "college",
                "political_status": "cpc",
                "background": "village_cadre",
                "expertise": "、".join(fields[: i % 3 + 1]),
                "volunteer": i % 2 == 0,
                "expert_pool": i % 7 == 0,
                "bank_name": "中国农业银行",
                "bank_account": f"62284800{i:011d}",
                "committee": f"BENCH-{i % COMMITTEES:03d}",
                "post": "mediator",
                "full_time": i % 3 == 0,
                "paid_by": "bureau",
                "starts_on": datetime.date(2024, 1, 1),
                "ends_on": None,
                "exit_reason": "",
            }

    def _workbook(self, path, count):
        """The import file, as a user would fill the template: labels, 是/否, dates."""
        labels = {c.key: dict(c.choices) for c in MEDIATOR_COLUMNS if c.choices}
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Mediators")
        sheet.append([str(c.header) for c in MEDIATOR_COLUMNS])
        for row in self._rows(count):
            cells = []
            for column in MEDIATOR_COLUMNS:
                value = row[column.key]
                if column.key in labels and value:
                    value = str(labels[column.key][value])
                elif isinstance(value, bool):
                    value = "是" if value else "否"
                cells.append(value)
            sheet.append(cells)
        workbook.save(path)

    def _bench_import(self, path, rows, actor):
        size = path.stat().st_size / 1e6
        self.stdout.write(f"Import of a {rows:,}-row mediator workbook ({size:.1f} MB)")
        started = time.perf_counter()
        workbook = load_workbook(path, read_only=True, data_only=True)
        for _row in workbook.worksheets[0].iter_rows(values_only=True):
            pass
        workbook.close()
        baseline = time.perf_counter() - started
        self._line("openpyxl read_only, reading only", baseline)
        for label, dry_run in (("dry run", True), ("real run", False), ("re-import", False)):
            started = time.perf_counter()
            report = run_import(MediatorImporter(actor), path, dry_run=dry_run)
            seconds = time.perf_counter() - started
            counts = (
                f"new {report.new:,}, changed {report.changed:,}, unchanged {report.unchanged:,}"
            )
            if report.errors:
                counts = f"{len(report.errors)} errors, e.g. {report.errors[:3]}"
            self._line(f"{label} ({counts})", seconds, baseline)

    def _bench_export(self, tmp, rows, export_rows):
        self.stdout.write(f"Export of {export_rows:,} mediators")
        memory = {rows: self._peak(tmp, rows)}
        self._add_mediators(rows, export_rows)
        started = time.perf_counter()
        written = MediatorExport(None, QueryDict()).write(tmp / "export.xlsx")
        seconds = time.perf_counter() - started
        baseline = self._bare_write(tmp, written)
        self._line("bare openpyxl write_only, same rows", baseline)
        self._line(f"export of {written:,} rows", seconds, baseline)
        memory[export_rows] = self._peak(tmp, export_rows)
        for count, peak in memory.items():
            self.stdout.write(f"  peak memory (tracemalloc) at {count:>9,} rows: {peak:8.1f} MB")

    def _peak(self, tmp, count):
        gc.collect()
        tracemalloc.start()
        MediatorExport(None, QueryDict()).write(tmp / f"export-{count}.xlsx")
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        return peak

    def _bare_write(self, tmp, count):
        """openpyxl alone writing *count* rows shaped like the export's."""
        columns = mediator_columns()
        first = mediator_queryset(QueryDict()).first()
        sample = [column.value(first) for column in columns]
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("bare")
        sheet.append([str(c.header) for c in columns])
        for _i in range(count):
            sheet.append(sample)
        workbook.save(tmp / "bare.xlsx")
        return time.perf_counter() - started

    def _add_mediators(self, start, stop):
        """More mediators for the big export, written directly (not timed)."""
        fields = {f.name: f for f in ExpertiseField.objects.all()}
        committees = {c.code: c for c in Committee.objects.all()}
        rows = list(self._rows(stop))[start:]
        for chunk in range(0, len(rows), 5000):
            batch = rows[chunk : chunk + 5000]
            mediators = []
            for row in batch:
                mediator = Mediator(
                    region_id=VILLAGE,
                    **{k: row[k] for k in MediatorImporter.fields},
                )
                mediator.normalize()
                mediators.append(mediator)
            Mediator.objects.bulk_create(mediators, batch_size=1000)
            Mediator.expertise.through.objects.bulk_create(
                Mediator.expertise.through(mediator_id=m.pk, expertisefield_id=fields[name].pk)
                for m, row in zip(mediators, batch, strict=True)
                for name in row["expertise"].split("、")
            )
            Appointment.objects.bulk_create(
                Appointment(
                    mediator=m,
                    committee=committees[row["committee"]],
                    region_id=VILLAGE,
                    post=row["post"],
                    full_time=row["full_time"],
                    paid_by=row["paid_by"],
                    starts_on=row["starts_on"],
                )
                for m, row in zip(mediators, batch, strict=True)
            )

    def _line(self, label, seconds, baseline=None):
        ratio = f"  ({seconds / baseline:.1f}x)" if baseline else ""
        self.stdout.write(f"  {label:<62} {seconds:7.2f} s{ratio}")
