"""Demo training, mentorship, monthly attendance and leave.

Over this year and last: every township holds two all-staff rounds for its committees'
mediators, every county two for the committees at county level, one initial course for
newcomers and one backbone course for full-time mediators, and the city one backbone
course. Most people turn up to most sessions; a fifth are unreliable, so the
"fewer than the minimum sessions" flag has someone to show."""

import calendar
import datetime
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

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


class Training:
    def __init__(self, ctx, today, counties, persons: list[Person], posts):
        self.ctx, self.rng, self.today = ctx, ctx.rng, today
        self.counties, self.persons, self.posts = counties, persons, posts
        self.city = ctx.city_bureau.region
        # Posts by the township (9-digit prefix) or county (6 digits) their committee is in.
        self.posts_in = defaultdict(list)
        for plan in posts:
            region = plan.unit.committee.region
            key = region.code[:9] if region.level in ("township", "village") else region.code[:6]
            self.posts_in[key].append(plan)
        self.leave: dict[Person, list[LeaveRecord]] = defaultdict(list)
        self.counts = {}

    def build(self) -> dict:
        sessions = []
        for year in (self.today.year - 1, self.today.year):
            first = datetime.date(year, 1, 1)
            last = min(datetime.date(year, 12, 31), self.today)
            for county in self.counties:
                sessions += self._county_sessions(county, year, first, last)
            sessions.append(self._city_backbone(year, first, last))
        TrainingSession.objects.bulk_create([s for s, _ in sessions], batch_size=1000)
        attendance = [
            TrainingAttendance(session=session, mediator=p.mediator, region=p.mediator.region)
            for session, attendees in sessions
            for p in attendees
        ]
        TrainingAttendance.objects.bulk_create(attendance, batch_size=2000)
        mentorships = self._mentorships()
        Mentorship.objects.bulk_create(mentorships, batch_size=1000)
        leave = self._leave()
        LeaveRecord.objects.bulk_create(leave, batch_size=1000)
        monthly = self._monthly()
        MonthlyAttendance.objects.bulk_create(monthly, batch_size=2000)
        return {
            "training sessions": len(sessions),
            "attendances": len(attendance),
            "mentorships": len(mentorships),
            "leave records": len(leave),
            "monthly attendance rows": len(monthly),
        }

    # Sessions ------------------------------------------------------------------------

    def _county_sessions(self, county, year, first, last):
        rng, sessions = self.rng, []
        county_code = county.region.code[:6]
        base = f"{county.name}社会治理中心调解实训基地"
        for township in county.townships:
            plans = self.posts_in[township.code[:9]]
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
                        [p.person for p in plans if p.held_on(day)],
                    )
                )
        plans = self.posts_in[county_code]
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
                    [p.person for p in plans if p.held_on(day)],
                )
            )
        in_county = [p for key, ps in self.posts_in.items() if key[:6] == county_code for p in ps]
        day = names.between(rng, first + (last - first) / 2, last)
        newcomers = [
            p.person
            for p in in_county
            if p.held_on(day) and day - datetime.timedelta(days=365) < p.person.first_start
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
        backbone = [p.person for p in in_county if p.held_on(day) and _backbone(p)]
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

    def _city_backbone(self, year, first, last):
        day = names.between(self.rng, first, last)
        candidates = sorted(
            {
                p.person
                for p in self.posts
                if p.held_on(day)
                and p.unit.kind == "township"
                and (p.post == Post.DIRECTOR or (p.person.mediator.level or 9) <= 2)
            },
            key=lambda person: person.mediator.id_number_digest,
        )
        chosen = self.rng.sample(candidates, min(CITY_BACKBONE_CLASS, len(candidates)))
        return self._session(
            self.city,
            f"{year}年绍兴市人民调解业务骨干培训班",
            TrainingKind.BACKBONE,
            day,
            24,
            "绍兴市人民调解实训基地",
            self.counties[0],
            chosen,
        )

    def _session(self, region, title, kind, day, hours, base, county, candidates):
        rng = self.rng
        trainer_title = rng.choice(names.TRAINER_TITLES).format(county=county.name)
        gender = "M" if rng.random() < 0.6 else "F"
        trainer = names.person_name(rng, gender, datetime.date(1970, 1, 1))
        session = TrainingSession(
            region=region,
            title=title,
            kind=kind,
            held_on=day,
            hours=Decimal(hours),
            base=base,
            trainer=f"{trainer}({trainer_title})",
        )
        unique = list(dict.fromkeys(candidates))  # a person with two posts attends once
        return session, [p for p in unique if rng.random() < p.propensity]

    def _round_day(self, first, last, round_):
        span = last - first
        if round_ == 1:
            return names.between(self.rng, first, first + span * 0.4)
        return names.between(self.rng, first + span * 0.5, last)

    # Mentorship, leave, attendance ---------------------------------------------------

    def _mentorships(self) -> list[Mentorship]:
        rng, today = self.rng, self.today
        seasoned = today - relativedelta(years=3)
        pairs = []
        for county in self.counties:
            serving = [p for p in self.persons if p.county is county and p.holds_post(today)]
            mentors = [p for p in serving if p.full_time(today) and p.first_start <= seasoned]
            mentors.sort(key=lambda p: (p.mediator.level or 9, p.first_start))
            apprentices = [p for p in serving if p.first_start > seasoned and p not in mentors]
            apprentices.sort(key=lambda p: not p.full_time(today))
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
                        mentor=mentor.mediator,
                        apprentice=apprentice.mediator,
                        region=apprentice.mediator.region,
                        starts_on=starts_on,
                        ends_on=ends_on if ends_on < today and rng.random() < 0.6 else None,
                        notes=rng.choice(MENTOR_NOTES),
                    )
                )
        return pairs

    def _months(self) -> list[datetime.date]:
        this_month = self.today.replace(day=1)
        return [this_month - relativedelta(months=k) for k in range(MONTHS, 0, -1)]

    def _leave(self) -> list[LeaveRecord]:
        rng, today = self.rng, self.today
        window_start = self._months()[0]
        records = []
        for person in self.persons:
            spells = [
                p for p in person.posts if p.full_time and (p.ends_on or today) >= window_start
            ]
            if not spells:
                continue
            draws = [rng.random() < 0.12, rng.random() < 0.02]
            for _ in range(sum(draws)):
                spell = rng.choice(spells)
                start = names.between(
                    rng, max(spell.starts_on, window_start), spell.ends_on or today
                )
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
        record = LeaveRecord(
            mediator=person.mediator,
            region=person.mediator.region,
            kind=kind,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=days - 1),
            reason=rng.choice(names.LEAVE_REASONS[kind]),
            approved=approved,
        )
        self.leave[person].append(record)
        return record

    def _monthly(self) -> list[MonthlyAttendance]:
        rng, rows = self.rng, []
        for month in self._months():
            month_end = month + relativedelta(months=1) - datetime.timedelta(days=1)
            for person in self.persons:
                spells = [
                    p
                    for p in person.posts
                    if p.full_time and p.starts_on <= month_end and (p.ends_on or month) >= month
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
                    for r in self.leave.get(person, [])
                    if r.approved
                    for day in _weekdays(r.starts_on, r.ends_on)
                } & held
                absent = rng.choice([0] * 18 + [1, 2])
                rows.append(
                    MonthlyAttendance(
                        mediator=person.mediator,
                        region=person.mediator.region,
                        month=month,
                        days_present=max(0, len(held) - len(leave) - absent),
                        days_leave=len(leave),
                        notes="" if len(held) == _workdays(month) else "本月入职或离职",
                    )
                )
        return rows


def _backbone(plan) -> bool:
    return plan.full_time or (plan.post == Post.DIRECTOR and plan.unit.kind == "township")


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
