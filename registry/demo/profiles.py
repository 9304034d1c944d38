"""Who the demo mediators are: per kind of post, the spread of ages, education,
political status, background and expertise, and the making of their records with
valid, system-wide unique ID numbers."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from core import policy
from core.personal import digest, make_id_number, normalize_phone
from registry import levels as levels_
from registry.demo import names
from registry.demo.city import County
from registry.models import Background, Education, MediatorStatus, PoliticalStatus
from registry.models.mediators import masked_numbers

E, P, B = Education, PoliticalStatus, Background


@dataclass(frozen=True)
class Profile:
    ages: tuple[int, int]  # age today, youngest and oldest
    male: float
    education: dict
    political: dict
    background: dict
    expertise: dict  # expertise field code → weight
    volunteer: float = 0.0
    expert_pool: float = 0.0
    graded: float = 0.0  # share with a level (一级..四级)
    bank: float = 0.3  # share with a bank account on file for subsidies
    retirees: float = 0.0  # share drawn from 55–64: retired judges, police … rehired


LOCAL = {"neighbourhood": 8, "marriage_family": 6, "land": 4, "demolition": 1, "property": 1}
GENERAL = {"neighbourhood": 5, "marriage_family": 5, "contract": 4, "labour": 3, "traffic": 2}
GENERAL |= {"land": 2, "demolition": 2, "property": 2, "consumer": 1}

PROFILES = {
    # Full-time mediators of county, township, industry committees and rooms.
    "professional": Profile(
        ages=(28, 54),
        retirees=0.4,
        male=0.65,
        education={E.SENIOR: 10, E.COLLEGE: 35, E.BACHELOR: 45, E.POSTGRADUATE: 10},
        political={P.CPC: 65, P.CPC_PROBATIONARY: 3, P.DEMOCRATIC: 2, P.MASSES: 30},
        background={
            B.RETIRED_JUDGE: 10,
            B.RETIRED_PROSECUTOR: 4,
            B.RETIRED_POLICE: 12,
            B.JUDICIAL_OFFICER: 14,
            B.LEGAL_WORKER: 20,
            B.LAWYER: 8,
            B.TEACHER: 6,
            B.VILLAGE_CADRE: 8,
            B.OTHER: 18,
        },
        expertise=GENERAL,
        expert_pool=0.05,
        graded=0.7,
        bank=0.95,
    ),
    # The township committee's director: the township's 政法委员 or the office head.
    "official": Profile(
        ages=(32, 56),
        male=0.75,
        education={E.COLLEGE: 20, E.BACHELOR: 70, E.POSTGRADUATE: 10},
        political={P.CPC: 95, P.MASSES: 5},
        background={B.JUDICIAL_OFFICER: 60, B.OTHER: 40},
        expertise=GENERAL,
        graded=0.1,
    ),
    "village": Profile(
        ages=(32, 72),
        male=0.68,
        education={E.PRIMARY: 5, E.JUNIOR: 25, E.SENIOR: 40, E.COLLEGE: 22, E.BACHELOR: 8},
        political={P.CPC: 55, P.CPC_PROBATIONARY: 2, P.MASSES: 43},
        background={
            B.VILLAGE_CADRE: 45,
            B.FIVE_ELDERS: 25,
            B.TEACHER: 8,
            B.LEGAL_WORKER: 2,
            B.OTHER: 20,
        },
        expertise=LOCAL,
        volunteer=0.1,
        graded=0.08,
        bank=0.4,
    ),
    "township": Profile(
        ages=(30, 68),
        male=0.65,
        education={E.JUNIOR: 10, E.SENIOR: 35, E.COLLEGE: 35, E.BACHELOR: 20},
        political={P.CPC: 60, P.DEMOCRATIC: 2, P.MASSES: 38},
        background={
            B.VILLAGE_CADRE: 30,
            B.FIVE_ELDERS: 15,
            B.LEGAL_WORKER: 15,
            B.TEACHER: 10,
            B.RETIRED_POLICE: 5,
            B.JUDICIAL_OFFICER: 10,
            B.OTHER: 15,
        },
        expertise=LOCAL | {"contract": 3},
        volunteer=0.1,
        expert_pool=0.02,
        graded=0.1,
        bank=0.4,
    ),
    # Part-time members of county-level and industry committees: lawyers, doctors …
    "expert": Profile(
        ages=(35, 70),
        male=0.7,
        education={E.COLLEGE: 10, E.BACHELOR: 60, E.POSTGRADUATE: 30},
        political={P.CPC: 50, P.DEMOCRATIC: 15, P.MASSES: 35},
        background={
            B.LAWYER: 35,
            B.RETIRED_JUDGE: 18,
            B.NOTARY: 5,
            B.LEGAL_WORKER: 12,
            B.DOCTOR: 10,
            B.TEACHER: 8,
            B.OTHER: 12,
        },
        expertise={"contract": 4, "commercial": 2, "labour": 2, "marriage_family": 2},
        volunteer=0.2,
        expert_pool=0.45,
        graded=0.3,
    ),
    "enterprise": Profile(
        ages=(26, 58),
        male=0.55,
        education={E.SENIOR: 20, E.COLLEGE: 40, E.BACHELOR: 35, E.POSTGRADUATE: 5},
        political={P.CPC: 35, P.LEAGUE: 5, P.MASSES: 60},
        background={B.OTHER: 70, B.LEGAL_WORKER: 15, B.LAWYER: 15},
        expertise={"labour": 5, "contract": 3},
        volunteer=0.05,
        graded=0.02,
        bank=0.05,
    ),
}
# Backgrounds that only fit people of a certain age (five elders are retirees).
MIN_AGE = {
    B.FIVE_ELDERS: 55,
    B.RETIRED_JUDGE: 50,
    B.RETIRED_PROSECUTOR: 50,
    B.RETIRED_POLICE: 50,
}
FIELD_BACKGROUNDS = {"medical": B.DOCTOR, "education": B.TEACHER}
LEVELS_PROFESSIONAL = {1: 4, 2: 22, 3: 40, 4: 34}
LEVELS_OTHER = {2: 10, 3: 40, 4: 50}
LEVEL_NAMES = policy.get_key("grading_levels").default


@dataclass(eq=False)
class Person:
    """A demo mediator before their record is written."""

    county: County
    region: object  # Region: the unit that keeps the record
    township: object  # Region or None
    profile: str
    gender: str
    born: datetime.date
    name: str
    expertise: list
    industry: str = ""  # an industry committee's field, if they joined one
    propensity: float = 0.95  # how reliably they turn up to training
    posts: list = field(default_factory=list)
    row: dict | None = None  # their Mediator row (People.mediator)
    mediator_id: int | None = None  # once written

    def holds_post(self, on: datetime.date) -> bool:
        return any(p.held_on(on) for p in self.posts)

    def full_time(self, on: datetime.date) -> bool:
        return any(p.full_time and p.held_on(on) for p in self.posts)

    @property
    def first_start(self) -> datetime.date:
        return min(p.starts_on for p in self.posts)


class People:
    """Makes Persons and turns them into Mediator rows."""

    def __init__(self, rng, today: datetime.date, fields: set[str]):
        self.rng, self.today, self.fields = rng, today, fields
        self.ids = IdNumbers(rng)
        self.phones: set[int] = set()  # as numbers: a province has 900,000

    def person(self, unit, profile: str, starts_on: datetime.date, namesake=None) -> Person:
        rng, spec = self.rng, PROFILES[profile]
        if namesake:
            name, gender, born = namesake
        else:
            gender = "M" if rng.random() < spec.male else "F"
            born = self._born(spec, starts_on)
            name = names.person_name(rng, gender, born)
        industry = unit.committee.industry_field_id or ""
        wanted = {industry} if industry in self.fields else set()
        expertise = [c for c in spec.expertise if c in self.fields]
        weights = [spec.expertise[c] for c in expertise]
        while expertise and len(wanted) < rng.choice([1, 1, 2, 2, 3]):
            wanted.add(rng.choices(expertise, weights=weights)[0])
        return Person(
            county=unit.county,
            region=unit.committee.region,
            township=unit.township,
            profile=profile,
            gender=gender,
            born=born,
            name=name,
            expertise=sorted(wanted),
            industry=industry,
            propensity=0.95 if rng.random() < 0.8 else 0.45,
        )

    def _born(self, spec: Profile, starts_on: datetime.date) -> datetime.date:
        """An age within the profile's span, old enough to have been 23 when the post
        began."""
        rng = self.rng
        youngest, oldest = (55, 64) if rng.random() < spec.retirees else spec.ages
        youngest = max(youngest, 24 + (self.today - starts_on).days // 365)
        age = rng.randint(youngest, max(youngest, oldest))
        return names.add_years(self.today, -age) - datetime.timedelta(days=rng.randint(0, 364))

    def mediator(self, person: Person) -> dict:
        """*person*'s Mediator row (field attnames → values), kept as ``person.row``."""
        rng, spec = self.rng, PROFILES[person.profile]
        age = names.age(person.born, self.today)
        political = names.weighted(rng, spec.political)
        if political == P.LEAGUE and age > 28:
            political = P.MASSES
        background = names.weighted(rng, spec.background)
        if person.profile == "expert" and rng.random() < 0.6:
            background = FIELD_BACKGROUNDS.get(person.industry, background)
        if age < MIN_AGE.get(background, 0):
            background = B.LEGAL_WORKER if person.profile == "professional" else B.OTHER
        full_time = any(p.full_time for p in person.posts)
        number, person.born = self.ids.make(person.county.area, person.born, person.gender)
        phone = self._phone() if rng.random() < 0.97 else None
        bank_name, bank_account = "", None
        if rng.random() < (0.95 if full_time else spec.bank):
            bank_name, bank_account = names.bank_card(rng, person.county.name)
        levels = LEVELS_PROFESSIONAL if full_time else LEVELS_OTHER
        serving = person.holds_post(self.today)
        status = MediatorStatus.ACTIVE if serving else MediatorStatus.LEFT
        if serving and rng.random() < 0.005:
            status = MediatorStatus.SUSPENDED
        address = self._address(person)
        education = names.weighted(rng, spec.education)
        volunteer = rng.random() < spec.volunteer and not full_time
        expert_pool = rng.random() < spec.expert_pool
        level = names.weighted(rng, levels) if rng.random() < spec.graded else None
        person.row = {
            "region_id": person.region.code,
            "name": person.name,
            "gender": person.gender,
            "id_number": number,
            "id_number_digest": digest(number),
            "birth_date": person.born,
            "phone": phone,
            "phone_digest": digest(phone or ""),
            "address": address,
            "education": education,
            "political_status": political,
            "background": background,
            "volunteer": volunteer,
            "expert_pool": expert_pool,
            "level": level,
            # The demo city keeps the default level names; the grading demo records
            # how these levels were reached (a completed round).
            "level_name": levels_.name(level, LEVEL_NAMES),
            "bank_name": bank_name,
            "bank_account": bank_account,
            **masked_numbers({"id_number": number, "phone": phone, "bank_account": bank_account}),
            "status": status,
        }
        return person.row

    def renumber(self, person: Person):
        """Give *person* the next free ID number (theirs is registered already). It
        draws nothing from the random stream, so the people made after them are the
        same whether or not the roster held numbers before the demo."""
        number, person.born = self.ids.make(
            person.county.area, person.born, person.gender, draw=False
        )
        person.row["id_number"] = number
        person.row["id_number_digest"] = digest(number)
        person.row.update(masked_numbers({"id_number": number}))
        person.row["birth_date"] = person.born

    def _phone(self) -> str:
        while True:
            phone = normalize_phone(names.mobile(self.rng))
            if int(phone) not in self.phones:
                self.phones.add(int(phone))
                return phone

    def _address(self, person: Person) -> str:
        rng, county = self.rng, person.county
        if person.township is None:
            return names.street_address(rng, county.name, lane=True)
        villages = county.villages[person.township.code]
        village = person.region if person.region.level == "village" else rng.choice(villages)
        return f"绍兴市{county.name}{person.township.name}{village.name}{rng.randint(1, 200)}号"


