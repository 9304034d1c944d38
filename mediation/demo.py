"""The cases' step of ``manage.py seed_demo``: two years of cases of the roster's
committees (scale 1 ≈ 23,000 cases a year for the city), with parties, the monthly
callback draws (recorded for ~15 % of closed cases) and a few zero reports.

Shares follow the published monthly reports: neighbourhood and family disputes lead,
~95 % of closed cases succeed, most agreements are written. Every lead mediator holds
a post in the committee on the date received. Rows are inserted in
bulk (core.bulk), a batch at a time in date order, so memory stays flat at any scale
(a province has 460,000 cases): numbers are given per bureau and year in that order,
and each CaseSequence is set to the year's last number, so filing after seeding goes
on gap-free.
"""

import datetime
import itertools
import time
from array import array
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q

from core import bulk
from core.bulk import insert_like
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
from registry.models import Appointment, Committee
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


@register(20, "cases, parties, callbacks, zero reports", analyze=True)
def seed_cases(ctx: SeedContext):
    started = time.perf_counter()
    today = datetime.date.today()
    builder = CaseBuilder(ctx, today)
    # The cases' seventeen indexes (and the parties' and callbacks') are built once
    # after the rows, not row by row; nothing here reads those tables but by key.
    with bulk.indexes_built_after(Case, Party, Callback):
        counts = builder.cases()
        counts["callback draws"], counts["callbacks"] = builder.callbacks()
        built = time.perf_counter()
    built = time.perf_counter() - built
    counts["zero reports"] = builder.zero_reports()
    elapsed = time.perf_counter() - started
    ctx.stdout.write(
        "  "
        + ", ".join(f"{n} {label}" for label, n in counts.items())
        + f" ({elapsed:.1f}s, indexes built in {built:.1f} s)"
    )


