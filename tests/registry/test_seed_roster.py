"""The roster step of seed_demo (registry.demo) at the smallest scale."""

import datetime
from collections import Counter, defaultdict
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from core import policy
from core.models import Bureau
from core.tenancy import all_regions
from registry.models import (
    Appointment,
    Committee,
    CommitteeStatus,
    CommitteeTerm,
    CommitteeType,
    FilingStatus,
    LeaveRecord,
    Mediator,
    Mentorship,
    MonthlyAttendance,
    PaidBy,
    TermWarning,
    TrainingAttendance,
    TrainingSession,
)
from registry.models.appointments import held_on, unfunded_full_time
from registry.models.committees import FILED_WITH_OFFICE
from tests.factories import MediatorFactory

SCALE = "0.02"


def _seed(seed=1, *extra):
    call_command("seed_demo", "--scale", SCALE, "--seed", str(seed), *extra, stdout=StringIO())


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")


class TestSeededRoster:
    """Read-only checks share one seeded database, rolled back after the class."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def roster(cls, django_db_setup, django_db_blocker):
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
            pytest.MonkeyPatch.context() as patch,
            transaction.atomic(),
        ):
            patch.setenv("DEMO_PASSWORD", "demo-pass-123")
            _seed()
            yield
            transaction.set_rollback(True)

    @pytest.fixture(autouse=True)
    def _everywhere(self, db):
        with all_regions():
            yield

    def test_every_committee_type_with_terms_filing_and_deregistrations(self):
        active = Committee.objects.filter(status=CommitteeStatus.ACTIVE)
        kinds = Counter(active.values_list("kind", flat=True))
        assert set(kinds) == set(CommitteeType.values)
        assert kinds[CommitteeType.VILLAGE] == 36  # one per village of the foundation
        assert kinds[CommitteeType.TOWNSHIP] == 12
        assert Committee.objects.count() == len(set(Committee.objects.values_list("code")))
        today = datetime.date.today()
        current = CommitteeTerm.objects.filter(starts_on__lte=today, ends_on__gte=today)
        assert set(current.values_list("committee", flat=True)) == set(
            active.values_list("pk", flat=True)
        )
        assert CommitteeTerm.objects.count() > active.count()  # some past terms
        assert TermWarning.objects.filter(resolved_at__isnull=True).exists()
        gone = Committee.objects.filter(status=CommitteeStatus.DEREGISTERED)
        assert gone.exists()
        assert not gone.filter(Q(deregistration_reason="") | Q(deregistered_on=None)).exists()
        assert not Appointment.objects.filter(committee__in=gone, ends_on=None).exists()
        filed = Committee.objects.filter(filing_status=FilingStatus.FILED)
        assert filed.count() > Committee.objects.count() * 0.8
        assert not filed.filter(kind__in=FILED_WITH_OFFICE, filed_with_office=None).exists()
        assert not filed.exclude(kind__in=FILED_WITH_OFFICE).filter(filed_with_bureau=None).exists()

    def test_sampled_rows_pass_full_clean(self):
        for model in (Committee, CommitteeTerm, Mediator, Appointment, TrainingSession):
            rows = list(model.objects.order_by("pk"))
            for row in rows[:: max(1, len(rows) // 25)]:
                row.full_clean()
        for model in (Mentorship, MonthlyAttendance, LeaveRecord):
            for row in model.objects.order_by("pk")[:10]:
                row.full_clean()
        assert Mediator.objects.count() >= 40
        assert Mediator.objects.filter(expert_pool=True).exists()
        assert Mediator.objects.filter(volunteer=True).exists()
        assert Mediator.objects.exclude(level=None).exists()
        assert Mediator.objects.exclude(bank_account=None).exists()

    def test_every_full_time_post_names_who_pays(self):
        full_time = Appointment.objects.filter(full_time=True)
        assert full_time.exists()
        assert not full_time.filter(unfunded_full_time()).exists()
        # Volunteers' part-time posts are the unpaid ones.
        assert Appointment.objects.filter(full_time=False, paid_by=PaidBy.UNPAID).exists()

    def test_one_full_time_post_at_a_time(self):
        posts = defaultdict(list)
        for post in Appointment.objects.filter(full_time=True).order_by("starts_on"):
            posts[post.mediator_id].append(post)
        for held in posts.values():
            for earlier, later in pairwise(held):
                assert earlier.ends_on is not None and earlier.ends_on < later.starts_on
        transfers = Appointment.objects.filter(exit_reason="transfer")
        assert transfers.exists()
        for ended in transfers:
            assert Appointment.objects.filter(
                mediator=ended.mediator, starts_on=ended.ends_on + datetime.timedelta(days=1)
            ).exists()

    def test_some_committees_short_of_the_staffing_standard_and_some_meeting_it(self):
        standards = {
            b.region_id[:6]: policy.value(b, "staffing_standard") for b in Bureau.objects.all()
        }
        committees = Committee.objects.filter(status=CommitteeStatus.ACTIVE).annotate(
            full_time=Count(
                "appointments",
                filter=held_on(prefix="appointments__") & Q(appointments__full_time=True),
            )
        )
        outcomes = Counter(
            c.full_time >= standards[c.region_id[:6]][c.kind]
            for c in committees
            if standards[c.region_id[:6]][c.kind]
        )
        assert outcomes[True] > outcomes[False] > 0

    def test_training_attendance_mostly_meets_the_minimum(self):
        this_year = datetime.date.today().year
        sessions = Counter(
            TrainingAttendance.objects.filter(session__held_on__year=this_year).values_list(
                "mediator", flat=True
            )
        )
        serving = Mediator.objects.filter(status="active").values_list("pk", flat=True)
        enough = Counter(sessions[pk] >= 2 for pk in serving)
        assert enough[True] > enough[False] > 0
        assert Mentorship.objects.exists()
        assert MonthlyAttendance.objects.exists()
        assert LeaveRecord.objects.exists()


def _digests():
    with all_regions():
        return set(Mediator.objects.values_list("id_number_digest", flat=True))


def test_seed_demo_if_empty_twice_does_not_duplicate(db):
    _seed(1, "--if-empty")
    with all_regions():
        counts = [m.objects.count() for m in (Committee, Mediator, Appointment, TrainingSession)]
    _seed(1, "--if-empty")
    with all_regions():
        assert [
            m.objects.count() for m in (Committee, Mediator, Appointment, TrainingSession)
        ] == counts


def test_different_seeds_do_not_share_id_numbers_and_registered_ones_are_skipped(db):
    with transaction.atomic():
        _seed(7)
        first = _digests()
        with all_regions():
            taken = Mediator.objects.order_by("pk").first()
            number, born, gender = taken.id_number, taken.birth_date, taken.gender
        transaction.set_rollback(True)
    with transaction.atomic():
        _seed(8)
        assert not first & _digests()
        transaction.set_rollback(True)
    # A mediator registered before the demo holds a number seed 7 would hand out.
    call_command("load_regions", stdout=StringIO())
    with all_regions():
        earlier = MediatorFactory(
            id_number=number, birth_date=born, gender=gender, region_id="330602000000"
        )
    _seed(7)
    with all_regions():
        assert Mediator.objects.filter(id_number_digest=earlier.id_number_digest).count() == 1
        assert Mediator.objects.count() == len(first) + 1
