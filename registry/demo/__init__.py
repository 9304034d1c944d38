"""The roster's step of ``manage.py seed_demo``: committees of every type with their
terms, mediators with their posts and careers, training, mentorship, attendance and
leave, for the foundation's demo city at the requested scale (1 ≈ a real city: ~2,300
committees, ~10,000 mediators). Deterministic for a given seed, scale and day.

Rows are written with bulk_create, which skips save(): every row gets its region
explicitly and mediators their digests (registry.demo.profiles). Leaves for later steps
in ``ctx.extra``: "committees", "mediators" and "appointments" (lists of saved rows)."""

import datetime

from core.seeding import SeedContext, register
from registry import services
from registry.demo.city import load_counties
from registry.demo.committees import CommitteeBuilder
from registry.demo.people import Staffing
from registry.demo.training import Training
from registry.models import ExpertiseField


@register(10, "committees, mediators, appointments, training")
def seed_roster(ctx: SeedContext):
    today = datetime.date.today()
    counties = load_counties(ctx)
    units = CommitteeBuilder(ctx, today).build(counties)
    fields = set(ExpertiseField.objects.values_list("code", flat=True))
    staffing = Staffing(ctx, today, units, fields)
    persons, posts = staffing.build()
    counts = Training(ctx, today, counties, persons, posts).build()
    warnings = services.raise_term_warnings(today)

    ctx.extra["committees"] = [u.committee for u in units]
    ctx.extra["mediators"] = [p.mediator for p in persons]
    ctx.extra["appointments"] = staffing.appointments
    counts = {
        "committees": len(units),
        "mediators": len(persons),
        "appointments": len(posts),
        **counts,
        "term warnings": warnings,
    }
    ctx.stdout.write("  " + ", ".join(f"{n} {label}" for label, n in counts.items()))
