"""Demo training, mentorship, monthly attendance and leave.

Over this year and last: every township holds two all-staff rounds for its committees'
mediators, every county two for the committees at county level, one initial course for
newcomers and one backbone course for full-time mediators, and the city one backbone
course. Most people turn up to most sessions; a fifth are unreliable, so the
"fewer than the minimum sessions" flag has someone to show."""

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from core.bulk import insert_like
from registry.demo import names
from registry.demo.profiles import Person
from registry.models import (
    LeaveKind,
    LeaveRecord,
    Mentorship,
    MonthlyAttendance,
    Post,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)

MONTHS = 6  # monthly attendance for the last six complete months
CITY_BACKBONE_CLASS = 80
MENTOR_NOTES = ["师徒结对,跟班学习", "“老带新”结对培养", "实战带教,案例研讨"]


@dataclass(slots=True, eq=False)
class Member:
    """A written mediator, as much as training and mentorship need of them: a county
    of a province-sized demo has 150,000, kept until its sessions are made."""

    mediator_id: int
    region_id: str
    propensity: float
    level: int | None
    digest: str
    first_start: datetime.date
    serving: bool  # holds a post today
    full_time: bool  # holds a full-time post today


class Seat(NamedTuple):
    """A post, as training needs it."""

    member: Member
    key: str  # the township (9 digits) or the county (6) its committee is in
    kind: str  # its committee's type
    post: str
    full_time: bool
    starts_on: datetime.date
    ends_on: datetime.date | None

    def held_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class Training:
    """Training of one county at a time (start, add each township's people as they
    are written, finish), then the city's own backbone class (finish_city)."""

    def __init__(self, ctx, today):
        self.ctx, self.rng, self.today = ctx, ctx.rng, today
        self.city = ctx.city_bureau.region
        self.years = []
        for year in (today.year - 1, today.year):
            first = datetime.date(year, 1, 1)
            self.years.append((year, first, min(datetime.date(year, 12, 31), today)))
        # The city's backbone classes: their days are drawn first so that their
        # candidates can be gathered county by county (digest → Member).
        self.city_days = {y: names.between(self.rng, f, last) for y, f, last in self.years}
        self.city_candidates = {year: {} for year in self.city_days}
        self.counts = Counter()
        this_month = today.replace(day=1)
        # The months of monthly attendance: (first day, last day, workdays)
        self.months = []
        for k in range(MONTHS, 0, -1):
            month = this_month - relativedelta(months=k)
            end = month + relativedelta(months=1) - datetime.timedelta(days=1)
            self.months.append((month, end, _workdays(month)))
        self.county = self.first_county = None
        self.members: list[Member] = []
        self.posts_in: dict[str, list[Seat]] = defaultdict(list)

    def start(self, county):
        self.first_county = self.first_county or county  # its trainers teach the city's
        self.county, self.members, self.posts_in = county, [], defaultdict(list)

    def add(self, persons: list[Person]):
        """*persons*, written: their leave and monthly attendance, and what the
        county's sessions need of them."""
        leave, monthly = [], []
        for person in persons:
            records = self._leave(person)
            leave += records
            monthly += self._monthly(person, records)
            member = Member(
                mediator_id=person.mediator_id,
                region_id=person.row["region_id"],
                propensity=person.propensity,
                level=person.row["level"],
                digest=person.row["id_number_digest"],
                first_start=person.first_start,
                serving=person.holds_post(self.today),
                full_time=person.full_time(self.today),
            )
            self.members.append(member)
            for plan in person.posts:
                region = plan.unit.committee.region
                township_level = region.level in ("township", "village")
                seat = Seat(
                    member,
                    region.code[:9] if township_level else region.code[:6],
                    plan.unit.kind,
                    plan.post,
                    plan.full_time,
                    plan.starts_on,
                    plan.ends_on,
                )
                self.posts_in[seat.key].append(seat)
                self._city_candidate(seat)
        LeaveRecord.objects.bulk_create(leave, batch_size=1000)
        insert_like(MonthlyAttendance(), monthly)
        self.counts["leave records"] += len(leave)
        self.counts["monthly attendance rows"] += len(monthly)

    def finish(self):
        """The county's sessions with their attendance, and its mentorships."""
        sessions = []
        for year, first, last in self.years:
            sessions += self._county_sessions(self.county, year, first, last)
        self._write_sessions(sessions)
        mentorships = self._mentorships()
        Mentorship.objects.bulk_create(mentorships, batch_size=1000)
        self.counts["mentorships"] += len(mentorships)
        self.members, self.posts_in = [], defaultdict(list)

    def finish_city(self) -> dict:
        """The city's backbone class of each year; returns the counts."""
        self._write_sessions([self._city_backbone(year) for year in self.city_days])
        return {
            key: self.counts[key]
            for key in (
                "training sessions",
                "attendances",
                "mentorships",
                "leave records",
                "monthly attendance rows",
            )
        }

    def _write_sessions(self, sessions):
        keys = insert_like(TrainingSession(), [row for row, _ in sessions], keys=True)
        insert_like(
            TrainingAttendance(),
            [
                {"session_id": key, "mediator_id": m.mediator_id, "region_id": m.region_id}
                for key, (_, attendees) in zip(keys, sessions, strict=True)
                for m in attendees
            ],
        )
        self.counts["training sessions"] += len(sessions)
        self.counts["attendances"] += sum(len(attendees) for _, attendees in sessions)

    # Sessions ------------------------------------------------------------------------

    def _county_sessions(self, county, year, first, last):
        rng, sessions = self.rng, []
        county_code = county.region.code[:6]
        base = f"{county.name}社会治理中心调解实训基地"
        for township in county.townships:
            seats = self.posts_in[township.code[:9]]
            for round_ in (1, 2):
                day = self._round_day(first, last, round_)
                sessions.append(
                    self._session(
                        township,
                        f"{year}年{township.name}人民调解员全员轮训(第{round_}期)",
                        TrainingKind.ALL_STAFF,
                        day,
                        rng.choice([4, 4, 8]),
                        f"{township.name}社会治理中心",
                        county,
                        [s.member for s in seats if s.held_on(day)],
                    )
                )
        seats = self.posts_in[county_code]
        for round_ in (1, 2):
            day = self._round_day(first, last, round_)
            sessions.append(
                self._session(
                    county.region,
                    f"{year}年{county.name}县级及行业性专业性调委会调解员培训(第{round_}期)",
                    TrainingKind.ALL_STAFF,
                    day,
                    8,
                    base,
                    county,
                    [s.member for s in seats if s.held_on(day)],
                )
            )
        in_county = [s for seats in self.posts_in.values() for s in seats]
        day = names.between(rng, first + (last - first) / 2, last)
        newcomers = [
            s.member
            for s in in_county
            if s.held_on(day) and day - datetime.timedelta(days=365) < s.member.first_start
        ]
        sessions.append(
            self._session(
                county.region,
                f"{year}年{county.name}新任人民调解员岗前培训班",
                TrainingKind.INITIAL,
                day,
                16,
                base,
                county,
                newcomers,
            )
        )
        day = names.between(rng, first, last)
        backbone = [s.member for s in in_county if s.held_on(day) and _backbone(s)]
        sessions.append(
            self._session(
                county.region,
                f"{year}年{county.name}骨干人民调解员培训班",
                TrainingKind.BACKBONE,
                day,
                24,
                f"{county.name}人民法院诉调对接中心",
                county,
                backbone,
            )
        )
        return sessions

    def _city_candidate(self, seat: Seat):
        if seat.kind != "township":
            return
        if seat.post != Post.DIRECTOR and (seat.member.level or 9) > 2:
            return
        for year, day in self.city_days.items():
            if seat.held_on(day):
                self.city_candidates[year][seat.member.digest] = seat.member

    def _city_backbone(self, year):
        candidates = [m for _, m in sorted(self.city_candidates[year].items())]
        chosen = self.rng.sample(candidates, min(CITY_BACKBONE_CLASS, len(candidates)))
        return self._session(
            self.city,
            f"{year}年绍兴市人民调解业务骨干培训班",
            TrainingKind.BACKBONE,
            self.city_days[year],
            24,
            "绍兴市人民调解实训基地",
            self.first_county,
            chosen,
        )

    def _session(self, region, title, kind, day, hours, base, county, candidates):
        rng = self.rng
        trainer_title = rng.choice(names.TRAINER_TITLES).format(county=county.name)
        gender = "M" if rng.random() < 0.6 else "F"
        trainer = names.person_name(rng, gender, datetime.date(1970, 1, 1))
        session = {
            "region_id": region.code,
            "title": title,
            "kind": kind,
            "held_on": day,
            "hours": Decimal(hours),
            "base": base,
            "trainer": f"{trainer}({trainer_title})",
        }
        unique = list(dict.fromkeys(candidates))  # a person with two posts attends once
        return session, [m for m in unique if rng.random() < m.propensity]

    def _round_day(self, first, last, round_):
        span = last - first
        if round_ == 1:
            return names.between(self.rng, first, first + span * 0.4)
        return names.between(self.rng, first + span * 0.5, last)

    # Mentorship, leave, attendance ---------------------------------------------------

    def _mentorships(self) -> list[Mentorship]:
        rng, today = self.rng, self.today
        seasoned = today - relativedelta(years=3)
        serving = [m for m in self.members if m.serving]
        mentors = [m for m in serving if m.full_time and m.first_start <= seasoned]
        mentors.sort(key=lambda m: (m.level or 9, m.first_start))
        # Newer than the mentors by definition, so never one of them.
        apprentices = [m for m in serving if m.first_start > seasoned]
        apprentices.sort(key=lambda m: not m.full_time)
        pairs = []
        for apprentice in apprentices[: self.ctx.scaled(12, minimum=2)]:
            if not mentors:
                break
            mentor = rng.choice(mentors[:5])
            starts_on = min(
                apprentice.first_start + datetime.timedelta(days=rng.randint(7, 60)), today
            )
            ends_on = starts_on + relativedelta(years=1)
            pairs.append(
                Mentorship(
                    mentor_id=mentor.mediator_id,
                    apprentice_id=apprentice.mediator_id,
                    region_id=apprentice.region_id,
                    starts_on=starts_on,
                    ends_on=ends_on if ends_on < today and rng.random() < 0.6 else None,
                    notes=rng.choice(MENTOR_NOTES),
                )
            )
        return pairs

    def _leave(self, person) -> list[LeaveRecord]:
        rng, today = self.rng, self.today
        window_start = self.months[0][0]
        records = []
        spells = [p for p in person.posts if p.full_time and (p.ends_on or today) >= window_start]
        if not spells:
            return records
        draws = [rng.random() < 0.12, rng.random() < 0.02]
        for _ in range(sum(draws)):
            spell = rng.choice(spells)
            start = names.between(rng, max(spell.starts_on, window_start), spell.ends_on or today)
            records.append(self._leave_record(person, start, approved=rng.random() < 0.95))
        if rng.random() < 0.03 and any(p.ends_on is None for p in spells):
            start = today + datetime.timedelta(days=rng.randint(3, 30))
            records.append(self._leave_record(person, start, approved=False))
        return records

    def _leave_record(self, person, start, approved) -> LeaveRecord:
        rng = self.rng
        kind = names.weighted(
            rng,
            {LeaveKind.SICK: 40, LeaveKind.PERSONAL: 30, LeaveKind.ANNUAL: 25, LeaveKind.OTHER: 5},
        )
        start = _weekday(start)
        days = rng.randint(1, 10 if kind == LeaveKind.SICK else 5)
        return LeaveRecord(
            mediator_id=person.mediator_id,
            region_id=person.row["region_id"],
            kind=kind,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=days - 1),
            reason=rng.choice(names.LEAVE_REASONS[kind]),
            approved=approved,
        )

    def _monthly(self, person, leave_records) -> list[dict]:
        rng, rows = self.rng, []
        full_time = [p for p in person.posts if p.full_time]
        if not full_time:
            return rows
        for month, month_end, workdays in self.months:
            spells = [
                p for p in full_time if p.starts_on <= month_end and (p.ends_on or month) >= month
            ]
            if not spells:
                continue
            held = {
                day
                for p in spells
                for day in _weekdays(
                    max(month, p.starts_on), min(month_end, p.ends_on or month_end)
                )
            }
            leave = {
                day
                for r in leave_records
                if r.approved
                for day in _weekdays(r.starts_on, r.ends_on)
            } & held
            absent = rng.choice([0] * 18 + [1, 2])
            rows.append(
                {
                    "mediator_id": person.mediator_id,
                    "region_id": person.row["region_id"],
                    "month": month,
                    "days_present": max(0, len(held) - len(leave) - absent),
                    "days_leave": len(leave),
                    "notes": "" if len(held) == workdays else "本月入职或离职",
                }
            )
        return rows


def _backbone(seat: Seat) -> bool:
    return seat.full_time or (seat.post == Post.DIRECTOR and seat.kind == "township")


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _weekdays(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += datetime.timedelta(days=1)


def _workdays(month: datetime.date) -> int:
    last = calendar.monthrange(month.year, month.month)[1]
    return sum(1 for _ in _weekdays(month, month.replace(day=last)))
