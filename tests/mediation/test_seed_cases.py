"""The cases step of seed_demo (mediation.demo) at a small scale."""

import random
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from core.tenancy import all_regions
from mediation import callbacks
from mediation.models import (
    Callback,
    CallbackDraw,
    Case,
    CaseResult,
    CaseSequence,
    CaseStatus,
    Party,
    ZeroReport,
)

SCALE = "0.02"


class TestSeededCases:
    """Read-only checks share one seeded database, rolled back after the class."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def seeded(cls, django_db_setup, django_db_blocker):
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
            pytest.MonkeyPatch.context() as patch,
            transaction.atomic(),
        ):
            patch.setenv("DEMO_PASSWORD", "demo-pass-123")
            call_command("seed_demo", "--scale", SCALE, "--seed", "1", stdout=StringIO())
            yield
            transaction.set_rollback(True)

    @pytest.fixture(autouse=True)
    def _everywhere(self, db):
        with all_regions():
            yield

    def test_two_years_of_cases_at_a_small_scale(self):
        cases = Case.objects.all()
        assert 500 <= cases.count() <= 1500
        first = cases.order_by("received_on").first().received_on
        last = cases.order_by("received_on").last().received_on
        assert (last - first).days > 700

    def test_a_sample_passes_full_clean(self):
        pks = list(Case.objects.values_list("pk", flat=True))
        for case in Case.objects.filter(pk__in=random.Random(4).sample(pks, 100)):
            case.full_clean()  # includes: the lead held a post in the committee that day
            assert case.region_id == case.committee.region_id
        for party in Party.objects.all()[:50]:
            party.full_clean()
        for call in Callback.objects.filter(called_on__isnull=False)[:50]:
            call.full_clean()

    def test_numbers_are_gap_free_per_bureau_and_year(self):
        numbers = defaultdict(list)
        for bureau, year, sequence in Case.objects.values_list("bureau", "year", "sequence"):
            numbers[(bureau, year)].append(sequence)
        for key, sequences in numbers.items():
            assert sorted(sequences) == list(range(1, len(sequences) + 1)), key
        lasts = {(s.bureau_id, s.year): s.last for s in CaseSequence.objects.all()}
        assert lasts == {key: len(seqs) for key, seqs in numbers.items()}

    def test_realistic_shares(self):
        closed = Case.objects.filter(status=CaseStatus.CLOSED)
        results = Counter(closed.values_list("result", flat=True))
        assert 0.9 < results[CaseResult.SUCCESS] / closed.count() < 0.99
        assert 0.9 < closed.count() / Case.objects.count() < 1
        assert len(set(Case.objects.values_list("dispute_type", flat=True))) >= 10
        assert len(set(Case.objects.values_list("source", flat=True))) == 6
        assert Case.objects.filter(amount__gt=0).exists()
        assert Party.objects.count() >= 2 * Case.objects.count()
        assert ZeroReport.objects.exists()

    def test_callbacks_are_the_monthly_draws(self):
        called = Callback.objects.filter(called_on__isnull=False)
        share = Callback.objects.count() / Case.objects.filter(status=CaseStatus.CLOSED).count()
        assert 0.1 < share < 0.2
        assert called.exists() and Callback.objects.filter(called_on__isnull=True).exists()
        assert set(called.values_list("satisfaction", flat=True)) <= {1, 2, 3, 4, 5}
        draw = CallbackDraw.objects.order_by("-population").first()
        assert draw.seed == callbacks.draw_seed(draw.bureau_id, draw.month)
        assert callbacks.redraw(draw) == sorted(draw.callbacks.values_list("case_id", flat=True))
