import pytest

from core.tenancy import all_regions
from tests.subsidies_factories import make_mediator, make_post, make_version


@pytest.fixture
def unit(world):
    """County "a" with a rule version, a committee, two full-time mediators (one paid
    by the court) and one part-time mediator without a bank account."""
    from tests.factories import CommitteeFactory

    side = world["a"]
    bureau = side["county_bureau"]
    version = make_version(bureau)
    with all_regions():
        committee = CommitteeFactory(region=side["village"], office=side["office"])
    lead = make_mediator(side["township"])
    court = make_mediator(side["township"])
    helper = make_mediator(side["township"], bank=False)
    make_post(lead, committee)
    make_post(court, committee, paid_by="court")
    make_post(helper, committee, full_time=False, paid_by="")
    return {
        "bureau": bureau,
        "version": version,
        "committee": committee,
        "lead": lead,
        "court": court,
        "helper": helper,
        "preparer": side["county_user"],
        "reviewer": side["county_admin"],
        "approver": side["city_user"],
        "world": world,
    }
