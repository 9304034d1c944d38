"""Benchmark: a whole city's eligibility figures (grading.eligibility.figures, the
grouped queries a round runs) against one hand-written SQL statement computing the
same criteria, on the demo city. Both must give the same figures for every mediator.

PostgreSQL only (DISTINCT ON, FILTER). Seeds the demo city at --scale first when the
database has none (use a database of its own: DATABASE_URL=postgres://…/bench)."""

import datetime
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import demo
from core.models import Bureau
from core.tenancy import all_regions, jurisdiction
from grading import eligibility

# The same figures as grading.eligibility.figures, by hand: one statement.
RAW_SQL = """
WITH considered AS (
    SELECT m.id, m.region_id, m.status, m.level,
           m.gender <> '' AND m.birth_date IS NOT NULL AND m.phone_digest <> ''
           AND m.education <> '' AND m.political_status <> '' AND m.background <> ''
           AND EXISTS (SELECT 1 FROM registry_mediator_expertise e WHERE e.mediator_id = m.id)
           AND EXISTS (SELECT 1 FROM registry_appointment a WHERE a.mediator_id = m.id
                       AND a.starts_on <= %(cutoff)s
                       AND (a.ends_on IS NULL OR a.ends_on >= %(cutoff)s))
           AND NOT EXISTS (SELECT 1 FROM registry_appointment a WHERE a.mediator_id = m.id
                       AND a.starts_on <= %(cutoff)s
                       AND (a.ends_on IS NULL OR a.ends_on >= %(cutoff)s)
                       AND a.full_time AND a.paid_by IN ('', 'unpaid')) AS complete,
           (SELECT min(a.starts_on) FROM registry_appointment a
             WHERE a.mediator_id = m.id AND a.starts_on <= %(cutoff)s) AS first_start,
           (SELECT a.committee_id FROM registry_appointment a
             WHERE a.mediator_id = m.id AND a.region_id LIKE %(like)s
               AND a.starts_on <= %(cutoff)s AND (a.ends_on IS NULL OR a.ends_on >= %(cutoff)s)
             ORDER BY a.starts_on DESC, a.id DESC LIMIT 1) AS committee_id
    FROM registry_mediator m
    WHERE m.region_id LIKE %(like)s
      AND EXISTS (SELECT 1 FROM registry_appointment a WHERE a.mediator_id = m.id
                  AND a.region_id LIKE %(like)s AND a.starts_on <= %(cutoff)s
                  AND (a.ends_on IS NULL OR a.ends_on >= %(cutoff)s))
), cases AS (
    SELECT c.lead_mediator_id AS id, count(*) AS n,
           count(*) FILTER (WHERE c.result = 'success') AS ok,
           count(*) FILTER (WHERE c.agreement_form = 'oral') AS oral,
           count(*) FILTER (WHERE c.difficulty IN ('complex', 'major')) AS hard
    FROM mediation_case c
    WHERE c.region_id LIKE %(like)s AND c.lead_mediator_id IS NOT NULL
      AND c.closed_on > %(lookback)s AND c.closed_on <= %(cutoff)s
    GROUP BY c.lead_mediator_id
), sat AS (
    SELECT c.lead_mediator_id AS id, avg(b.satisfaction) AS a
    FROM mediation_callback b JOIN mediation_case c ON c.id = b.case_id
    WHERE c.region_id LIKE %(like)s AND c.lead_mediator_id IS NOT NULL
      AND c.closed_on > %(lookback)s AND c.closed_on <= %(cutoff)s
      AND b.called_on IS NOT NULL AND b.called_on <= %(cutoff)s
      AND b.satisfaction IS NOT NULL
    GROUP BY c.lead_mediator_id
), training AS (
    SELECT t.mediator_id AS id, count(*) AS n, sum(s.hours) AS hours,
           count(*) FILTER (WHERE s.held_on > %(year)s) AS year
    FROM registry_trainingattendance t JOIN registry_trainingsession s ON s.id = t.session_id
    WHERE s.held_on > %(lookback)s AND s.held_on <= %(cutoff)s
    GROUP BY t.mediator_id
), barred AS (
    SELECT r.mediator_id AS id,
           count(*) FILTER (WHERE r.kind IN ('complaint', 'sanction')
                            AND r.occurred_on > %(complaint)s) AS complaints,
           count(*) FILTER (WHERE r.kind = 'turned_criminal'
                            AND r.occurred_on > %(criminal)s) AS criminal
    FROM complaints_integrityrecord r
    WHERE r.occurred_on > least(%(complaint)s, %(criminal)s) AND r.occurred_on <= %(cutoff)s
    GROUP BY r.mediator_id
), before AS (
    SELECT DISTINCT ON (l.mediator_id) l.mediator_id AS id, l.to_rank
    FROM grading_levelchange l WHERE l.effective_on <= %(cutoff)s
    ORDER BY l.mediator_id, l.effective_on DESC, l.id DESC
), first_change AS (
    SELECT DISTINCT ON (l.mediator_id) l.mediator_id AS id, l.from_rank
    FROM grading_levelchange l
    ORDER BY l.mediator_id, l.effective_on, l.id
)
SELECT m.id, m.region_id, m.status, m.complete, m.first_start, m.committee_id,
       coalesce(k.n, 0), coalesce(k.ok, 0), coalesce(k.oral, 0), coalesce(k.hard, 0),
       round(s.a::numeric, 4)::float8,
       coalesce(t.n, 0), coalesce(t.hours, 0), coalesce(t.year, 0),
       coalesce(x.complaints, 0), coalesce(x.criminal, 0),
       CASE WHEN b.id IS NOT NULL THEN b.to_rank
            WHEN f.id IS NOT NULL THEN f.from_rank
            ELSE m.level END
FROM considered m
LEFT JOIN cases k ON k.id = m.id
LEFT JOIN sat s ON s.id = m.id
LEFT JOIN training t ON t.id = m.id
LEFT JOIN barred x ON x.id = m.id
LEFT JOIN before b ON b.id = m.id
LEFT JOIN first_change f ON f.id = m.id
ORDER BY m.id
"""


