import os
import random
import resource
import secrets
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

from core import bulk, demo, seeding
from core.models import Bureau, Region
from core.tenancy import all_regions


class Command(BaseCommand):
    help = (
        "Build a realistic demo city (绍兴市) at the given scale: 1 is a real city "
        "(~100 townships, ~2,000 villages, and what later apps add at that size)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if demo data already exists."
        )

    def handle(self, *args, scale, seed, if_empty, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0")
        autodiscover_modules("demo")  # each app's demo.py registers its seeding step
        with all_regions():
            if Bureau.objects.filter(region_id=demo.CITY_CODE).exists():
                if if_empty:
                    self.stdout.write("Demo data already present; logins:")
                    self._print_logins([(u, "") for u in demo.DEMO_USERS], None)
                    return
                raise CommandError("Demo data already exists; use a fresh database.")
            if not Region.objects.filter(code=demo.CITY_CODE).exists():
                call_command("load_regions", stdout=self.stdout)
            password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
            ctx = seeding.SeedContext(scale=scale, rng=random.Random(seed), stdout=self.stdout)
            # Every row is written consistent by construction: checked against its
            # foreign keys once at the end, a query per key, not row by row
            # (core.bulk.foreign_keys_checked_at_end).
            with transaction.atomic(), bulk.foreign_keys_checked_at_end():
                for step in seeding.STEPS:
                    self.stdout.write(f"Seeding {step.name} …")
                    started = time.perf_counter()
                    step.run(ctx)
                    if step.analyze:
                        self._analyze()
                    self._done(started)
                logins = demo.create_demo_users(ctx, password)
                started = time.perf_counter()
                self._analyze()
                self._done(started)
                self.stdout.write("Checking foreign keys and committing …")
                started = time.perf_counter()
            self._done(started)
        self._print_logins(logins, None if os.environ.get("DEMO_PASSWORD") else password)

    def _done(self, started):
        """Each step's time and the process's peak memory so far, so a step that
        holds what it built (the seed must stream at a province's size) shows."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        self.stdout.write(f"  done in {time.perf_counter() - started:.1f} s, peak {peak} MiB")

    def _analyze(self):
        """Give the planner statistics of what was just loaded: without them a fresh
        database is planned as if its tables were empty (the case list then sorts a
        whole city instead of reading its newest-first index), until autovacuum gets
        round to it. The deploy docs ask the same after any bulk load. ANALYZE inside
        the transaction samples the rows it has written.

        On PostgreSQL the project's tables by name: a bare ANALYZE also analyzes the
        catalogs every database of the server shares (pg_authid …) and keeps their
        lock until the seed commits, so two seeds into two databases of one server
        waited for each other's whole transaction."""
        self.stdout.write("  updating the planner's statistics (ANALYZE) …")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                tables = connection.introspection.django_table_names(only_existing=True)
                quote = connection.ops.quote_name
                cursor.execute("ANALYZE " + ", ".join(quote(table) for table in sorted(tables)))
            else:
                cursor.execute("ANALYZE")

    def _print_logins(self, logins, password):
        self.stdout.write(self.style.SUCCESS("Demo logins (http://127.0.0.1:8000/login/):"))
        for username, description in logins:
            self.stdout.write(f"  {username:<10} {description}")
        if password:
            self.stdout.write(self.style.WARNING(f"  password: {password}  (shown once)"))
        else:
            self.stdout.write(
                "  password: the DEMO_PASSWORD you set"
                + ("" if os.environ.get("DEMO_PASSWORD") else " when the demo was first loaded")
            )
