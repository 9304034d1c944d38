"""Database settings: with a replica configured (REPLICA_DATABASE_URL), reports and
statistics read from it and everything else uses default (writes always, and pages
that write); PostgreSQL runs without JIT.

The router tests add a second alias, ``replica``, to this test database, a connection of
its own as a streaming replica's would be; the test commits its rows
(transactional) so that the replica connection sees them."""

import pytest
from django.db import connection, connections, router
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from core.db_router import REPLICA, replica_reads
from core.tenancy import all_regions
from registry.models import Committee
from tests.factories import CommitteeFactory

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replica(settings):
    """A ``replica`` alias: a second connection to the test database."""
    default = connections["default"].settings_dict
    settings.DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    settings.DATABASES = {**settings.DATABASES, REPLICA: default}
    # Made by hand rather than declared: Django's test case refuses a declared alias
    # that the test did not ask for before it started.
    wrapper = load_backend(default["ENGINE"]).DatabaseWrapper({**default}, alias=REPLICA)
    connections[REPLICA] = wrapper
    yield wrapper
    wrapper.close()
    del connections[REPLICA]


def _tables(captured):
    return " ".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "url", ["/reports/completeness/", "/reports/staffing/", "/statistics/", "/api/v1/statistics/"]
)
def test_a_report_reads_from_the_replica(replica, login, world, url):
    with all_regions():
        CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
    client = login(world["a"]["city_user"])
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as copy,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert '"core_region"' in _tables(copy)
    # The session and the user's role are read before the view, from default; the
    # report's own queries are not.
    assert "registry_committee" not in _tables(primary)
    assert "mediation_case" not in _tables(primary)


@pytest.mark.django_db(transaction=True)
def test_writes_and_other_pages_use_default(replica, login, world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        with replica_reads():
            assert router.db_for_read(Committee) == REPLICA
            assert router.db_for_write(Committee) == "default"
            with CaptureQueriesContext(replica) as copy:
                Committee.objects.filter(pk=committee.pk).update(name="新名字")
        assert copy.captured_queries == []
        assert router.db_for_read(Committee) == "default"
    client = login(world["a"]["city_user"])
    with CaptureQueriesContext(replica) as copy:
        assert client.get("/committees/").status_code == 200
    assert copy.captured_queries == []


def test_nothing_is_migrated_on_the_replica():
    from core.db_router import ReplicaRouter

    assert ReplicaRouter().allow_migrate("default", "registry")
    assert not ReplicaRouter().allow_migrate(REPLICA, "registry")


def test_without_a_replica_reports_read_from_default(settings):
    from core.db_router import ReplicaRouter

    assert REPLICA not in settings.DATABASES
    with replica_reads():
        assert ReplicaRouter().db_for_read(Committee) == "default"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
@pytest.mark.django_db
def test_postgresql_plans_without_jit():
    """JIT compiling cost the province-sized reports 0.5-1.4 s a plan."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
