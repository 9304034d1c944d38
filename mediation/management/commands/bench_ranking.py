import datetime
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core import policy
from core.models import Bureau, Region
from core.personal import make_id_number
from core.regions import RegionLevel
from core.tenancy import all_regions, jurisdiction
from mediation import ranking
from mediation.models import QuarterlyTarget
from registry.models import Appointment, Committee, Mediator

# A province code no real division uses: the benchmark's throwaway jurisdiction.
PREFIX = "990101"
COUNTY = "990101000000"
VILLAGE = "990101001001"
YEAR, QUARTER = 2025, 2  # ranked; cases span 2024–2025 so last year's trend exists
GOAL = 1.5  # the job against the hand-written query (issue 4: at 1,000,000 cases)

# The same ranking as mediation.ranking, written by hand: one statement, CTEs and a
# RANK() window. %(order)s is the policy's criteria, filled in by the command.
RAW_SQL = """
WITH posts AS (
    SELECT DISTINCT ON (a.mediator_id) a.mediator_id, a.committee_id
    FROM registry_appointment a
    WHERE a.region_id LIKE %(like)s AND a.full_time
      AND a.starts_on <= %(end)s AND (a.ends_on IS NULL OR a.ends_on >= %(start)s)
    ORDER BY a.mediator_id, a.starts_on DESC, a.id DESC
), counts AS (
    SELECT c.lead_mediator_id AS mediator_id, count(*) AS cases,
           count(*) FILTER (WHERE c.result = 'success') AS successes
    FROM mediation_case c
    WHERE c.closed_on BETWEEN %(start)s AND %(end)s AND c.region_id LIKE %(like)s
    GROUP BY c.lead_mediator_id
), sat AS (
    SELECT c.lead_mediator_id AS mediator_id, avg(b.satisfaction) AS satisfaction
    FROM mediation_callback b JOIN mediation_case c ON c.id = b.case_id
    WHERE b.called_on IS NOT NULL
      AND c.closed_on BETWEEN %(start)s AND %(end)s AND c.region_id LIKE %(like)s
    GROUP BY c.lead_mediator_id
), last_cases AS (
    SELECT committee_id, count(*) AS n FROM mediation_case
    WHERE closed_on BETWEEN %(last_start)s AND %(last_end)s GROUP BY committee_id
), last_staff AS (
    SELECT committee_id, count(DISTINCT mediator_id) AS n FROM registry_appointment
    WHERE region_id LIKE %(like)s AND full_time
      AND starts_on <= %(last_end)s AND (ends_on IS NULL OR ends_on >= %(last_start)s)
    GROUP BY committee_id
), r AS (
    SELECT p.mediator_id, p.committee_id,
           coalesce(k.cases, 0) AS cases, coalesce(k.successes, 0) AS successes,
           coalesce(k.successes::float8 / nullif(k.cases, 0)::float8, 0) AS success_rate,
           s.satisfaction,
           coalesce(t.target, ceil(%(share)s * coalesce(lc.n, 0)::float8
                                   / greatest(coalesce(ls.n, 0), 1))::int) AS target
    FROM posts p
    LEFT JOIN counts k ON k.mediator_id = p.mediator_id
    LEFT JOIN sat s ON s.mediator_id = p.mediator_id
    LEFT JOIN mediation_quarterlytarget t
           ON t.mediator_id = p.mediator_id AND t.year = %(year)s AND t.quarter = %(quarter)s
    LEFT JOIN last_cases lc ON lc.committee_id = p.committee_id
    LEFT JOIN last_staff ls ON ls.committee_id = p.committee_id
)
SELECT mediator_id, committee_id, RANK() OVER (ORDER BY {order}) AS rank,
       cases, successes, target
FROM r ORDER BY rank, mediator_id
"""
COLUMNS = {
    "successes": "successes",
    "success_rate": "success_rate",
    "satisfaction": "satisfaction",
    "cases": "cases",
}

