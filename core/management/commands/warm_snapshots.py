import time

from django.core.management.base import BaseCommand

from core import snapshots


class Command(BaseCommand):
    help = (
        "Compute the report figures each bureau's pages open with and keep those slow "
        "to compute (core.snapshots), so that no one waits for them after a deploy or a "
        "bulk load. Figures kept already are left to the refresh job."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        kept = snapshots.warm()
        self.stdout.write(
            f"Kept {kept} report figures slow to compute ({time.perf_counter() - started:.1f} s)."
        )
