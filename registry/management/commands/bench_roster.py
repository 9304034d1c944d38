import datetime
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from core.imports import checked_copy, run_import
from core.models import Region
from core.personal import digest, make_id_number
from core.regions import RegionLevel
from core.tenancy import all_regions, jurisdiction
from registry.excel.exports import MediatorExport
from registry.excel.importers import MediatorImporter
from registry.excel.templates import MEDIATOR_COLUMNS
from registry.models import Appointment, Committee, ExpertiseField, Mediator
from registry.models.mediators import PERSONAL_FIELDS

# A province code no real division uses: the benchmark's throwaway jurisdiction.
PROVINCE = "99"
VILLAGE = "990101001001"
ID_AREA = "659004"  # the area digits of the generated ID card numbers
COMMITTEES = 20
# The project's goals (issue 15): import and dry run against merely reading the file
# with calamine; export against the same rows from one plain cursor written by the
# bare writer; peak memory of the whole process at the big size against the small.
GOALS = {
    "roster-import": 3,
    "roster-import-dry-run": 2,
    "roster-export": 1.3,
    "roster-export-peak-memory": 1.1,
}
# run_import's stages (core.imports.Report.seconds), as the breakdown names them.
STAGES = {
    "read": "file checked, read and parsed",
    "check": "rows checked (database look-ups, model rules)",
    "write": "written (COPY, encryption, audit entries)",
    "commit": "foreign keys checked (PostgreSQL, at commit)",
}
MEMORY_SHARE = 10  # the memory figure's small size: a tenth of the big one

# The export's rows and columns, read the plainest way: one query, one cursor, the
# values as stored (personal numbers as their stored masked forms, which the export
# shows, choices as codes).
BASELINE_SQL = """
SELECT m.id_number_masked, m.name, m.gender, m.birth_date, m.phone_masked, m.education,
       m.political_status, m.background,
       (SELECT {aggregate} FROM registry_mediator_expertise x
        JOIN registry_expertisefield f ON f.code = x.expertisefield_id
        WHERE x.mediator_id = m.id),
       m.volunteer, m.expert_pool, m.bank_name, m.bank_account_masked,
       c.code, a.post, a.full_time, a.paid_by, a.starts_on, a.ends_on, a.exit_reason,
       c.name, m.level, m.status, m.region_id
FROM registry_mediator m
LEFT JOIN registry_appointment a ON a.mediator_id = m.id AND a.ends_on IS NULL
LEFT JOIN registry_committee c ON c.id = a.committee_id
WHERE m.region_id LIKE %s
ORDER BY m.region_id, m.name, m.id
"""
AGGREGATE = {"postgresql": "string_agg(f.name, '、')", "sqlite": "group_concat(f.name, '、')"}
# Numbers 1…n from the database itself (PostgreSQL and SQLite alike), so a 100,000-row
# roster is generated without holding it in Python.
SERIES = "WITH RECURSIVE n(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM n WHERE i < %s) "


