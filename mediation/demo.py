"""The cases' step of ``manage.py seed_demo``: two years of cases of the roster's
committees (scale 1 ≈ 23,000 cases a year for the city), with parties, the monthly
callback draws (recorded for ~15 % of closed cases) and a few zero reports.

Shares follow the published monthly reports: neighbourhood and family disputes lead,
~95 % of closed cases succeed, most agreements are written. Every lead mediator holds
a post in the committee on the date received. Rows are written with bulk_create:
numbers are given per bureau and year in date order, and each CaseSequence is set to
the year's last number, so filing after seeding goes on gap-free.
"""

import datetime
import itertools
import time
from collections import defaultdict
from decimal import Decimal

from core.seeding import SeedContext, register
from mediation import callbacks
from mediation.models import (
    AgreementForm,
    Callback,
    CallbackDraw,
    Case,
    CaseResult,
    CaseSequence,
    CaseSource,
    CaseStatus,
    Difficulty,
    Party,
    PartyRole,
    ZeroReport,
)
from mediation.services import format_number
from registry.demo.names import GIVEN_NAMES, SURNAMES
from registry.services import governing_bureau

CASES_PER_YEAR = 23_000  # the city at scale 1
YEARS = 2
BATCH = 2000

# (code, share, typical amount in yuan or 0, issues for the summary)
DISPUTES = [
    (
        "neighbourhood",
        22,
        0,
        ["排水沟堵塞", "通道通行", "噪音扰邻", "违章搭建遮挡采光", "饲养宠物"],
    ),
    ("marriage_family", 12, 0, ["赡养老人", "离婚财产分割", "子女抚养费", "家庭财产继承"]),
    ("traffic", 9, 30_000, ["交通事故赔偿", "电动车碰撞", "停车剐蹭"]),
    ("damages", 8, 8_000, ["人身损害赔偿", "财物损坏赔偿", "装修渗水"]),
    ("other", 8, 2_000, ["宗族事务", "集体收益分配", "广告牌设置"]),
    ("contract", 7, 50_000, ["买卖合同货款", "租赁合同租金", "承揽合同工程款"]),
    ("labour", 7, 20_000, ["拖欠工资", "工伤赔偿", "解除劳动关系补偿"]),
    ("homestead", 6, 0, ["宅基地界址", "房屋翻建", "滴水檐界线"]),
    ("property", 6, 3_000, ["物业费缴纳", "公共区域占用", "电梯维修费用分摊"]),
    ("consumer", 4, 2_000, ["商品质量", "预付卡退费", "装修服务质量"]),
    ("land", 3, 10_000, ["山林权属", "土地承包经营权", "田间灌溉用水"]),
    ("business", 3, 40_000, ["合伙经营分红", "生产经营场地"]),
    ("demolition", 2, 80_000, ["征地补偿款分配", "拆迁安置"]),
    ("medical", 2, 60_000, ["医疗损害赔偿", "诊疗费用"]),
    ("pollution", 1, 10_000, ["养殖异味", "工厂粉尘", "油烟排放"]),
]
SOURCES = [
    (CaseSource.APPLICATION, 45),
    (CaseSource.SCREENING, 30),
    (CaseSource.COURT, 8),
    (CaseSource.POLICE, 8),
    (CaseSource.PETITION, 4),
    (CaseSource.OTHER, 5),
]
DIFFICULTIES = [(Difficulty.ORDINARY, 90), (Difficulty.COMPLEX, 8), (Difficulty.MAJOR, 2)]
RESULTS = [(CaseResult.SUCCESS, 95), (CaseResult.FAILURE, 3.5), (CaseResult.TERMINATED, 1.5)]
SATISFACTION = [(5, 60), (4, 28), (3, 9), (2, 2), (1, 1)]
FULL_TIME_INTENSITY = 6  # a full-time mediator leads six times the cases of a part-time one
OUTCOMES = ["经调解，双方达成一致", "经多次调解，双方互谅互让", "经耐心疏导，双方握手言和"]


def _weighted(rng, pairs):
    values = [v for v, _w in pairs]
    cumulative = list(itertools.accumulate(w for _v, w in pairs))
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


class People:
    """Party names as the roster's (surname shares of Shaoxing, names by generation)."""

    def __init__(self, rng):
        self.rng = rng
        self.surname = _weighted(rng, list(SURNAMES.items()))
        self.given = [name for names in GIVEN_NAMES.values() for name in names]

    def name(self):
        return self.surname() + self.rng.choice(self.given)