def _row(f: eligibility.Figures) -> tuple:
    return (
        f.mediator_id,
        f.region_id,
        f.status,
        f.record_complete,
        f.first_start,
        f.committee_id,
        f.cases,
        f.successes,
        f.oral,
        f.difficult,
        f.satisfaction,
        f.training_sessions,
        f.training_hours,
        f.year_sessions,
        f.complaints,
        f.criminal,
        f.current_rank,
    )


class Command(BaseCommand):
    help = (
        "Time a whole city's grading eligibility (the ORM's grouped queries) against one "
        "hand-written SQL query computing the same criteria; PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="seed_demo scale if empty")
        parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median)")

    def handle(self, *args, scale, runs, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_grading needs PostgreSQL (DATABASE_URL=postgres://…).")
        with all_regions():
            if not Bureau.objects.filter(region_id=demo.CITY_CODE).exists():
                self.stdout.write(f"Seeding the demo city at scale {scale} …")
                call_command("seed_demo", scale=scale, stdout=self.stdout)
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            city = Bureau.objects.select_related("region").get(region_id=demo.CITY_CODE)
        rules = eligibility.rules_for(city)
        cutoff = datetime.date.today() - datetime.timedelta(days=30)
        window = eligibility.Window.of(cutoff, rules)
        prefix = city.region.prefix
        params = {
            "like": prefix + "%",
            "cutoff": cutoff,
            "lookback": window.lookback_from,
            "year": window.year_from,
            "complaint": window.complaint_from,
            "criminal": window.criminal_from,
        }

        def orm():
            with jurisdiction(prefix):
                return [_row(f) for f in eligibility.figures(prefix, window).values()]

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(RAW_SQL, params)
                return [tuple(row) for row in cursor.fetchall()]

        orm_time, mine = self._timed(orm, runs)
        raw_time, theirs = self._timed(raw, runs)
        if mine != theirs:
            diff = [(a, b) for a, b in zip(mine, theirs, strict=False) if a != b][:3]
            raise CommandError(f"The two differ ({len(mine)} vs {len(theirs)} rows), e.g. {diff}")
        cases = sum(row[6] for row in mine)
        self.stdout.write(
            f"{len(mine):,} mediators considered in {city.name}, {cases:,} cases in the "
            f"look-back window; cut-off {cutoff}; median of {runs} runs each"
        )
        self.stdout.write(
            f"  hand-written SQL (one query)                 {raw_time * 1000:9.1f} ms"
        )
        self.stdout.write(
            f"  grading.eligibility.figures (grouped queries) {orm_time * 1000:9.1f} ms"
        )
        self.stdout.write("  same figures for every mediator: yes")
        self.stdout.write(f"BENCH grading-eligibility ratio={orm_time / raw_time:.2f} goal<=1.5")

    def _timed(self, func, runs):
        result = func()  # warm the caches and the plans
        times = []
        for _ in range(max(runs, 3)):
            started = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - started)
        return statistics.median(times), result