class Command(BaseCommand):
    help = (
        "Benchmark the roster's Excel import and export. The import against merely "
        "reading the same file with python-calamine, the export against the same rows "
        "read with one plain cursor and written by the bare writer (XlsxWriter; bare "
        "openpyxl is shown beside it), each the median of --repeat runs of both sides; "
        "the export's peak memory (VmHWM, the whole process) at two sizes, each in a "
        "process of its own. Works in a throwaway jurisdiction (division code 99…) "
        "inside transactions that are rolled back. Ends with one line per figure: "
        "BENCH <name> ratio=<x> goal<=<y>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000, help="rows of the import")
        parser.add_argument(
            "--export-rows", type=int, default=100_000, help="mediators in the big export"
        )
        parser.add_argument("--repeat", type=int, default=3, help="runs of each side (median)")
        parser.add_argument(
            "--peak-memory-of",
            type=int,
            metavar="ROWS",
            help=(
                "(internal) export ROWS generated mediators and print this process's peak memory"
            ),
        )

    def handle(self, *args, rows, export_rows, repeat, peak_memory_of, **options):
        if peak_memory_of:
            self._print_peak_memory(peak_memory_of)
            return
        repeat = max(repeat, 3)
        ratios = {}
        # First, while this process holds no transaction (SQLite allows one writer).
        small = max(export_rows // MEMORY_SHARE, 1)
        peaks = {count: self._peak_in_subprocess(count) for count in (small, export_rows)}
        self._vacuum()
        with tempfile.TemporaryDirectory() as tmp, all_regions():
            # The import and the export each in a transaction of its own. In one, the
            # export read rows its own transaction had inserted after the import's
            # dozens of rolled-back savepoints, and its queries took five times as
            # long as on rows a user exports (past 64 subtransactions PostgreSQL
            # looks each such row's visibility up in pg_subtrans).
            with transaction.atomic():
                actor = self._world()
                path = Path(tmp) / "mediators.xlsx"
                self._workbook(path, rows)
                with jurisdiction(PROVINCE):
                    ratios.update(self._bench_import(path, rows, actor, repeat))
                transaction.set_rollback(True)
            with transaction.atomic():
                self._world()
                with jurisdiction(PROVINCE):
                    ratios["roster-export"] = self._bench_export(Path(tmp), export_rows, repeat)
                transaction.set_rollback(True)
        self.stdout.write("Export's peak memory (VmHWM: the whole process, one process a size)")
        for count, peak in peaks.items():
            self.stdout.write(f"  {count:>9,} rows: {peak / 1024:8.1f} MB")
        ratios["roster-export-peak-memory"] = peaks[export_rows] / peaks[small]
        self.stdout.write("Rolled back: the database is as it was.")
        with open("/proc/loadavg") as loadavg:
            self.stdout.write(f"load average: {loadavg.read().strip()}")
        for name, ratio in ratios.items():
            self.stdout.write(f"BENCH {name} ratio={ratio:.2f} goal<={GOALS[name]}")

    @staticmethod
    def _vacuum():
        """On PostgreSQL, clear the dead rows of the tables the benchmark writes: each
        run inserts and rolls back its roster (and the memory runs theirs), and a few
        runs' dead rows, until autovacuum came round, made the export's per-chunk
        queries read through a million of them (1.32x the bare writer instead of
        0.97x at 100,000 rows). VACUUM runs outside a transaction, as this is."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "VACUUM ANALYZE registry_mediator, registry_appointment, "
                    "registry_mediator_expertise, registry_committee, auditlog_logentry"
                )

    # The world and the data

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

    def _generate(self, count):
        """*count* mediators in the bench village, each with a post and two fields of
        expertise, inserted by the database from one template row (the personal
        numbers' ciphertext is the same in every row; each is still decrypted)."""
        template = next(iter(self._rows(1)))
        mediator = Mediator(region_id=VILLAGE, **{k: template[k] for k in MediatorImporter.fields})
        mediator.normalize()
        mediator.created_at = mediator.updated_at = timezone.now()
        varying = {"name": "'基准调解员' || i", "id_number_digest": "'bench-' || i"}
        self._insert(Mediator, mediator, varying, count)
        committee = Committee.objects.filter(region_id=VILLAGE).order_by("pk").first()
        post = Appointment(
            committee=committee,
            region_id=VILLAGE,
            post="mediator",
            full_time=False,
            paid_by="bureau",
            starts_on=datetime.date(2024, 1, 1),
        )
        post.created_at = timezone.now()
        mediators = "SELECT id FROM registry_mediator WHERE region_id = %s"
        self._insert(Appointment, post, {"mediator_id": "m.id"}, source=(mediators, [VILLAGE]))
        fields = list(ExpertiseField.objects.order_by("pk").values_list("pk", flat=True)[:2])
        with connection.cursor() as cursor:
            for field in fields:
                cursor.execute(
                    "INSERT INTO registry_mediator_expertise (mediator_id, expertisefield_id) "
                    f"SELECT id, %s FROM ({mediators}) m",
                    [field, VILLAGE],
                )

    def _insert(self, model, template, varying, count=None, source=None):
        """INSERT … SELECT of *template*'s values, *varying* columns as SQL over the
        series' ``i`` (or over the rows ``m`` of *source*, a query and its params)."""
        columns, values, params = [], [], []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(connection.ops.quote_name(field.column))
            if field.attname in varying:
                values.append(varying[field.attname])
            else:
                values.append("%s")
                params.append(field.get_db_prep_save(getattr(template, field.attname), connection))
        table = connection.ops.quote_name(model._meta.db_table)
        insert = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
        with connection.cursor() as cursor:
            if source is None:
                cursor.execute(f"{SERIES}{insert} FROM n", [1, count, *params])
            else:
                cursor.execute(f"{insert} FROM ({source[0]}) m", [*params, *source[1]])

    # Import

    def _bench_import(self, path, rows, actor, repeat):
        size = path.stat().st_size / 1e6
        self.stdout.write(f"Import of a {rows:,}-row mediator workbook ({size:.1f} MB)")

        def read():
            with CalamineWorkbook.from_path(str(path)) as workbook:
                for _row in workbook.get_sheet_by_index(0).iter_rows():
                    pass

        def read_openpyxl():
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            for _row in workbook.worksheets[0].iter_rows(values_only=True):
                pass
            workbook.close()

        def safe_read():
            # What every import must do before its first row: the archive checked
            # against zip bombs and unpacked by Python's zipfile (core.imports.Sheet),
            # then read by calamine.
            copy = checked_copy(str(path))
            with CalamineWorkbook.from_filelike(copy) as workbook:
                for _row in workbook.get_sheet_by_index(0).iter_rows():
                    pass

        stages = {True: [], False: []}  # each run's seconds by stage, dry and real

        def imported(dry_run, again=False):
            def run():
                # A savepoint rolled back after each run: every real run starts afresh.
                with transaction.atomic():
                    if again:
                        run_import(MediatorImporter(actor), path, dry_run=False)
                        self._check_foreign_keys()  # the first import's, not timed
                    started = time.perf_counter()
                    report = run_import(MediatorImporter(actor), path, dry_run=dry_run)
                    # A real run commits: it pays the checks a dry run never does.
                    checked = None if dry_run else self._check_foreign_keys()
                    seconds = time.perf_counter() - started
                    transaction.set_rollback(True)
                if report.errors:
                    raise CommandError(f"The import failed: {report.errors[:3]}")
                if not again:
                    if checked is not None:
                        report.seconds["commit"] = checked
                    stages[dry_run].append(report.seconds)
                return seconds

            return run

        times = self._alternating(
            {
                "read": read,
                "safe read": safe_read,
                "dry": imported(True),
                "real": imported(False),
                "again": imported(False, again=True),
            },
            repeat,
        )
        self._line("python-calamine, reading only", times["read"])
        self._line(
            "openpyxl read_only, reading only", self._median(read_openpyxl, 1), times["read"]
        )
        self._line(
            "zip-bomb checks + python-calamine (every import's first step)",
            times["safe read"],
            times["read"],
        )
        self._line(f"dry run ({rows:,} new)", times["dry"], times["read"])
        self._line(
            f"real run ({rows:,} new mediators and posts, audited)", times["real"], times["read"]
        )
        self._line(f"re-import ({rows:,} unchanged)", times["again"], times["read"])
        if connection.vendor == "postgresql":
            self._line(
                "the database alone storing what the real run stores",
                self._median(self._storing(path, actor), repeat),
                times["read"],
            )
            self.stdout.write(
                "    (the same rows as prepared text, COPY into the same tables, "
                "and their foreign keys checked)"
            )
        self.stdout.write("  where the time goes (median of each stage; run_import's own timing):")
        for dry_run, label in ((True, "dry run"), (False, "real run")):
            for stage, what in STAGES.items():
                if stage in stages[dry_run][0]:
                    seconds = statistics.median(run[stage] for run in stages[dry_run])
                    self._line(f"  {label}: {what}", seconds, times["read"])
        numbers = self._personal_numbers(path)
        self._line(
            f"    of which: encrypting the {3 * rows:,} personal numbers alone",
            self._median(lambda: self._encrypt(numbers), repeat),
            times["read"],
        )
        self._line(
            f"    and: keyed hashes of the {2 * rows:,} ID and phone numbers alone",
            self._median(lambda: self._digest(numbers[:2]), repeat),
            times["read"],
        )
        return {
            "roster-import": times["real"] / times["read"],
            "roster-import-dry-run": times["dry"] / times["read"],
        }

    @staticmethod
    def _check_foreign_keys() -> float | None:
        """On PostgreSQL, the foreign-key checks a commit would run (Django's keys are
        deferred), which a rolled-back run never reaches: the seconds they took."""
        if connection.vendor != "postgresql":
            return None
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return time.perf_counter() - started

    def _storing(self, path, actor):
        """A function timing the database alone storing what an import of *path*
        stores (PostgreSQL): the rows one real run writes, taken as COPY text, then
        COPY-ed back into the same tables with their indexes and foreign keys
        checked, no Python per row. What no import of these rows can beat."""
        with transaction.atomic():
            with jurisdiction(PROVINCE):
                run_import(MediatorImporter(actor), path, dry_run=False)
            written = {}
            with connection.cursor() as cursor:
                for table, where in self._written(actor).items():
                    with cursor.copy(f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT") as c:
                        written[table] = b"".join(bytes(chunk) for chunk in c)
            transaction.set_rollback(True)

        def store():
            with transaction.atomic(), connection.cursor() as cursor:
                started = time.perf_counter()
                for table, text in written.items():
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        copy.write(text)
                self._check_foreign_keys()
                seconds = time.perf_counter() - started
                transaction.set_rollback(True)
            return seconds

        return store

    @staticmethod
    def _written(actor) -> dict[str, str]:
        """The tables an import of new mediators writes, and which of their rows it
        wrote (in the benchmark's own jurisdiction and by its actor)."""
        mediators = f"SELECT id FROM registry_mediator WHERE region_id LIKE '{PROVINCE}%'"
        return {
            "registry_mediator": f"region_id LIKE '{PROVINCE}%'",
            "registry_appointment": f"region_id LIKE '{PROVINCE}%'",
            "registry_mediator_expertise": f"mediator_id IN ({mediators})",
            "auditlog_logentry": f"actor_id = {int(actor.pk)}",
        }

    def _personal_numbers(self, path) -> list[list[str]]:
        """The file's ID, phone and bank numbers, a list of each (PERSONAL_FIELDS)."""
        with CalamineWorkbook.from_path(str(path)) as workbook:
            rows = workbook.get_sheet_by_index(0).to_python()[1:]
        keys = [column.key for column in MEDIATOR_COLUMNS]
        return [[str(row[keys.index(name)]) for row in rows] for name in PERSONAL_FIELDS]

    def _digest(self, numbers):
        for values in numbers:
            for value in values:
                digest(value)

    def _encrypt(self, numbers):
        """What storing the numbers costs in encryption alone: each field's own
        get_db_prep_save, as the bulk insert calls it."""
        for name, values in zip(PERSONAL_FIELDS, numbers, strict=True):
            field = Mediator._meta.get_field(name)
            for value in values:
                field.get_db_prep_save(value, connection)

    # Export

    def _bench_export(self, tmp, count, repeat):
        started = time.perf_counter()
        self._generate(count)
        self.stdout.write(
            f"Export of {count:,} mediators (generated in {time.perf_counter() - started:.1f} s)"
        )
        export = MediatorExport(None, QueryDict())
        written = []

        def exported():
            written.append(export.write(tmp / "export.xlsx"))

        times = self._alternating(
            {
                "baseline": lambda: self._bare_write(tmp / "bare.xlsx"),
                "export": exported,
                "openpyxl": lambda: self._bare_write(tmp / "bare-openpyxl.xlsx", openpyxl=True),
            },
            repeat,
        )
        if set(written) != {count}:
            raise CommandError(f"The export wrote {written} rows, not {count:,}.")
        self._line("one cursor + bare XlsxWriter constant_memory", times["baseline"])
        self._line("one cursor + bare openpyxl write_only", times["openpyxl"], times["baseline"])
        self._line(
            f"export of {count:,} rows (core.excel, masked)", times["export"], times["baseline"]
        )
        return times["export"] / times["baseline"]

    def _bare_write(self, path, openpyxl=False):
        """The export's rows and columns from one plain cursor, written bare."""
        sql = BASELINE_SQL.replace("{aggregate}", AGGREGATE[connection.vendor])
        with connection.cursor() as cursor:
            cursor.execute(sql, [PROVINCE + "%"])
            if openpyxl:
                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet("bare")
                for row in cursor:
                    sheet.append(row)
                workbook.save(path)
                return
            workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
            sheet = workbook.add_worksheet("bare")
            for number, row in enumerate(cursor):
                sheet.write_row(number, 0, row)
            workbook.close()

    def _peak_in_subprocess(self, count):
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_roster",
            "--peak-memory-of",
            str(count),
        ]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return int(re.search(r"VmHWM (\d+)", output).group(1))

    def _print_peak_memory(self, count):
        """Generate *count* mediators, export them, print VmHWM (kB): the peak
        resident memory of the whole process, C libraries included."""
        with tempfile.TemporaryDirectory() as tmp, all_regions(), transaction.atomic():
            self._world()
            self._generate(count)
            with jurisdiction(PROVINCE):
                written = MediatorExport(None, QueryDict()).write(Path(tmp) / "export.xlsx")
            transaction.set_rollback(True)
        if written != count:
            raise CommandError(f"The export wrote {written:,} rows, not {count:,}.")
        with open("/proc/self/status") as status:
            peak = re.search(r"VmHWM:\s+(\d+)", status.read())
        peak = int(peak.group(1)) if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.stdout.write(f"VmHWM {peak}")

    # Timing

    def _alternating(self, functions, repeat):
        """The median seconds of each function over *repeat* rounds, run in turn in
        each round, so a drift of the machine's speed hits every side."""
        times = {name: [] for name in functions}
        for _round in range(repeat):
            for name, function in functions.items():
                started = time.perf_counter()
                seconds = function()
                times[name].append(
                    seconds if seconds is not None else time.perf_counter() - started
                )
        return {name: statistics.median(found) for name, found in times.items()}

    def _median(self, function, repeat):
        return self._alternating({"f": function}, repeat)["f"]

    def _line(self, label, seconds, baseline=None):
        ratio = f"  ({seconds / baseline:.2f}x)" if baseline else ""
        self.stdout.write(f"  {label:<62} {seconds:7.2f} s{ratio}")
