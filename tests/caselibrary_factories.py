"""Factories of the library's model for the isolation walker (joined to
tests.factories.FACTORIES) and the library tests."""

from caselibrary.models import LibraryEntry
from core.tenancy import all_regions
from tests import factories


def _entry(world, side):
    case = factories._case(world, side)
    county = world[side]["county"].name
    with all_regions():
        return LibraryEntry.objects.create(
            case=case,
            title=f"{county}邻里排水纠纷典型案例",
            dispute_type=case.dispute_type,
            year=2025,
            account="甲与乙因排水沟堵塞发生纠纷，经调解达成协议。",
        )


FACTORIES = {LibraryEntry: _entry}
