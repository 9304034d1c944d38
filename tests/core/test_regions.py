import pytest
from django.core.exceptions import ValidationError

from core.regions import ancestor_codes, is_within, level_of, normalize_code, prefix_of


@pytest.mark.parametrize(
    ("code", "prefix", "level"),
    [
        ("330000000000", "33", "province"),
        ("330600000000", "3306", "city"),
        ("330602000000", "330602", "county"),
        ("330602001000", "330602001", "township"),
        ("330602001001", "330602001001", "village"),
        ("110101000000", "110101", "county"),
    ],
)
def test_prefix_and_level_follow_the_trailing_zero_groups(code, prefix, level):
    assert prefix_of(code) == prefix
    assert level_of(code) == level


def test_short_codes_are_padded_to_twelve_digits():
    assert normalize_code("3306") == "330600000000"
    assert normalize_code("330602001") == "330602001000"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "33060",
        "3306020010011",
        "33O600000000",
        "000000000000",
        "330000001000",
        "３３０６",
        "abc",
    ],
)
def test_malformed_codes_are_rejected_with_a_message(bad):
    with pytest.raises(ValidationError) as exc:
        normalize_code(bad)
    assert exc.value.messages[0]


def test_ancestors_are_listed_nearest_first():
    assert ancestor_codes("330602001001") == [
        "330602001000",
        "330602000000",
        "330600000000",
        "330000000000",
    ]


def test_a_prefix_contains_exactly_the_regions_under_it():
    assert is_within("330602001001", "3306")
    assert not is_within("330102001001", "3306")
    # 33061 would wrongly match 330610 if prefixes were not whole groups.
    assert not is_within("330610000000", prefix_of("330601000000"))
