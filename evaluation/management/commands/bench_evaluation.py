"""Benchmark: a whole city's annual evaluation (evaluation.services.evaluate_year: the
grouped queries, the scoring and the snapshot written) next to one quarter's ranking
of the same city (mediation.ranking.rank_quarter, its snapshot written too), on the
demo city. Each run is rolled back, so the database is left as it was.

Seeds the demo city at --scale first when the database has none (use a database of
its own: DATABASE_URL=… or a fresh SQLite file). Works on SQLite and PostgreSQL."""

import datetime
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core import demo
from core.models import Bureau
from core.tenancy import all_regions, jurisdiction
from evaluation import services
from mediation import ranking

GOAL = 2.0  # a year's evaluation reads six sources for a year; a ranking one for a quarter


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time a city's annual evaluation against its quarterly ranking (ratio)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="seed_demo scale if empty")
        parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median)")

    def handle(self, *args, scale, runs, **options):
        with all_regions():
            if not Bureau.objects.filter(region_id=demo.CITY_CODE).exists():
                self.stdout.write(f"Seeding the demo city at scale {scale} …")
                call_command("seed_demo", scale=scale, stdout=self.stdout)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
            city = Bureau.objects.select_related("region").get(region_id=demo.CITY_CODE)
        year = datetime.date.today().year - 1
        prefix = city.region.prefix
        counts = {}

        def evaluate():
            evaluation = services.evaluate_year(city, year)
            counts["mediators"] = evaluation.entries.count()

        def rank():
            snapshot = ranking.rank_quarter(city, year, 4)
            counts["ranked"] = snapshot.entries.count()

        # A published evaluation of the year (seed_demo's) refuses a rerun: the timed
        # runs work on a copy of the world where it is not.
        evaluation_time = self._timed(evaluate, runs, prefix, unpublish=(city, year))
        ranking_time = self._timed(rank, runs, prefix)
        self.stdout.write(
            f"{city.name} {year}: {counts['mediators']:,} full-time mediators evaluated, "
            f"{counts['ranked']:,} ranked in Q4; {connection.vendor}; median of "
            f"{max(runs, 3)} runs each"
        )
        self.stdout.write(f"  quarterly ranking (rank_quarter)   {ranking_time * 1000:9.1f} ms")
        self.stdout.write(f"  annual evaluation (evaluate_year)  {evaluation_time * 1000:9.1f} ms")
        self.stdout.write(
            f"BENCH evaluation ratio={evaluation_time / ranking_time:.2f} goal<={GOAL:g}"
        )

    def _timed(self, func, runs, prefix, unpublish=None):
        times = []
        for n in range(max(runs, 3) + 1):  # the first warms the caches and plans
            try:
                with transaction.atomic(), jurisdiction(prefix):
                    if unpublish:
                        self._clear(*unpublish)
                    started = time.perf_counter()
                    func()
                    elapsed = time.perf_counter() - started
                    raise Rollback
            except Rollback:
                pass
            if n:
                times.append(elapsed)
        return statistics.median(times)

    def _clear(self, city, year):
        from evaluation.models import Evaluation, EvaluationEntry, RenewalCandidate

        evaluations = Evaluation.objects.filter(bureau=city, year=year)
        RenewalCandidate.objects.filter(evaluation__in=evaluations).delete()
        EvaluationEntry.objects.filter(evaluation__in=evaluations).delete()
        evaluations.delete()
