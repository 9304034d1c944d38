"""Promoting a closed case into the library, editing it and publishing it: the
anonymity check refuses the parties' names and personal numbers, and nothing is
written when it does."""

import pytest
from django.core.exceptions import ValidationError

from caselibrary import services
from caselibrary.models import LibraryEntry
from core.tenancy import all_regions, jurisdiction
from tests.caselibrary.conftest import closed_case
from tests.factories import _case

pytestmark = pytest.mark.django_db
ACCOUNT = "甲与乙因宅基地界线发生纠纷，调解员实地丈量后促成协议。"


def _count():
    with all_regions():
        return LibraryEntry.objects.count()


def _promote(case, **fields):
    return services.promote(case, **{"title": "宅基地纠纷典型案例", "account": ACCOUNT, **fields})


def test_a_closed_case_is_promoted_with_its_draft_and_published(world, case):
    with jurisdiction(world["a"]["county"].prefix):
        draft = services.draft_account(case)
        assert "王大锤" not in draft and "欧阳娜娜" not in draft and "13812345678" not in draft
        entry = _promote(case, account=draft)
        assert entry.year == 2025 and entry.dispute_type_id == case.dispute_type_id
        entry = services.publish(entry)
    assert entry.published and entry.published_at


@pytest.mark.parametrize(
    "field,text",
    [
        ("account", "王大锤与乙因宅基地纠纷。"),
        ("account", "甲（电话１３８１２３４５６７８）申请调解。"),
        ("title", "欧阳 娜娜宅基地纠纷"),
        ("commentary", "可联系138 1234 5678了解详情。"),
    ],
)
def test_a_text_with_a_name_or_a_number_is_refused_and_nothing_written(world, case, field, text):
    with jurisdiction(world["a"]["county"].prefix), pytest.raises(ValidationError) as refused:
        _promote(case, **{field: text})
    assert field in refused.value.error_dict
    assert _count() == 0


def test_only_a_closed_case_enters_and_only_once(world, case):
    with all_regions():
        open_case = _case(world, "a")
    with jurisdiction(world["a"]["county"].prefix):
        with pytest.raises(ValidationError):
            _promote(open_case)
        _promote(case)
        with pytest.raises(ValidationError):
            _promote(case)
    assert _count() == 1


def test_an_edit_is_checked_too(world, case):
    with jurisdiction(world["a"]["county"].prefix):
        entry = _promote(case)
        with pytest.raises(ValidationError):
            services.update_entry(entry, account="王大锤后来反悔。")
        entry.refresh_from_db()
        assert entry.account == ACCOUNT


def test_publishing_checks_again_against_the_parties_now(world, case):
    from mediation.models import Party

    with jurisdiction(world["a"]["county"].prefix):
        entry = _promote(case, account=ACCOUNT + "调解员请来村干部赵钱孙协助。")
        Party.objects.create(case=case, role="other", name="赵钱孙", region=case.region)
        with pytest.raises(ValidationError):
            services.publish(entry)
        entry.refresh_from_db()
        assert not entry.published


def test_a_city_sees_its_districts_entries_and_a_sibling_does_not(world):
    entries = {}
    for side in ("a", "a2", "b"):
        case = closed_case(world, side)
        with jurisdiction(world[side]["county"].prefix):
            entries[side] = _promote(case)
    with jurisdiction(world["a"]["city"].prefix):
        assert set(LibraryEntry.objects.values_list("pk", flat=True)) == {
            entries["a"].pk,
            entries["a2"].pk,
        }
    with jurisdiction(world["a"]["county"].prefix):
        assert list(LibraryEntry.objects.values_list("pk", flat=True)) == [entries["a"].pk]
