"""The ranking benchmark command, small: both rankings agree and nothing is left."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.tenancy import all_regions
from mediation.models import Case
from registry.models import Mediator


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark is PostgreSQL only")
def test_bench_ranking_agrees_with_the_raw_query_and_rolls_back(db):
    out = StringIO()
    call_command("bench_ranking", cases=[3000], mediators=60, committees=6, repeat=1, stdout=out)
    text = out.getvalue()
    assert "same ranks, cases, successes and targets: yes" in text
    assert "Rolled back" in text
    with all_regions():
        assert not Case.objects.filter(number__startswith="BENCH-").exists()
        assert not Mediator.objects.filter(region__code__startswith="99").exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the SQLite refusal")
def test_bench_ranking_needs_postgresql(db):
    with pytest.raises(CommandError):
        call_command("bench_ranking", cases=[10], stdout=StringIO())
