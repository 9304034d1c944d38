"""core.bulk.foreign_keys_checked_at_end: on PostgreSQL the rows written in the block
skip the per-row foreign key triggers and are checked by one query per foreign key
when the block ends (seed_demo's load of millions of rows)."""

import pytest
from django.db import IntegrityError, connection, transaction

from core.bulk import foreign_keys_checked_at_end
from core.models import Region
from core.tenancy import all_regions
from tests.factories import RegionFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's session_replication_role"
)


def _replication_role():
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


@pytest.fixture
def regions(db):
    with all_regions():
        yield


def test_a_row_pointing_nowhere_is_refused_when_the_block_ends(regions):
    region = RegionFactory(code="330602901000")
    refused = pytest.raises(IntegrityError, match="core_region row with parent_id = 339999000000")
    with refused, transaction.atomic(), foreign_keys_checked_at_end():
        assert _replication_role() == "replica"  # no per-row trigger fires
        Region.objects.filter(pk=region.pk).update(parent_id="339999000000")
    assert _replication_role() == "origin"
    assert Region.objects.get(pk=region.pk).parent_id != "339999000000"


def test_consistent_rows_pass_and_the_per_row_checks_come_back(regions):
    with transaction.atomic(), foreign_keys_checked_at_end():
        parent = RegionFactory(code="330602902000")
        RegionFactory(code="330602902001", parent=parent)
        assert _replication_role() == "replica"
    assert _replication_role() == "origin"
    assert Region.objects.get(pk="330602902001").parent_id == parent.pk