@register(20, "cases, parties, callbacks, zero reports")
def seed_cases(ctx: SeedContext):
    started = time.perf_counter()
    today = datetime.date.today()
    builder = CaseBuilder(ctx, today)
    cases = builder.cases()
    parties = builder.parties(cases)
    draws, calls = builder.callbacks(cases)
    zero = builder.zero_reports(cases)
    counts = {
        "cases": len(cases),
        "parties": parties,
        "callback draws": draws,
        "callbacks": calls,
        "zero reports": zero,
    }
    elapsed = time.perf_counter() - started
    ctx.stdout.write(
        "  " + ", ".join(f"{n} {label}" for label, n in counts.items()) + f" ({elapsed:.1f}s)"
    )


class CaseBuilder:
    def __init__(self, ctx: SeedContext, today: datetime.date):
        self.ctx, self.rng, self.today = ctx, ctx.rng, today
        self.last_day = today - datetime.timedelta(days=1)
        self.first_day = today.replace(year=today.year - YEARS)
        self.people = People(self.rng)
        self.source = _weighted(self.rng, SOURCES)
        self.difficulty = _weighted(self.rng, DIFFICULTIES)
        self.result = _weighted(self.rng, RESULTS)
        self.dispute = _weighted(self.rng, [(d, d[1]) for d in DISPUTES])
        self.satisfaction = _weighted(self.rng, SATISFACTION)
        self.bureaus = {}

    def bureau(self, region_code):
        key = region_code[:6]
        if key not in self.bureaus:
            self.bureaus[key] = governing_bureau(region_code)
        return self.bureaus[key]

    def _windows(self):
        """Each post with the days in the period when it was held (and its committee
        existed), weighted by days × intensity, so cases spread evenly over time."""
        committees = {c.pk: c for c in self.ctx.extra["committees"]}
        windows, weights = [], []
        for post in self.ctx.extra["appointments"]:
            committee = committees[post.committee_id]
            lo = max(self.first_day, post.starts_on, committee.founded_on or self.first_day)
            hi = min(
                self.last_day,
                post.ends_on or self.last_day,
                committee.deregistered_on or self.last_day,
            )
            if hi < lo:
                continue
            windows.append((post, committee, lo, (hi - lo).days + 1))
            intensity = FULL_TIME_INTENSITY if post.full_time else 1
            weights.append(intensity * ((hi - lo).days + 1))
        return windows, list(itertools.accumulate(weights))

    def cases(self) -> list[Case]:
        total = self.ctx.scaled(CASES_PER_YEAR * YEARS, minimum=50)
        windows, cumulative = self._windows()
        picks = self.rng.choices(windows, cum_weights=cumulative, k=total)
        rows = []
        for post, committee, lo, days in picks:
            received = lo + datetime.timedelta(days=self.rng.randrange(days))
            rows.append(self._case(post, committee, received))
        rows.sort(key=lambda c: (c.received_on, c.committee_id))
        counters = defaultdict(int)
        for case in rows:
            case.year = case.received_on.year
            counters[(case.bureau.pk, case.year)] += 1
            case.sequence = counters[(case.bureau.pk, case.year)]
            case.number = format_number(case.bureau, case.year, case.sequence)
        created = Case.objects.bulk_create(rows, batch_size=BATCH)
        CaseSequence.objects.bulk_create(
            [CaseSequence(bureau_id=b, year=y, last=n) for (b, y), n in counters.items()]
        )
        return created

    def _case(self, post, committee, received):
        rng = self.rng
        code, _share, typical, issues = self.dispute()
        applicant, respondent = self.people.name(), self.people.name()
        amount = Decimal(0)
        if typical and rng.random() < 0.85:
            amount = Decimal(round(rng.lognormvariate(0, 0.9) * typical, -2))
        elif not typical and rng.random() < 0.3:
            amount = Decimal(round(rng.lognormvariate(0, 1) * 5_000, -2))
        case = Case(
            committee_id=committee.pk,
            region_id=committee.region_id,
            bureau=self.bureau(committee.region_id),
            received_on=received,
            source=self.source(),
            dispute_type_id=code,
            summary=f"{applicant}与{respondent}因{rng.choice(issues)}发生纠纷，申请调解。",
            difficulty=self.difficulty(),
            amount=amount,
            lead_mediator_id=post.mediator_id,
        )
        case._parties = (applicant, respondent)
        age = (self.today - received).days
        duration = min(int(rng.expovariate(1 / 9)) + 1, 60)
        closed_on = received + datetime.timedelta(days=duration)
        if closed_on > self.last_day or (age > 60 and rng.random() < 0.01):
            case.status = rng.choice([CaseStatus.RECEIVED, CaseStatus.MEDIATING])
            return case
        case.status, case.closed_on, case.result = CaseStatus.CLOSED, closed_on, self.result()
        if case.result == CaseResult.SUCCESS:
            written = rng.random() < 0.7 or case.difficulty != Difficulty.ORDINARY
            case.agreement_form = AgreementForm.WRITTEN if written else AgreementForm.ORAL
            case.fulfilled = rng.random() < 0.97
            case.judicial_confirmation = written and rng.random() < 0.06
            case.summary += rng.choice(OUTCOMES) + "。"
            case.prevented_criminal = rng.random() < 0.005
            case.prevented_suicide = rng.random() < 0.001
            if rng.random() < 0.003:
                case.prevented_mass_petition = True
                case.mass_petition_persons = rng.randint(5, 40)
            if rng.random() < 0.001:
                case.prevented_mass_incident = True
                case.mass_incident_persons = rng.randint(10, 80)
        return case

    def parties(self, cases) -> int:
        rows = []
        for case in cases:
            applicant, respondent = case._parties
            rows.append(
                Party(case=case, region_id=case.region_id, role=PartyRole.APPLICANT, name=applicant)
            )
            rows.append(
                Party(
                    case=case, region_id=case.region_id, role=PartyRole.RESPONDENT, name=respondent
                )
            )
            if self.rng.random() < 0.1:
                rows.append(
                    Party(
                        case=case,
                        region_id=case.region_id,
                        role=PartyRole.RESPONDENT,
                        name=self.people.name(),
                    )
                )
        Party.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def callbacks(self, cases) -> tuple[int, int]:
        """Each county bureau's draw of every ended month, as the monthly job draws it
        (same seed, rate and population), recorded except for most of last month's."""
        closed = defaultdict(list)  # (bureau, month) → case ids
        by_id = {}
        for case in cases:
            if case.status == CaseStatus.CLOSED:
                closed[(case.bureau, callbacks.month_start(case.closed_on))].append(case.pk)
                by_id[case.pk] = case
        last_month = callbacks.last_month(self.today)
        rates = {}
        draws, calls = [], []
        for (bureau, month), ids in sorted(closed.items(), key=lambda i: (i[0][1], i[0][0].pk)):
            if month > last_month:
                continue
            if bureau.pk not in rates:
                rates[bureau.pk] = callbacks.draw_rate(bureau)
            seed = callbacks.draw_seed(bureau.pk, month)
            drawn = callbacks.pick(ids, rates[bureau.pk], seed)
            draw = CallbackDraw(
                bureau=bureau,
                month=month,
                rate=rates[bureau.pk],
                seed=seed,
                population=len(ids),
                drawn=len(drawn),
                region_id=bureau.region_id,
            )
            draws.append(draw)
            for case_id in sorted(drawn):
                calls.append(self._call(draw, by_id[case_id], recent=month == last_month))
        CallbackDraw.objects.bulk_create(draws, batch_size=BATCH)
        for call in calls:
            call.draw_id = call.draw.pk
        Callback.objects.bulk_create(calls, batch_size=BATCH)
        return len(draws), len(calls)

    def _call(self, draw, case, recent):
        call = Callback(case=case, draw=draw, region_id=case.region_id)
        if recent and self.rng.random() < 0.7:
            return call  # still in the queue
        called = case.closed_on + datetime.timedelta(days=self.rng.randint(7, 40))
        call.called_on = min(called, self.last_day)
        call.satisfaction = self.satisfaction()
        call.fulfilled = case.fulfilled
        return call

    def zero_reports(self, cases) -> int:
        """A few committees that had no case in one of the last months said so."""
        months = [callbacks.last_month(self.today)]
        months.append(callbacks.last_month(months[0]))
        busy = {(c.committee_id, callbacks.month_start(c.received_on)) for c in cases}
        rows = []
        for committee in self.ctx.extra["committees"]:
            if committee.deregistered_on or (committee.founded_on or months[-1]) > months[-1]:
                continue
            for month in months:
                if (committee.pk, month) not in busy and self.rng.random() < 0.3:
                    rows.append(
                        ZeroReport(
                            committee_id=committee.pk, month=month, region_id=committee.region_id
                        )
                    )
        ZeroReport.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