# Cases are generated in the database: one INSERT … SELECT over generate_series,
# spread over 2024–2025 and over every post (bench_posts, numbered 0…n-1).
CASES_SQL = """
INSERT INTO mediation_case (
    year, sequence, number, received_on, source, summary, difficulty, amount, status,
    closed_on, result, agreement_form, fulfilled, judicial_confirmation,
    prevented_criminal, prevented_suicide, prevented_mass_petition, mass_petition_persons,
    prevented_mass_incident, mass_incident_persons, reopen_reason, created_at, updated_at,
    bureau_id, committee_id, filed_by_id, lead_mediator_id, region_id, dispute_type_id)
SELECT extract(year FROM d.received)::int, g, 'BENCH-' || g, d.received, 'application', '',
       'simple', 0, 'closed', d.received + (g %% 20)::int,
       CASE WHEN h %% 10 < 7 THEN 'success' WHEN h %% 10 < 9 THEN 'failure'
            ELSE 'terminated' END,
       CASE WHEN h %% 10 < 7 THEN 'written' ELSE '' END,
       NULL, false, false, false, false, 0, false, 0, '', now(), now(),
       %(bureau)s, p.committee_id, NULL, p.mediator_id, p.region_id, %(dispute_type)s
FROM generate_series(1, %(cases)s) AS g
CROSS JOIN LATERAL (SELECT (g::bigint * 2654435761) %% 1000003 AS h) AS x
CROSS JOIN LATERAL (SELECT DATE '2024-01-01' + (x.h %% 700)::int AS received) AS d
JOIN bench_posts p ON p.idx = (x.h * 7 + g / 97) %% %(posts)s
"""


