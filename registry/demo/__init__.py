"""The roster's step of ``manage.py seed_demo``: committees of every type with their
terms, mediators with their posts and careers, training, mentorship, attendance and
leave, for the foundation's demo city at the requested scale (1 ≈ a real city: ~2,300
committees, ~10,000 mediators; 10 ≈ a province: 200,000 and 900,000). Deterministic
for a given seed, scale and day.

It streams: one county's committees at a time, one township's people at a time,
written before the next are made, so memory stays flat however large the scale.
Rows are inserted in bulk (core.bulk), which skips save(): every row gets its region
explicitly and mediators their digests (registry.demo.profiles). Later steps read
what they need of the roster from the database."""

import datetime
import time
from collections import Counter

from core import bulk
from core.seeding import SeedContext, register
from core.tenancy import all_regions
from registry import services
from registry.demo.city import load_counties
from registry.demo.committees import CommitteeBuilder
from registry.demo.people import Staffing
from registry.demo.profiles import People
from registry.demo.training import Training
from registry.models import (
    Appointment,
    Committee,
    CommitteeTerm,
    CommitteeType,
    ExpertiseField,
    LeaveRecord,
    Mediator,
    Mentorship,
    MonthlyAttendance,
    TrainingAttendance,
    TrainingSession,
)

WRITTEN = (
    Committee,
    CommitteeTerm,
    Mediator,
    Mediator.expertise.through,
    Appointment,
    TrainingSession,
    TrainingAttendance,
    MonthlyAttendance,
    LeaveRecord,
    Mentorship,
)


@register(10, "committees, mediators, appointments, training", analyze=True)
def seed_roster(ctx: SeedContext):
    today = datetime.date.today()
    counties = load_counties(ctx)
    fields = set(ExpertiseField.objects.values_list("code", flat=True))
    builder = CommitteeBuilder(ctx, today, counties)
    people = People(ctx.rng, today, fields)
    training = Training(ctx, today)
    with all_regions():
        # Numbers a former run or an import registered are skipped (Staffing).
        registered = Mediator._base_manager.exists()
    counts = Counter()
    # What the step writes has its non-unique indexes built once, at the end, not
    # row by row (a province: 900,000 mediators and posts, 2.6 million attendances);
    # nothing here reads those tables before. The unique ones stay (ID numbers).
    with bulk.indexes_built_after(*WRITTEN):
        for index, county in enumerate(counties):
            started, before = time.perf_counter(), counts["mediators"]
            county.load_villages()
            units = builder.build(index)
            # The first township committee is always short of the standard, so even the
            # smallest demo shows a shortfall (it is the demo office clerk's own).
            short = None
            if index == 0:
                short = next(
                    (u for u in units if u.kind == CommitteeType.TOWNSHIP and u.active), None
                )
            staffing = Staffing(ctx, today, people, units, short)
            staffing.check_registered = registered
            training.start(county)
            for group in staffing.groups():
                persons, posts = staffing.staff(group)
                training.add(persons)
                counts["mediators"] += len(persons)
                counts["appointments"] += len(posts)
            training.finish()
            counts["committees"] += len(units)
            county.release()
            people.ids.forget()
            ctx.stdout.write(
                f"  {county.name}: {len(units)} committees, {counts['mediators'] - before} "
                f"mediators ({time.perf_counter() - started:.1f} s)"
            )
        counts.update(training.finish_city())
        built = time.perf_counter()
    ctx.stdout.write(f"  indexes built ({time.perf_counter() - built:.1f} s)")
    counts["term warnings"] = services.raise_term_warnings(today)
    ctx.stdout.write("  " + ", ".join(f"{n} {label}" for label, n in counts.items()))
