"""seed_demo gives the city an announced gold mediator (in the winner's integrity file),
open calls with nominations, and a library of a dozen cases, some published without
any party's name."""

from io import StringIO

import pytest
from django.core.management import call_command

from caselibrary import anonymity
from caselibrary.models import LibraryEntry
from complaints.models import IntegrityRecord
from core.tenancy import all_regions
from honours.models import CallStatus, HonourCall, Nomination
from mediation.models import Party


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("seed_demo", "--scale", "0.05", "--seed", "7", stdout=out)
    return out.getvalue()


def test_the_demo_city_has_its_honours_and_its_library(seeded):
    assert "calls for nominations" in seeded and "library cases" in seeded
    with all_regions():
        calls = HonourCall.objects.all()
        assert calls.filter(status=CallStatus.OPEN, bureau__region_id="330600000000").exists()
        assert calls.filter(status=CallStatus.OPEN, subject="case").exists()
        announced = calls.get(status=CallStatus.ANNOUNCED)
        winners = Nomination.objects.filter(call=announced, awarded=True)
        assert winners.count() == announced.places
        for winner in winners:
            record = IntegrityRecord.objects.get(pk=winner.integrity_record_id)
            assert record.mediator_id == winner.mediator_id and "金牌调解员" in record.title
        assert Nomination.objects.filter(call__status=CallStatus.OPEN).exists()
        entries = list(LibraryEntry.objects.select_related("case"))
        assert len(entries) == 12
        published = [e for e in entries if e.published]
        assert 1 <= len(published) < len(entries)
        for entry in published:
            names = list(Party.objects.filter(case=entry.case).values_list("name", flat=True))
            for text in (entry.title, entry.account, entry.commentary):
                assert anonymity.problems(text, names) == []