class Command(BaseCommand):
    help = (
        "Benchmark the quarterly ranking (mediation.ranking, one ORM query) against one "
        "hand-written SQL query computing the same ranking, and check both give the "
        "same ranks. PostgreSQL only. Builds its data (generated cases) in a throwaway "
        "jurisdiction (division code 99…) inside one transaction rolled back at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, action="append", help="case counts (repeatable; 100000)"
        )
        parser.add_argument("--mediators", type=int, default=2000)
        parser.add_argument("--committees", type=int, default=200)
        parser.add_argument(
            "--repeat", type=int, default=5, help="timed runs of each side (median; at least 3)"
        )

    def handle(self, *args, cases, mediators, committees, repeat, **options):
        repeat = max(repeat, 3)
        if connection.vendor != "postgresql":
            raise CommandError("bench_ranking needs PostgreSQL (DATABASE_URL=postgres://…).")
        sizes = sorted(cases or [100_000])
        with all_regions(), transaction.atomic():
            bureau = self._world(mediators, committees)
            done, ratios = 0, {}
            for size in sizes:
                self._add_cases(bureau, done, size)
                done = size
                with jurisdiction(PREFIX):
                    ratios[size] = self._bench(bureau, size, repeat)
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: the database is as it was.")
        # The figures, last, one line each (the goal is the project's, at any size).
        for size, ratio in ratios.items():
            self.stdout.write(f"BENCH ranking-{size} ratio={ratio:.2f} goal<={GOAL}")

    def _world(self, mediators, committees):
        for code, parent, level in (
            ("990000000000", None, RegionLevel.PROVINCE),
            ("990100000000", "990000000000", RegionLevel.CITY),
            (COUNTY, "990100000000", RegionLevel.COUNTY),
            ("990101001000", COUNTY, RegionLevel.TOWNSHIP),
            (VILLAGE, "990101001000", RegionLevel.VILLAGE),
        ):
            Region.objects.create(code=code, name=f"基准{code}", parent_id=parent, level=level)
        bureau = Bureau.objects.create(name="基准司法局", level="county", region_id=COUNTY)
        rows = Committee.objects.bulk_create(
            Committee(
                code=f"BENCH-{n:04d}",
                name=f"基准调委会{n}",
                kind="village",
                region_id=VILLAGE,
                founded_on=datetime.date(2015, 1, 1),
            )
            for n in range(committees)
        )
        people = []
        for n in range(mediators):
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 500)
            person = Mediator(
                region_id=VILLAGE,
                name=f"基准调解员{n}",
                gender="M",
                birth_date=born,
                id_number=make_id_number("659004", born, n % 500, "M"),
                education="college",
            )
            person.normalize()
            people.append(person)
        Mediator.objects.bulk_create(people, batch_size=1000)
        # Two in three full-time; one in twenty left at the end of 2024 (ranked for last
        # year's trend, not this quarter).
        Appointment.objects.bulk_create(
            (
                Appointment(
                    mediator=m,
                    committee=rows[i % committees],
                    region_id=VILLAGE,
                    post="mediator",
                    full_time=i % 3 != 2,
                    paid_by="bureau",
                    starts_on=datetime.date(2020, 1, 1),
                    ends_on=datetime.date(2024, 12, 31) if i % 20 == 0 else None,
                    exit_reason="other" if i % 20 == 0 else "",
                )
                for i, m in enumerate(people)
            ),
            batch_size=1000,
        )
        QuarterlyTarget.objects.bulk_create(
            QuarterlyTarget(mediator=m, year=YEAR, quarter=QUARTER, target=30, region_id=VILLAGE)
            for m in people[::25]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_posts ON COMMIT DROP AS "
                "SELECT (row_number() OVER (ORDER BY id)) - 1 AS idx, mediator_id, committee_id,"
                " region_id FROM registry_appointment WHERE region_id LIKE %s",
                [PREFIX + "%"],
            )
        return bureau

    def _add_cases(self, bureau, start, stop):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_posts")
            posts = cursor.fetchone()[0]
            cursor.execute(
                CASES_SQL.replace("generate_series(1,", "generate_series(%(first)s,"),
                {
                    "first": start + 1,
                    "cases": stop,
                    "posts": posts,
                    "bureau": bureau.pk,
                    "dispute_type": "neighbourhood",
                },
            )
            cursor.execute(
                "INSERT INTO mediation_callback (called_on, satisfaction, fulfilled, notes,"
                " region_id, case_id) SELECT closed_on + 3, 1 + (id %% 5)::int, true, '',"
                " region_id, id FROM mediation_case WHERE number LIKE 'BENCH-%%'"
                " AND id %% 10 = 0 AND sequence > %s",
                [start],
            )
            cursor.execute("ANALYZE mediation_case")
            cursor.execute("ANALYZE mediation_callback")
            cursor.execute("ANALYZE registry_appointment")
        self.stdout.write(
            f"Generated cases up to {stop:,} in {time.perf_counter() - started:.1f} s"
        )

    def _raw(self, bureau):
        criteria = policy.value(bureau, "ranking_criteria")
        start, end = ranking.quarter_bounds(YEAR, QUARTER)
        last_start, last_end = ranking.quarter_bounds(YEAR - 1, QUARTER)
        order = ", ".join(f"{COLUMNS[name]} DESC NULLS LAST" for name in criteria)
        params = {
            "like": PREFIX + "%",
            "start": start,
            "end": end,
            "last_start": last_start,
            "last_end": last_end,
            "year": YEAR,
            "quarter": QUARTER,
            "share": float(policy.value(bureau, "ranking_target_share")),
        }
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL.replace("{order}", order), params)
            return cursor.fetchall()

    def _timed(self, func, repeat):
        func()  # warm the caches and the plan
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - started)
        return statistics.median(times), result

    def _bench(self, bureau, size, repeat):
        orm_time, rows = self._timed(lambda: ranking.compute(bureau, YEAR, QUARTER), repeat)
        raw_time, raw = self._timed(lambda: self._raw(bureau), repeat)
        mine = [
            (r.mediator_id, r.committee_id, r.rank, r.cases, r.successes, r.target) for r in rows
        ]
        same = mine == [tuple(row) for row in raw]
        ranked = sum(r.cases for r in rows)
        self.stdout.write(
            f"{size:>10,} cases: {len(rows):,} full-time mediators ranked, {ranked:,} cases "
            f"in {YEAR} Q{QUARTER}; median of {repeat}"
        )
        self._line("hand-written SQL (one query, window functions)", raw_time)
        self._line("mediation.ranking.compute (ORM query + 2 for targets)", orm_time, raw_time)
        self.stdout.write(f"  same ranks, cases, successes and targets: {'yes' if same else 'NO'}")
        if not same:
            diff = [(a, b) for a, b in zip(mine, raw, strict=False) if a != tuple(b)][:5]
            raise CommandError(f"The two rankings differ, e.g. {diff}")
        started = time.perf_counter()
        with transaction.atomic():
            snapshot = ranking.rank_quarter(bureau, YEAR, QUARTER)
        seconds = time.perf_counter() - started
        self._line(f"whole job: compute + write {snapshot.entries.count():,} entries", seconds)
        return orm_time / raw_time

    def _line(self, label, seconds, baseline=None):
        ratio = f"  ({seconds / baseline:.2f}x)" if baseline else ""
        self.stdout.write(f"  {label:<56} {seconds * 1000:8.1f} ms{ratio}")
