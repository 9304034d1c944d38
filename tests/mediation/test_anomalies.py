"""Anomaly flags: each rule firing and not firing, reasons with the numbers, one flag
per case and kind however often the job runs, the daily job over every bureau, and
the review page (a note; the case never changes)."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions, jurisdiction
from mediation import reporting, services
from mediation.jobs.anomalies import flag_anomalies
from mediation.models import Case, CaseFlag, FlagKind
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    PolicyFactory,
    make_case,
)

TODAY = datetime.date(2025, 6, 15)  # the day the rules run in these tests
D = datetime.date


def _summary(n):
    """Summaries that share nothing in particular."""
    return hashlib.sha256(str(n).encode()).hexdigest()


@pytest.fixture
def a(world):
    with jurisdiction(world["a"]["county"].prefix):
        yield world["a"]


def _post(unit):
    committee = CommitteeFactory(region=unit["village"], office=unit["office"])
    return AppointmentFactory(mediator=MediatorFactory(region=unit["village"]), committee=committee)


@pytest.fixture
def post(a):
    return _post(a)


_counter = iter(range(10**6))


def _case(post, day, party="李四", summary=None, **fields):
    return make_case(
        post.committee,
        post.mediator,
        received_on=day,
        summary=summary or _summary(next(_counter)),
        # The other side differs in every case: only *party* repeats.
        parties=[
            {"role": "applicant", "name": party},
            {"role": "respondent", "name": f"对方{next(_counter)}"},
        ],
        **fields,
    )


def _flags(kind):
    return {f.case_id: f.reason for f in CaseFlag.objects.filter(kind=kind)}


def _run(a):
    return reporting.flag_anomalies(a["county_bureau"], today=TODAY)


def test_the_same_party_in_three_cases_within_90_days(a, post):
    cases = [
        _case(post, day, party="王五") for day in (D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 20))
    ]
    _case(post, D(2025, 4, 2), party="赵六")
    _run(a)
    flags = _flags(FlagKind.REPEATED_PARTIES)
    assert set(flags) == {c.pk for c in cases}
    assert "王五" in flags[cases[0].pk] and "3" in flags[cases[0].pk]


def test_the_same_party_spread_over_more_than_90_days_is_not_flagged(a, post):
    for day in (D(2025, 2, 20), D(2025, 4, 15), D(2025, 6, 10)):
        _case(post, day, party="王五")
    other = _post(a)
    _case(other, D(2025, 4, 16), party="王五")  # another committee
    _run(a)
    assert not _flags(FlagKind.REPEATED_PARTIES)


def test_filings_bunched_at_month_end(a, post):
    late = [_case(post, D(2025, 4, day)) for day in (28, 29, 30, 30)]
    for day in (3, 10):
        _case(post, D(2025, 4, day))
    _run(a)
    flags = _flags(FlagKind.MONTH_END_BURST)
    assert set(flags) == {c.pk for c in late}
    reason = flags[late[0].pk]
    assert "2025-04" in reason and "4" in reason and "6" in reason and "67" in reason


@pytest.mark.parametrize(
    ("late_days", "early_days"),
    [
        ((28, 29, 30, 30), (3,)),  # five filings: too few to judge
        ((28, 29, 30), (3, 10, 12)),  # half, not above it
    ],
)
def test_month_end_not_flagged(a, post, late_days, early_days):
    for day in (*late_days, *early_days):
        _case(post, D(2025, 4, day))
    _run(a)
    assert not _flags(FlagKind.MONTH_END_BURST)


def test_near_identical_summaries_in_a_committee_and_month(a, post):
    text = "张某与李某因宅基地边界发生争执，经调解双方达成协议，张某退让半米。"
    first = _case(post, D(2025, 5, 3), summary=text)
    second = _case(post, D(2025, 5, 20), summary=text.replace("半米", "一米"))
    _case(post, D(2025, 6, 2), summary=text)  # another month
    _case(_post(a), D(2025, 5, 4), summary=text)  # another committee
    _run(a)
    flags = _flags(FlagKind.SIMILAR_SUMMARY)
    assert set(flags) == {first.pk, second.pk}
    assert second.number in flags[first.pk] and first.number in flags[second.pk]


def test_different_summaries_are_not_flagged(a, post):
    _case(post, D(2025, 5, 3), summary="张某与李某因宅基地边界发生争执。")
    _case(post, D(2025, 5, 9), summary="王某拖欠赵某工资三个月，双方协商分期支付。")
    _run(a)
    assert not _flags(FlagKind.SIMILAR_SUMMARY)


def _closed(post, n, form):
    for i in range(n):
        case = _case(post, D(2025, 3, 1 + i))
        services.close_case(case, closed_on=D(2025, 4, 1), result="success", agreement_form=form)


def test_oral_agreements_far_above_the_bureau_norm(a, post):
    PolicyFactory(
        bureau=a["county_bureau"], region=a["county"], key="anomaly_oral_factor", value=1.5
    )
    _closed(post, 10, "oral")
    normal = _post(a)
    _closed(normal, 10, "written")
    _run(a)
    flags = _flags(FlagKind.ORAL_SHARE)
    assert set(Case.objects.filter(pk__in=flags).values_list("committee", flat=True)) == {
        post.committee.pk
    }
    assert len(flags) == 10
    assert "100" in next(iter(flags.values())) and "50" in next(iter(flags.values()))


def test_oral_share_needs_ten_closed_cases(a, post):
    PolicyFactory(
        bureau=a["county_bureau"], region=a["county"], key="anomaly_oral_factor", value=1.5
    )
    _closed(post, 9, "oral")
    _closed(_post(a), 10, "written")
    _run(a)
    assert not _flags(FlagKind.ORAL_SHARE)


def test_flagging_is_idempotent_and_never_changes_the_case(a, post):
    cases = [_case(post, D(2025, 3, day), party="王五") for day in (1, 2, 3)]
    before = {c.pk: (c.status, c.updated_at) for c in Case.objects.all()}
    assert _run(a) == 3
    assert _run(a) == 0
    assert CaseFlag.objects.count() == 3
    assert {c.pk: (c.status, c.updated_at) for c in Case.objects.all()} == before
    assert len(cases) == 3


def test_the_daily_job_covers_every_bureau(world):
    recent = datetime.date.today() - datetime.timedelta(days=10)
    with all_regions():
        for side in ("a", "b"):
            post = _post(world[side])
            for _ in range(3):
                _case(post, recent, party="王五")
    assert flag_anomalies.delay().get() == 2
    with all_regions():
        regions = set(CaseFlag.objects.values_list("region__code", flat=True))
        assert CaseFlag.objects.count() == 6
    assert {code[:4] for code in regions} == {"3306", "3301"}


@pytest.fixture
def flagged(a, post):
    for day in (1, 2, 3):
        _case(post, D(2025, 3, day), party="王五")
    _run(a)
    return CaseFlag.objects.first()


def test_staff_review_a_flag_with_a_note(login, world, flagged):
    client = login(world["a"]["county_user"])
    url = f"/flags/{flagged.pk}/review/"
    assert flagged.reason in client.get(url).content.decode()
    response = client.post(url, {"note": ""})
    assert "note" in response.context["form"].errors
    with all_regions():
        flagged.refresh_from_db()
    assert flagged.reviewed_at is None
    case_before = Case._base_manager.get(pk=flagged.case_id).updated_at
    assert client.post(url, {"note": "当事人系同村村民，属实。"}).status_code == 302
    with all_regions():
        flagged.refresh_from_db()
    assert flagged.review_note and flagged.reviewed_by == world["a"]["county_user"]
    assert Case._base_manager.get(pk=flagged.case_id).updated_at == case_before
    listed = client.get("/flags/", {"open": "true"})
    assert flagged not in listed.context["object_list"]


def test_a_clerk_may_not_review(login, world, flagged):
    response = login(world["a"]["clerk_user"]).post(f"/flags/{flagged.pk}/review/", {"note": "ok"})
    assert response.status_code == 403
    with all_regions():
        flagged.refresh_from_db()
    assert flagged.reviewed_at is None


def test_the_flag_list_in_a_constant_number_of_queries(login, world, a, post, flagged):
    client = login(world["a"]["county_user"])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/flags/").status_code == 200
        counts.append(len(captured))
        with jurisdiction(a["county"].prefix):
            other = _post(a)
            for day in (1, 2, 3, 4, 5):
                _case(other, D(2025, 3, day), party="孙七")
            _run(a)
    assert counts[0] == counts[1], counts
