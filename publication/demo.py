"""The public roster's step of ``manage.py seed_demo``: each bureau's website filing
numbers for the footer, and a published roster for the city and each county."""

import time

from core import bulk
from core.seeding import SeedContext, register
from publication import services
from publication.models import PublishedCommittee, PublishedMediator


@register(30, "public roster")
def seed_publications(ctx: SeedContext):
    started = time.perf_counter()
    # A province's publications write 1.8 million rows into a table of eleven
    # indexes: the non-unique ones are built once, after the last publication, not
    # row by row (the demo's new database has no reader meanwhile). The unique
    # ones stay and serve what publishing looks up by publication.
    tables = (PublishedMediator, PublishedMediator.expertise.through, PublishedCommittee)
    with bulk.indexes_built_after(*tables):
        for number, bureau in enumerate([ctx.city_bureau, *ctx.county_bureaus], start=1):
            bureau.website_code = f"33060000{number:02d}"
            bureau.icp_number = f"浙ICP备1200{number:04d}号"
            bureau.police_filing_number = f"浙公网安备 330602020{number:05d}号"
            bureau.address = bureau.address or f"{bureau.region.name}人民路{number}号"
            bureau.phone = bureau.phone or f"0575-8{number:03d}1234"
            bureau.save()
            publication = services.publish(services.request_publication(bureau))
            ctx.stdout.write(f"  {bureau.name}: {publication.mediator_count} mediators")
        built = time.perf_counter()
    ctx.stdout.write(f"  indexes built ({time.perf_counter() - built:.1f} s)")
    ctx.stdout.write(f"  ({time.perf_counter() - started:.1f}s)")
