"""The demo city as the roster step sees it: the foundation step's counties, townships
and offices grouped per county, with each county bureau's rules; a county's villages
are read while the county is staffed (there are 200,000 at scale 10)."""

from collections import defaultdict
from dataclasses import dataclass, field

from core import policy
from core.models import Bureau, JudicialOffice, Region
from core.regions import RegionLevel

COUNTY_SUFFIXES = ("区", "县", "市")
TOWNSHIP_SUFFIXES = ("街道", "镇", "乡")


@dataclass
class County:
    region: Region
    bureau: Bureau
    standard: dict  # the bureau's staffing standard: committee type → full-time minimum
    term_years: int
    townships: list[Region]
    offices: dict[str, JudicialOffice]  # township code → its judicial office
    taken_names: set[str] = field(default_factory=set)
    # township code → its villages, while the county is being seeded (load_villages)
    villages: dict[str, list[Region]] = field(default_factory=dict)

    def load_villages(self):
        villages = defaultdict(list)
        rows = Region.objects.filter(
            level=RegionLevel.VILLAGE, code__startswith=self.region.prefix
        ).order_by("code")
        for village in rows.iterator(chunk_size=5000):
            villages[village.parent_id].append(village)
        self.villages = villages

    def release(self):
        """Forget what only the county's own seeding needs."""
        self.villages, self.taken_names = {}, set()

    @property
    def name(self) -> str:
        return self.region.name

    @property
    def area(self) -> str:
        """The six-digit area code that starts its residents' ID numbers."""
        return self.region.code[:6]

    @property
    def short(self) -> str:
        return _strip(self.region.name, COUNTY_SUFFIXES)


def township_short(township: Region) -> str:
    return _strip(township.name, TOWNSHIP_SUFFIXES)


def _strip(name: str, suffixes) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def load_counties(ctx) -> list[County]:
    offices = {office.region_id: office for office in ctx.offices}
    counties = []
    for bureau in ctx.county_bureaus:
        region = bureau.region
        counties.append(
            County(
                region=region,
                bureau=bureau,
                standard=policy.value(bureau, "staffing_standard"),
                term_years=policy.value(bureau, "term_years"),
                townships=[t for t in ctx.townships if t.parent_id == region.code],
                offices=offices,
            )
        )
    return counties