class IdNumbers:
    """ID numbers for demo people: the county's area code, the birth date and a
    sequence. Each run draws one of fifty disjoint classes of the 500 sequences per
    birth date and gender, so demo data built with different seeds rarely share a
    number; a number already registered is skipped (People.renumber)."""

    CLASSES, PER_CLASS = 50, 10

    def __init__(self, rng):
        self.rng = rng
        self.group = rng.randrange(self.CLASSES)
        self.used: dict[tuple, set[int]] = defaultdict(set)

    def forget(self):
        """Drop the used sequences once a county is done: its area code is its own."""
        self.used = defaultdict(set)

    def make(
        self, area: str, born: datetime.date, gender: str, draw: bool = True
    ) -> tuple[str, datetime.date]:
        """A new number and the birth date it encodes: the next day's if this day's
        sequences are used up. Without *draw*, the first free sequence."""
        while len(self.used[area, born, gender]) >= self.PER_CLASS:
            born += datetime.timedelta(days=1)
        used = self.used[area, born, gender]
        free = [i for i in range(self.PER_CLASS) if i not in used]
        index = self.rng.choice(free) if draw else free[0]
        used.add(index)
        # A bijection of 0..499 (163 is prime to 500) spreads a class over all digits.
        sequence = (self.group * self.PER_CLASS + index) * 163 % 500
        return make_id_number(area, born, sequence, gender), born
