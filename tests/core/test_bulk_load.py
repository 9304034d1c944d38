"""core.bulk's helpers for loads of millions of rows (seed_demo), on PostgreSQL:
foreign_keys_checked_at_end (rows written in the block skip the per-row foreign key
triggers and are checked by one query per foreign key when the block ends) and
indexes_built_after (a table's non-unique indexes built once, after the block)."""

import pytest
from django.db import IntegrityError, connection, transaction

from core.bulk import foreign_keys_checked_at_end, indexes_built_after
from core.models import Region
from core.tenancy import all_regions
from tests.factories import RegionFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's replication role and indexes"
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


def _indexes(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table]
        )
        return cursor.fetchall()


def test_non_unique_indexes_are_built_after_the_block_as_they_were(regions):
    before = _indexes("core_region")
    unique = [(name, sql) for name, sql in before if "UNIQUE" in sql]
    assert unique and len(unique) < len(before)
    with indexes_built_after(Region):
        assert _indexes("core_region") == unique  # the others are dropped meanwhile
        RegionFactory(code="330602903000")
    assert _indexes("core_region") == before
    assert Region.objects.filter(pk="330602903000").exists()


def test_an_error_in_the_block_leaves_the_indexes_and_rows_as_they_were(regions):
    before = _indexes("core_region")
    with pytest.raises(ZeroDivisionError), indexes_built_after(Region):
        RegionFactory(code="330602904000")
        1 / 0  # noqa: B018
    assert _indexes("core_region") == before
    assert not Region.objects.filter(pk="330602904000").exists()
