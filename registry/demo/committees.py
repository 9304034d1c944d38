"""Demo committees and their terms: one county-level committee per county, one per
township and per village, industry/professional committees per county, a few
enterprise committees, dispatched and named rooms, and a handful deregistered.

Codes are the region's code, a type letter and a sequence ("330602001001-V01"), so the
same seed and scale give the same codes."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from core.bulk import insert_like
from registry.demo import names
from registry.demo.city import County, township_short
from registry.models import (
    Committee,
    CommitteeStatus,
    CommitteeTerm,
    CommitteeType,
    ExpertiseField,
    FilingStatus,
    PaidBy,
)
from registry.models.committees import FILED_WITH_OFFICE

KIND_LETTERS = {
    CommitteeType.COUNTY: "C",
    CommitteeType.TOWNSHIP: "T",
    CommitteeType.VILLAGE: "V",
    CommitteeType.INDUSTRY: "I",
    CommitteeType.ENTERPRISE: "E",
    CommitteeType.DISPATCHED: "D",
    CommitteeType.NAMED: "N",
}
# Years in which committees of each type were typically founded: village and township
# committees long before the 2011 People's Mediation Law, rooms in the last decade.
FOUNDED_YEARS = {
    CommitteeType.COUNTY: (2008, 2016),
    CommitteeType.TOWNSHIP: (1998, 2012),
    CommitteeType.VILLAGE: (1990, 2015),
    CommitteeType.INDUSTRY: (2011, 2022),
    CommitteeType.ENTERPRISE: (2005, 2020),
    CommitteeType.DISPATCHED: (2014, 2022),
    CommitteeType.NAMED: (2016, 2023),
}
# Industry/professional committees: every county has the first five (seed 000's
# 医疗, 交通, 劳动, 婚姻家庭, 物业), then others.
INDUSTRY_NAMES = {
    "medical": "医疗纠纷人民调解委员会",
    "traffic": "道路交通事故纠纷人民调解委员会",
    "labour": "劳动人事争议人民调解委员会",
    "marriage_family": "婚姻家庭纠纷人民调解委员会",
    "property": "物业纠纷人民调解委员会",
    "tourism": "旅游纠纷人民调解委员会",
    "banking_insurance": "金融纠纷人民调解委员会",
    "catering": "餐饮行业纠纷人民调解委员会",
    "consumer": "消费纠纷人民调解委员会",
    "construction": "建设工程纠纷人民调解委员会",
    "environment": "环境资源纠纷人民调解委员会",
    "ecommerce": "电子商务纠纷人民调解委员会",
    "intellectual_property": "知识产权纠纷人民调解委员会",
    "education": "校园纠纷人民调解委员会",
    "contract": "合同纠纷人民调解委员会",
    "demolition": "征地拆迁纠纷人民调解委员会",
    "commercial": "商事纠纷人民调解委员会",
    "land": "山林土地纠纷人民调解委员会",
}
CORE_FIELDS = ["medical", "traffic", "labour", "marriage_family", "property"]
# Dispatched rooms by host: (kind of host, who pays its full-time mediators).
HOSTS = [("court", PaidBy.COURT), ("petition", PaidBy.PETITION), ("police", PaidBy.POLICE)]
HOSTS += [("tribunal", PaidBy.COURT), ("police", PaidBy.POLICE)]
DEREGISTRATIONS = [
    (CommitteeType.ENTERPRISE, "企业破产清算,调解组织随之撤销"),
    (CommitteeType.INDUSTRY, "长期未开展工作,按名册管理制度予以清理"),
    (CommitteeType.NAMED, "工作室负责人因病退出调解工作,工作室停止运行"),
    (CommitteeType.DISPATCHED, "派驻单位撤并,调解工作室停止运行"),
    (CommitteeType.ENTERPRISE, "企业迁出本地,调解组织注销"),
]
# Shares of active committees whose current term ends within 60 days, and of those
# not filed yet (more among new ones), each with a minimum so small demos show them.
WARNING_SHARE, WARNING_MINIMUM = 0.06, 3
UNFILED_SHARE, UNFILED_NEW_SHARE, UNFILED_MINIMUM = 0.04, 0.2, 2


@dataclass(eq=False)
class Unit:
    """A committee being seeded, with what the people step needs to staff it."""

    committee: Committee
    county: County
    township: object = None  # Region of the township it sits in, if any
    payer: str = PaidBy.BUREAU  # who pays its full-time mediators
    namesake: tuple | None = None  # (name, gender, born) of a named room's namesake
    term_starts: list = field(default_factory=list)  # recorded terms' start dates

    @property
    def kind(self) -> str:
        return self.committee.kind

    @property
    def active(self) -> bool:
        return self.committee.status == CommitteeStatus.ACTIVE

    @property
    def founded(self) -> datetime.date:
        return self.committee.founded_on

    @property
    def end(self) -> datetime.date | None:
        """The day its posts ended: its deregistration."""
        return self.committee.deregistered_on


class CommitteeBuilder:
    """Builds and writes the committees of one county at a time: a province-sized
    demo has 200,000, so the roster step keeps one county's in memory."""

    def __init__(self, ctx, today: datetime.date, counties: list[County]):
        self.ctx, self.rng, self.today = ctx, ctx.rng, today
        self.counties = counties
        self.fields = {f.code: f for f in ExpertiseField.objects.all()}
        self.sequences: Counter = Counter()
        self.units: list[Unit] = []

    def build(self, index: int) -> list[Unit]:
        """The committees of the *index*-th county, written with their terms."""
        county = self.counties[index]
        self.units, self.sequences = [], Counter()
        self._county(county)
        # The deregistered ones are dealt to the counties in turn.
        for number in range(index, self.ctx.scaled(12, minimum=3), len(self.counties)):
            kind, reason = DEREGISTRATIONS[number % len(DEREGISTRATIONS)]
            self._deregistered(county, kind, reason)
        self._dates(minimums=index == 0)
        committees = [u.committee for u in self.units]
        Committee.objects.bulk_create(committees, batch_size=2000)
        insert_like(CommitteeTerm(), list(self._terms()))
        return self.units

    # Committees of one county --------------------------------------------------------

    def _county(self, county: County):
        rng, scaled = self.rng, self.ctx.scaled
        self._add(county, county.region, CommitteeType.COUNTY, f"{county.name}人民调解委员会")
        for township in county.townships:
            self._add(
                county,
                township,
                CommitteeType.TOWNSHIP,
                f"{township.name}人民调解委员会",
                township=township,
            )
            for village in county.villages[township.code]:
                self._add(
                    county,
                    village,
                    CommitteeType.VILLAGE,
                    f"{village.name}人民调解委员会",
                    township=township,
                )
        fields = [code for code in CORE_FIELDS if code in self.fields]
        others = sorted(set(INDUSTRY_NAMES) & set(self.fields) - set(fields))
        rng.shuffle(others)
        fields += others
        for index in range(scaled(10, minimum=2) if fields else 0):
            self._industry(county, fields[index % len(fields)], county_level=index < len(fields))
        for _ in range(scaled(4, minimum=1)):
            township = rng.choice(county.townships)
            self._add(
                county,
                township,
                CommitteeType.ENTERPRISE,
                f"{self._company(county)}人民调解委员会",
                township=township,
            )
        for index in range(scaled(5, minimum=2)):
            self._dispatched(county, *HOSTS[index % len(HOSTS)])
        for _ in range(scaled(3, minimum=1)):
            self._named(county)

    def _industry(self, county, code, county_level=True):
        label = INDUSTRY_NAMES[code]
        if county_level:
            unit = self._add(county, county.region, CommitteeType.INDUSTRY, county.name + label)
        else:  # more committees than fields: a street's own (物业 in a 街道 …)
            township = self.rng.choice(county.townships)
            unit = self._add(
                county, township, CommitteeType.INDUSTRY, township.name + label, township=township
            )
        if unit:
            unit.committee.industry_field = self.fields[code]
        return unit

    def _dispatched(self, county, host_kind, payer):
        township = self.rng.choice(county.townships)
        court = f"{county.name}人民法院"
        host, region = {
            "court": (court, county.region),
            "petition": (f"{county.name}信访局", county.region),
            "police": (f"{county.name}公安局{township_short(township)}派出所", township),
            "tribunal": (f"{court}{township_short(township)}人民法庭", township),
        }[host_kind]
        unit = self._add(
            county,
            region,
            CommitteeType.DISPATCHED,
            f"驻{host}人民调解工作室",
            township=township if region is township else None,
        )
        if unit:
            unit.committee.host_institution = host
            unit.payer = payer
        return unit

    def _named(self, county):
        rng = self.rng
        gender = "M" if rng.random() < 0.75 else "F"
        born = datetime.date(rng.randint(1958, 1975), rng.randint(1, 12), rng.randint(1, 28))
        person = names.person_name(rng, gender, born)
        style = rng.choice(
            ["{name}人民调解工作室", "老{surname}调解工作室", "{name}金牌调解工作室"]
        )
        township = rng.choice(county.townships)
        unit = self._add(
            county,
            township,
            CommitteeType.NAMED,
            style.format(name=person, surname=person[0]),
            township=township,
        )
        if unit:
            unit.committee.namesake = person
            unit.namesake = (person, gender, born)
            unit.payer = rng.choice([PaidBy.BUREAU, PaidBy.TOWNSHIP])
        return unit

    def _company(self, county) -> str:
        rng = self.rng
        trade = rng.choice(names.TRADES.get(county.name, names.DEFAULT_TRADES))
        stem = "".join(rng.sample(names.COMPANY_STEMS, 2))
        form = rng.choice(["浙江{s}{t}有限公司", "绍兴{s}{t}股份有限公司", "{c}{s}{t}集团有限公司"])
        return form.format(s=stem, t=trade, c=county.short)

    def _deregistered(self, county, kind, reason):
        if kind == CommitteeType.ENTERPRISE:
            township = self.rng.choice(county.townships)
            name = f"{self._company(county)}人民调解委员会"
            unit = self._add(county, township, kind, name, township=township)
        elif kind == CommitteeType.INDUSTRY:
            fields = sorted(self.fields.keys() & INDUSTRY_NAMES.keys())
            unit = self._industry(county, self.rng.choice(fields), False) if fields else None
        elif kind == CommitteeType.NAMED:
            unit = self._named(county)
        else:
            unit = self._dispatched(county, "police", PaidBy.POLICE)
        if unit is None:
            return
        committee = unit.committee
        committee.status = CommitteeStatus.DEREGISTERED
        committee.deregistration_reason = reason
        committee.deregistered_on = self.today - datetime.timedelta(days=self.rng.randint(60, 900))

    def _add(self, county, region, kind, name, township=None) -> Unit | None:
        if kind not in (CommitteeType.TOWNSHIP, CommitteeType.VILLAGE):
            # Names drawn from word lists may repeat; a township's or village's name is
            # its region's (villages of two townships may share one, as in life).
            if name in county.taken_names:
                return None
            county.taken_names.add(name)
        letter = KIND_LETTERS[kind]
        self.sequences[region.code, letter] += 1
        office = county.offices.get(township.code) if township else None
        phone = names.landline(self.rng)
        committee = Committee(
            code=f"{region.code}-{letter}{self.sequences[region.code, letter]:02d}",
            name=name,
            kind=kind,
            region=region,
            office=office,
            address=self._address(county, region, township),
            phone=phone,
        )
        unit = Unit(committee=committee, county=county, township=township)
        self.units.append(unit)
        return unit

    def _address(self, county, region, township) -> str:
        if region.level == "village":
            office = "社区居委会" if region.name.endswith("社区") else "村民委员会"
            return f"绍兴市{county.name}{township.name}{region.name}{office}"
        if township is not None:
            return f"绍兴市{county.name}{township.name}{self.rng.choice(names.ROADS)}" + (
                f"{self.rng.randint(1, 299)}号"
            )
        return names.street_address(self.rng, county.name)

    # Founding, filing and terms ------------------------------------------------------

    def _dates(self, minimums: bool):
        """Founding days and terms; the first county makes sure even the smallest demo
        has term warnings and committees not filed yet."""
        active = [u for u in self.units if u.active]
        warned = self._pick(active, WARNING_SHARE, WARNING_MINIMUM if minimums else 0)
        for unit in self.units:
            self._founding_and_terms(unit, warn=unit in warned)
        new = [u for u in active if u.term_starts[0][0] == 1 and len(u.term_starts) == 1]
        unfiled = self._pick(new, UNFILED_NEW_SHARE, 0) | self._pick(active, UNFILED_SHARE, 0)
        if minimums and len(unfiled) < UNFILED_MINIMUM:
            unfiled |= self._pick(active, 0, UNFILED_MINIMUM)
        for unit in self.units:
            if unit not in unfiled:
                self._file(unit)

    def _pick(self, units, share, minimum) -> set:
        chosen = {u for u in units if self.rng.random() < share}
        if len(chosen) < minimum:
            chosen |= set(self.rng.sample(units, min(minimum, len(units))))
        return chosen

    def _founding_and_terms(self, unit: Unit, warn: bool):
        """Terms follow each other from the founding day; the current one (the one
        running today, or on the day of deregistration) ends within the warning period
        for the warned share and anywhere in its span for the rest; a deregistered
        committee's ends on the day of deregistration."""
        rng, years = self.rng, unit.county.term_years
        reference = unit.end or self.today
        days_in_term = (names.add_years(reference, years) - reference).days
        # A deregistered committee's last term had run a month at least; it ends then.
        latest = days_in_term - (30 if unit.end else 1)
        offset = rng.randint(3, 58) if warn else rng.randint(61, latest)
        current_start = names.add_years(reference + datetime.timedelta(days=offset + 1), -years)
        first, last = FOUNDED_YEARS[unit.kind]
        target = datetime.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))
        starts = [current_start]
        while names.add_years(starts[-1], -years) >= target:
            starts.append(names.add_years(current_start, -years * len(starts)))
        starts.reverse()  # starts[0] is the first term's
        unit.committee.founded_on = starts[0]
        # The roster records the current term and up to two before it.
        kept = rng.choice([1, 2, 2, 3])
        unit.term_starts = [
            (len(starts) - i + 1, starts[-i]) for i in range(min(kept, len(starts)), 0, -1)
        ]

    def _file(self, unit: Unit):
        rng, committee = self.rng, unit.committee
        current_start = unit.term_starts[-1][1]
        committee.filing_status = FilingStatus.FILED
        committee.filed_on = min(
            current_start + datetime.timedelta(days=rng.randint(5, 60)),
            unit.end or self.today,
        )
        if unit.kind in FILED_WITH_OFFICE:
            committee.filed_with_office = committee.office
        else:
            committee.filed_with_bureau = unit.county.bureau

    def _terms(self):
        """Each recorded term as a row of CommitteeTerm."""
        for unit in self.units:
            years = unit.county.term_years
            for number, starts_on in unit.term_starts:
                yield {
                    "committee_id": unit.committee.pk,
                    "region_id": unit.committee.region_id,
                    "number": number,
                    "starts_on": starts_on,
                    "ends_on": min(
                        names.add_years(starts_on, years) - datetime.timedelta(days=1),
                        unit.end or datetime.date.max,
                    ),
                }
