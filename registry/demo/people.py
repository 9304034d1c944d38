"""Demo posts: who sits in each committee, full-time or part-time, since when and paid
by whom, and the careers behind them (transfers, promotions from a village, people who
left). Staffing follows each county bureau's standard, with a share of committees short
of it so the compliance page has something to show.

Invariant: nobody holds two full-time posts on the same day (an earlier full-time post
ends the day before the next begins)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from core.bulk import insert_like
from core.tenancy import all_regions
from registry.demo import names
from registry.demo.committees import Unit
from registry.demo.profiles import People, Person
from registry.models import (
    Appointment,
    CommitteeType,
    ExitReason,
    Mediator,
    PaidBy,
    Post,
)

T = CommitteeType
SHORT_SHARE = 0.15  # committees below their staffing standard
OVER_SHARE = 0.15  # committees with one full-time mediator more than required
# Part-time posts per committee: (fewest, most); villages 1–5 weighted towards 3–4.
PART_TIME = {T.COUNTY: (3, 6), T.TOWNSHIP: (6, 14), T.INDUSTRY: (3, 8), T.ENTERPRISE: (3, 5)}
PART_TIME |= {T.DISPATCHED: (0, 2), T.NAMED: (1, 3)}
VILLAGE_PART_TIME = {1: 5, 2: 10, 3: 25, 4: 30, 5: 30}
PART_TIME_PROFILE = {T.COUNTY: "expert", T.INDUSTRY: "expert", T.TOWNSHIP: "township"}
PART_TIME_PROFILE |= {T.VILLAGE: "village", T.ENTERPRISE: "enterprise"}
PART_TIME_PROFILE |= {T.DISPATCHED: "township", T.NAMED: "township"}
FULL_TIME_SINCE = datetime.date(2015, 1, 1)  # full-time posts came with purchased services
LEAVING = {
    True: {ExitReason.ELIMINATION: 35, ExitReason.OWN_REQUEST: 30, ExitReason.HEALTH: 25},
    False: {ExitReason.OWN_REQUEST: 50, ExitReason.HEALTH: 40, ExitReason.DISMISSAL: 10},
}
LEAVING[True][ExitReason.DISMISSAL] = 10
EXIT_NOTES = {
    ExitReason.ELIMINATION: "年度考核排名末位,不再续聘",
    ExitReason.OWN_REQUEST: "本人申请辞去调解员职务",
    ExitReason.HEALTH: "因身体原因申请退出",
    ExitReason.DISMISSAL: "严重违反调解纪律,予以解聘",
    ExitReason.TERM_END: "届满未连任",
}


@dataclass(eq=False)
class PostPlan:
    unit: Unit
    person: Person
    post: str
    full_time: bool
    paid_by: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    exit_reason: str = ""
    exit_note: str = ""

    def held_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class Staffing:
    """Staffs one county's committees, a township at a time: each township's people
    are written before the next township's are made, so memory holds one township's
    (a province-sized demo has 900,000 mediators)."""

    def __init__(self, ctx, today: datetime.date, people: People, units: list[Unit], short):
        self.rng, self.today, self.units, self.people = ctx.rng, today, units, people
        # The levels the roster held before there was a grading module, by mediator:
        # the grading demo grades them again in completed rounds (grading.demo). They
        # are not written: clearing them there left a province's 80,000 stale entries
        # in the level index, which every quota check of the step then read.
        self.levels_held = ctx.extra.setdefault("levels_held", {})
        self.short = short  # the unit always short of the standard (see seed_roster)
        self.check_registered = True
        self.persons: list[Person] = []
        self.posts: list[PostPlan] = []
        self.by_township: dict[tuple, list[Unit]] = defaultdict(list)  # (code, kind) → units
        self.full_time_units: list[Unit] = []  # the county's, for transfers
        self.village_directors: dict[str, list[Person]] = defaultdict(list)  # township → …
        for unit in units:
            if unit.township is not None and unit.active:
                self.by_township[unit.township.code, unit.kind].append(unit)
            if unit.active and unit.kind in (T.COUNTY, T.TOWNSHIP, T.INDUSTRY, T.DISPATCHED):
                self.full_time_units.append(unit)

    def groups(self):
        """The county's committees by the township they sit in, then those of the
        county itself; in each, villages first: their directors also sit on the
        township's committee."""
        groups = defaultdict(list)
        for unit in self.units:
            groups[unit.township.code if unit.township else ""].append(unit)
        for key in [t.code for t in self.units[0].county.townships] + [""]:
            yield sorted(groups.pop(key, []), key=lambda u: u.kind != T.VILLAGE)

    def staff(self, units: list[Unit]) -> tuple[list[Person], list[PostPlan]]:
        """Staff *units* and write their people and posts."""
        self.persons, self.posts = [], []
        for unit in units:
            self._staff(unit, short=unit is self.short)
        self._write()
        self.village_directors.clear()
        return self.persons, self.posts

    # Staffing one committee ----------------------------------------------------------

    def _staff(self, unit: Unit, short=False):
        full_time, part_time = self._counts(unit, short)
        seats = [True] * full_time + [False] * part_time
        if unit.kind == T.TOWNSHIP:
            seats.insert(0, False)  # the director: the township's 政法委员 or office head
        elif unit.kind == T.NAMED:
            seats.insert(0, self.rng.random() < 0.6)  # the namesake, full-time or not
        for index, is_full_time in enumerate(seats):
            post = self._post_title(unit, index, is_full_time, len(seats))
            self._seat(unit, post, is_full_time, director=index == 0)

    def _counts(self, unit: Unit, short: bool) -> tuple[int, int]:
        rng = self.rng
        standard = unit.county.standard.get(unit.kind, 0)
        if standard:
            draw = rng.random()
            if short or draw < SHORT_SHARE:
                full_time = max(0, standard - (2 if standard > 1 and rng.random() < 0.3 else 1))
            else:
                full_time = standard + (1 if draw < SHORT_SHARE + OVER_SHARE else 0)
        else:
            full_time = rng.choice([1, 2, 2]) if unit.kind == T.DISPATCHED else 0
        if unit.kind == T.VILLAGE:
            part_time = names.weighted(rng, VILLAGE_PART_TIME)
        else:
            part_time = rng.randint(*PART_TIME[unit.kind])
        return full_time, part_time

    def _post_title(self, unit, index, full_time, seats) -> str:
        if index == 0:
            return Post.DIRECTOR
        if index == 1 and (seats >= 4 or unit.kind in (T.TOWNSHIP, T.COUNTY, T.INDUSTRY)):
            return Post.DEPUTY
        if full_time or unit.kind == T.NAMED:
            return Post.MEDIATOR
        return Post.MEMBER if self.rng.random() < 0.5 else Post.MEDIATOR

    def _seat(self, unit: Unit, post: str, full_time: bool, director: bool):
        rng = self.rng
        starts_on = self._start(unit, full_time)
        reuse = self.village_directors.get(unit.township.code) if unit.township else None
        if unit.kind == T.TOWNSHIP and not (director or full_time) and reuse and rng.random() < 0.4:
            # A village committee's director also sits on the township's committee.
            person = reuse.pop(rng.randrange(len(reuse)))
            starts_on = max(starts_on, person.first_start)
        else:
            person = self._person(unit, full_time, director, starts_on)
        plan = self._add(unit, person, post, full_time, starts_on)
        if unit.kind == T.VILLAGE and director:
            self.village_directors[unit.township.code].append(person)
        if not unit.active:
            self._deregistered(plan)
        else:
            self._history(plan, director)

    def _person(self, unit, full_time, director, starts_on) -> Person:
        if unit.kind == T.NAMED and director:
            profile = "professional" if full_time else "township"
            return self._new_person(unit, profile, starts_on, namesake=unit.namesake)
        if full_time:
            profile = "professional"
        elif unit.kind == T.TOWNSHIP and director:
            profile = "official"
        else:
            profile = PART_TIME_PROFILE[unit.kind]
        return self._new_person(unit, profile, starts_on)

    def _new_person(self, unit, profile, starts_on, namesake=None) -> Person:
        person = self.people.person(unit, profile, starts_on, namesake=namesake)
        self.persons.append(person)
        return person

    def _start(self, unit: Unit, full_time: bool) -> datetime.date:
        rng = self.rng
        latest = (unit.end or self.today) - datetime.timedelta(days=20)
        earliest = unit.founded
        current_term = unit.term_starts[-1][1]
        if full_time:
            earliest = max(earliest, FULL_TIME_SINCE)
        elif rng.random() < 0.5 and earliest <= current_term <= latest:
            return current_term  # appointed with the current term
        else:
            earliest = max(earliest, names.add_years(latest, -12))
        return min(names.between(rng, earliest, latest), unit.end or self.today)

    def _add(self, unit, person, post, full_time, starts_on, **ending) -> PostPlan:
        plan = PostPlan(
            unit=unit,
            person=person,
            post=post,
            full_time=full_time,
            paid_by=self._payer(unit, full_time),
            starts_on=starts_on,
            **ending,
        )
        person.posts.append(plan)
        self.posts.append(plan)
        return plan

    def _payer(self, unit: Unit, full_time: bool) -> str:
        rng, kind = self.rng, unit.kind
        if full_time:
            if kind in (T.DISPATCHED, T.NAMED):
                return unit.payer
            if kind == T.TOWNSHIP:
                return PaidBy.TOWNSHIP if rng.random() < 0.55 else PaidBy.BUREAU
            if kind == T.VILLAGE:
                return PaidBy.TOWNSHIP
            if kind == T.INDUSTRY and rng.random() < 0.25:
                return PaidBy.EMPLOYER
            return PaidBy.BUREAU
        paid = {
            T.VILLAGE: (0.35, PaidBy.TOWNSHIP),
            T.TOWNSHIP: (0.3, PaidBy.TOWNSHIP),
            T.COUNTY: (0.4, PaidBy.BUREAU),
            T.INDUSTRY: (0.4, PaidBy.BUREAU),
            T.ENTERPRISE: (0.7, PaidBy.EMPLOYER),
            T.DISPATCHED: (0.5, unit.payer),
        }.get(kind)
        return paid[1] if paid and rng.random() < paid[0] else PaidBy.UNPAID

    # Careers -------------------------------------------------------------------------

    def _history(self, plan: PostPlan, director: bool):
        draw, unit = self.rng.random(), plan.unit
        if plan.full_time:
            if draw < 0.08:
                self._transferred_in(plan)
            elif draw < 0.13 and unit.kind == T.TOWNSHIP:
                self._promoted_from_village(plan)
            elif draw < 0.25:
                self._predecessor(plan)
        elif plan.person.posts[0] is plan:  # not for a village director's second seat
            if draw < 0.1:
                self._predecessor(plan)
            elif draw < 0.15 and unit.kind == T.VILLAGE and director:
                self._earlier_township_term(plan)

    def _transferred_in(self, plan: PostPlan):
        """A full-time mediator who came from another committee of the county."""
        choices = [u for u in self.full_time_units if u is not plan.unit]
        if choices:
            self._moved(plan, self.rng.choice(choices), full_time=True)

    def _promoted_from_village(self, plan: PostPlan):
        """A village mediator who became a full-time mediator of the township."""
        villages = self.by_township[plan.unit.township.code, T.VILLAGE]
        if villages:
            self._moved(plan, self.rng.choice(villages), full_time=False)

    def _moved(self, plan: PostPlan, previous: Unit, full_time: bool):
        person, ends_on = plan.person, plan.starts_on - datetime.timedelta(days=1)
        earliest = max(previous.founded, names.add_years(person.born, 23))
        earliest = max(earliest, names.add_years(ends_on, -8))
        if full_time:
            earliest = max(earliest, FULL_TIME_SINCE)
        latest = ends_on - datetime.timedelta(days=365)
        if earliest > latest:
            return
        self._add(
            previous,
            person,
            Post.MEDIATOR,
            full_time,
            names.between(self.rng, earliest, latest),
            ends_on=ends_on,
            exit_reason=ExitReason.TRANSFER,
            exit_note=f"调任{plan.unit.committee.name}",
        )

    def _predecessor(self, plan: PostPlan):
        """Someone held this seat before and left the roster."""
        rng, unit = self.rng, plan.unit
        ends_on = plan.starts_on - datetime.timedelta(days=rng.randint(1, 45))
        earliest = max(unit.founded, names.add_years(ends_on, -6))
        latest = ends_on - datetime.timedelta(days=180)
        if earliest > latest:
            return
        starts_on = names.between(rng, earliest, latest)
        reason = names.weighted(rng, LEAVING[plan.full_time])
        person = self._new_person(unit, plan.person.profile, starts_on)
        self._add(
            unit,
            person,
            plan.post,
            plan.full_time,
            starts_on,
            ends_on=ends_on,
            exit_reason=reason,
            exit_note=EXIT_NOTES[reason],
        )

    def _earlier_township_term(self, plan: PostPlan):
        """A village director who sat on the township committee for its last term and
        was not renewed: the post ended with the term."""
        townships = self.by_township[plan.unit.township.code, T.TOWNSHIP]
        if not townships or len(townships[0].term_starts) < 2:
            return
        township = townships[0]
        starts_on, next_start = township.term_starts[-2][1], township.term_starts[-1][1]
        if starts_on < names.add_years(plan.person.born, 23):
            return
        self._add(
            township,
            plan.person,
            Post.MEMBER,
            False,
            starts_on,
            ends_on=next_start - datetime.timedelta(days=1),
            exit_reason=ExitReason.TERM_END,
            exit_note=EXIT_NOTES[ExitReason.TERM_END],
        )

    def _deregistered(self, plan: PostPlan):
        """Posts end with the committee; most of its people move to the township's
        committee afterwards."""
        unit, rng = plan.unit, self.rng
        plan.ends_on = unit.end
        plan.exit_reason = ExitReason.COMMITTEE_DEREGISTERED
        townships = self.by_township[unit.township.code, T.TOWNSHIP] if unit.township else []
        starts_on = unit.end + datetime.timedelta(days=rng.randint(10, 90))
        if townships and rng.random() < 0.6 and starts_on <= self.today:
            self._add(townships[0], plan.person, Post.MEMBER, False, starts_on)

    # Writing -------------------------------------------------------------------------

    def _write(self):
        rows = [self.people.mediator(person) for person in self.persons]
        for plan in self.posts:
            # Volunteers take no pay in their part-time posts; a full-time post always
            # names who pays (Appointment.clean).
            if plan.person.row["volunteer"] and not plan.full_time:
                plan.paid_by = PaidBy.UNPAID
        if self.check_registered:
            self._skip_registered_numbers()
        keys = insert_like(
            Mediator(), [{**row, "level": None, "level_name": ""} for row in rows], keys=True
        )
        for person, key in zip(self.persons, keys, strict=True):
            person.mediator_id = key
            if person.row["level"] is not None:
                self.levels_held[key] = person.row["level"]
        insert_like(
            Mediator.expertise.through(),
            [
                {"mediator_id": person.mediator_id, "expertisefield_id": code}
                for person in self.persons
                for code in person.expertise
            ],
        )
        insert_like(
            Appointment(),
            [
                {
                    "mediator_id": plan.person.mediator_id,
                    "committee_id": plan.unit.committee.pk,
                    "region_id": plan.unit.committee.region_id,
                    "post": plan.post,
                    "full_time": plan.full_time,
                    "paid_by": plan.paid_by,
                    "starts_on": plan.starts_on,
                    "ends_on": plan.ends_on,
                    "exit_reason": plan.exit_reason,
                    "exit_note": plan.exit_note,
                }
                for plan in self.posts
            ],
        )

    def _skip_registered_numbers(self):
        """ID numbers are unique system-wide: renumber anyone whose number a mediator
        already in the database (a former demo run, an import) holds. Only needed when
        the roster was not empty before the demo (seed_roster sets check_registered)."""
        with all_regions():
            pending = list(self.persons)
            while pending:
                taken = set()
                for start in range(0, len(pending), 500):
                    digests = [p.row["id_number_digest"] for p in pending[start : start + 500]]
                    taken |= set(
                        Mediator._base_manager.filter(id_number_digest__in=digests).values_list(
                            "id_number_digest", flat=True
                        )
                    )
                pending = [p for p in pending if p.row["id_number_digest"] in taken]
                for person in pending:
                    self.people.renumber(person)