class Windows:
    """Each post with the days in the period when it was held (and its committee
    existed), weighted by days × intensity, so cases spread evenly over time. Read
    from the database in post order and kept in arrays: a province has a million
    posts."""

    def __init__(self, first_day: datetime.date, last_day: datetime.date):
        self.mediator, self.committee = array("q"), array("q")
        self.start, self.days, self.cumulative = array("l"), array("l"), array("q")
        self.region: dict[int, str] = {}  # committee → its region
        total = 0
        posts = (
            Appointment._base_manager.filter(
                Q(ends_on=None) | Q(ends_on__gte=first_day), starts_on__lte=last_day
            )
            .order_by("pk")
            .values_list(
                "mediator_id",
                "committee_id",
                "full_time",
                "starts_on",
                "ends_on",
                "committee__founded_on",
                "committee__deregistered_on",
                "committee__region_id",
            )
        )
        for row in posts.iterator(chunk_size=10_000):
            mediator, committee, full_time, starts_on, ends_on, founded, gone, region = row
            lo = max(first_day, starts_on, founded or first_day)
            hi = min(last_day, ends_on or last_day, gone or last_day)
            if hi < lo:
                continue
            days = (hi - lo).days + 1
            total += (FULL_TIME_INTENSITY if full_time else 1) * days
            self.mediator.append(mediator)
            self.committee.append(committee)
            self.start.append(lo.toordinal())
            self.days.append(days)
            self.cumulative.append(total)
            self.region[committee] = region


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
        # What the callbacks and zero reports need of the cases, kept small: the ids
        # of closed cases by (bureau, month closed), and the committees with a case
        # in each of the last two months.
        self.closed: dict[tuple, array] = defaultdict(lambda: array("q"))
        self.recent_months = [callbacks.last_month(today)]
        self.recent_months.append(callbacks.last_month(self.recent_months[0]))
        self.busy: set[tuple] = set()

    def bureau(self, region_code):
        key = region_code[:6]
        if key not in self.bureaus:
            self.bureaus[key] = governing_bureau(region_code)
        return self.bureaus[key]

    def cases(self) -> Counter:
        """Draw every case's post and day first, then make and write the cases in
        date order, a batch at a time: numbers are given per bureau and year in that
        order, and each CaseSequence is set to the year's last number."""
        total = self.ctx.scaled(CASES_PER_YEAR * YEARS, minimum=50)
        windows = Windows(self.first_day, self.last_day)
        picks = self.rng.choices(range(len(windows.days)), cum_weights=windows.cumulative, k=total)
        received = [windows.start[i] + self.rng.randrange(windows.days[i]) for i in picks]
        order = sorted(range(total), key=lambda n: (received[n], windows.committee[picks[n]]))
        counters = defaultdict(int)
        parties = 0
        for start in range(0, total, BATCH):
            rows, names = [], []
            for n in order[start : start + BATCH]:
                i = picks[n]
                committee = windows.committee[i]
                row, pair = self._case(
                    windows.mediator[i],
                    committee,
                    windows.region[committee],
                    datetime.date.fromordinal(received[n]),
                )
                key = (row["bureau_id"], row["year"])
                counters[key] += 1
                row["sequence"] = counters[key]
                row["number"] = format_number(
                    self.bureau(row["region_id"]), row["year"], counters[key]
                )
                rows.append(row)
                names.append(pair)
            keys = insert_like(Case(), rows, keys=True)
            parties += self._parties(keys, rows, names)
            for key, row in zip(keys, rows, strict=True):
                month = callbacks.month_start(row["received_on"])
                if month in self.recent_months:
                    self.busy.add((row["committee_id"], month))
                if row["status"] == CaseStatus.CLOSED:
                    closed = callbacks.month_start(row["closed_on"])
                    self.closed[row["bureau_id"], closed].append(key)
        CaseSequence.objects.bulk_create(
            [CaseSequence(bureau_id=b, year=y, last=n) for (b, y), n in counters.items()]
        )
        return Counter({"cases": total, "parties": parties})

    def _case(self, mediator, committee, region, received) -> tuple[dict, tuple]:
        """One case's row (every row names the same fields) and its parties' names."""
        rng = self.rng
        code, _share, typical, issues = self.dispute()
        applicant, respondent = self.people.name(), self.people.name()
        amount = Decimal(0)
        if typical and rng.random() < 0.85:
            amount = Decimal(round(rng.lognormvariate(0, 0.9) * typical, -2))
        elif not typical and rng.random() < 0.3:
            amount = Decimal(round(rng.lognormvariate(0, 1) * 5_000, -2))
        case = {
            "committee_id": committee,
            "region_id": region,
            "bureau_id": self.bureau(region).pk,
            "year": received.year,
            "received_on": received,
            "source": self.source(),
            "dispute_type_id": code,
            "summary": f"{applicant}与{respondent}因{rng.choice(issues)}发生纠纷，申请调解。",
            "difficulty": self.difficulty(),
            "amount": amount,
            "lead_mediator_id": mediator,
            "status": CaseStatus.RECEIVED,
            "closed_on": None,
            "result": "",
            "agreement_form": "",
            "fulfilled": None,
            "judicial_confirmation": False,
            "prevented_criminal": False,
            "prevented_suicide": False,
            "prevented_mass_petition": False,
            "mass_petition_persons": 0,
            "prevented_mass_incident": False,
            "mass_incident_persons": 0,
        }
        names = (applicant, respondent)
        age = (self.today - received).days
        duration = min(int(rng.expovariate(1 / 9)) + 1, 60)
        closed_on = received + datetime.timedelta(days=duration)
        if closed_on > self.last_day or (age > 60 and rng.random() < 0.01):
            case["status"] = rng.choice([CaseStatus.RECEIVED, CaseStatus.MEDIATING])
            return case, names
        case["status"], case["closed_on"] = CaseStatus.CLOSED, closed_on
        case["result"] = self.result()
        if case["result"] == CaseResult.SUCCESS:
            written = rng.random() < 0.7 or case["difficulty"] != Difficulty.ORDINARY
            case["agreement_form"] = AgreementForm.WRITTEN if written else AgreementForm.ORAL
            case["fulfilled"] = rng.random() < 0.97
            case["judicial_confirmation"] = written and rng.random() < 0.06
            case["summary"] += rng.choice(OUTCOMES) + "。"
            case["prevented_criminal"] = rng.random() < 0.005
            case["prevented_suicide"] = rng.random() < 0.001
            if rng.random() < 0.003:
                case["prevented_mass_petition"] = True
                case["mass_petition_persons"] = rng.randint(5, 40)
            if rng.random() < 0.001:
                case["prevented_mass_incident"] = True
                case["mass_incident_persons"] = rng.randint(10, 80)
        return case, names

    def _parties(self, keys, rows, names) -> int:
        parties = []
        for key, row, (applicant, respondent) in zip(keys, rows, names, strict=True):
            region = row["region_id"]
            parties.append(
                {
                    "case_id": key,
                    "region_id": region,
                    "role": PartyRole.APPLICANT,
                    "name": applicant,
                }
            )
            parties.append(
                {
                    "case_id": key,
                    "region_id": region,
                    "role": PartyRole.RESPONDENT,
                    "name": respondent,
                }
            )
            if self.rng.random() < 0.1:
                parties.append(
                    {
                        "case_id": key,
                        "region_id": region,
                        "role": PartyRole.RESPONDENT,
                        "name": self.people.name(),
                    }
                )
        insert_like(Party(), parties)
        return len(parties)

    def callbacks(self) -> tuple[int, int]:
        """Each county bureau's draw of every ended month, as the monthly job draws it
        (same seed, rate and population), recorded except for most of last month's."""
        last_month = callbacks.last_month(self.today)
        bureaus = {bureau.pk: bureau for bureau in self.bureaus.values()}
        rates = {}
        draws, drawn_ids = [], []
        by_month = sorted(self.closed.items(), key=lambda item: (item[0][1], item[0][0]))
        for (bureau_id, month), ids in by_month:
            if month > last_month:
                continue
            bureau = bureaus[bureau_id]
            if bureau_id not in rates:
                rates[bureau_id] = callbacks.draw_rate(bureau)
            seed = callbacks.draw_seed(bureau_id, month)
            drawn = callbacks.pick(ids, rates[bureau_id], seed)
            draws.append(
                {
                    "bureau_id": bureau_id,
                    "month": month,
                    "rate": rates[bureau_id],
                    "seed": seed,
                    "population": len(ids),
                    "drawn": len(drawn),
                    "region_id": bureau.region_id,
                }
            )
            drawn_ids.append(sorted(drawn))
        keys = insert_like(CallbackDraw(), draws, keys=True)
        calls = 0
        for key, draw, ids in zip(keys, draws, drawn_ids, strict=True):
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                cases = Case._base_manager.in_bulk(chunk)
                rows = [
                    self._call(key, cases[case_id], recent=draw["month"] == last_month)
                    for case_id in chunk
                ]
                insert_like(Callback(), rows)
                calls += len(rows)
        return len(draws), calls

    def _call(self, draw_id, case, recent) -> dict:
        call = {
            "case_id": case.pk,
            "draw_id": draw_id,
            "region_id": case.region_id,
            "called_on": None,
            "satisfaction": None,
            "fulfilled": None,
        }
        if recent and self.rng.random() < 0.7:
            return call  # still in the queue
        called = case.closed_on + datetime.timedelta(days=self.rng.randint(7, 40))
        call["called_on"] = min(called, self.last_day)
        call["satisfaction"] = self.satisfaction()
        call["fulfilled"] = case.fulfilled
        return call

    def zero_reports(self) -> int:
        """A few committees that had no case in one of the last months said so."""
        months = self.recent_months
        rows = []
        committees = (
            Committee._base_manager.filter(deregistered_on=None)
            .order_by("pk")
            .values_list("pk", "founded_on", "region_id")
        )
        for pk, founded_on, region_id in committees.iterator(chunk_size=10_000):
            if (founded_on or months[-1]) > months[-1]:
                continue
            for month in months:
                if (pk, month) not in self.busy and self.rng.random() < 0.3:
                    rows.append({"committee_id": pk, "month": month, "region_id": region_id})
        insert_like(ZeroReport(), rows)
        return len(rows)
