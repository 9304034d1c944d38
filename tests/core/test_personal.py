import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from core.personal import (
    ID_CHECK_CHARS,
    ID_WEIGHTS,
    digest,
    id_birth_date,
    id_check_char,
    id_gender,
    make_id_number,
    mask_bank_account,
    mask_id_number,
    mask_phone,
    validate_bank_account,
    validate_id_number,
    validate_phone,
)

# A published sample number from GB 11643's annex (check digit X).
SAMPLE = "11010519491231002X"


def test_the_standards_sample_number_is_valid():
    validate_id_number(SAMPLE)
    assert id_birth_date(SAMPLE) == datetime.date(1949, 12, 31)
    assert id_gender(SAMPLE) == "F"


def test_the_check_character_is_the_standards_weighted_sum():
    # id_check_char reads the digits in base 13; the standard's formula, spelled out.
    rng = random.Random(15)
    for first17 in ["00000000000000000", "99999999999999999", SAMPLE[:17]] + [
        f"{rng.randrange(10**17):017d}" for _ in range(2000)
    ]:
        total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
        assert id_check_char(first17) == ID_CHECK_CHARS[total % 11]
    assert id_check_char(SAMPLE[:17]) == "X"


@pytest.mark.parametrize("first17", ["1234567890123456", "123456789012345678", "1234567890123456X"])
def test_the_check_character_needs_seventeen_digits(first17):
    with pytest.raises(ValueError):
        id_check_char(first17)


def test_a_lower_case_x_and_spaces_are_accepted():
    validate_id_number(" 11010519491231002x ")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_check_digit"),  # check digit should be X
        ("11010519491231002", "id_format"),  # 17 characters
        ("1101051949123100AX", "id_format"),
        ("110105198002300016", "id_birth_date"),  # 30 February
        ("110105209901010014", "id_birth_date"),  # born in 2099
        ("001105194912310021", "id_region"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(number, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number)
    assert excinfo.value.code == code


def test_generated_numbers_are_valid_and_carry_birth_date_and_gender():
    born = datetime.date(1968, 2, 29)
    for sequence in range(50):
        for gender in ("M", "F"):
            number = make_id_number("330602", born, sequence, gender)
            validate_id_number(number)
            assert id_birth_date(number) == born
            assert id_gender(number) == gender


@pytest.mark.parametrize(
    "phone", ["13912345678", "+8613912345678", "0575-88001234", "057588001234"]
)
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["1391234567", "23912345678", "88001234", "phone", ""])
def test_invalid_phones(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_bank_accounts_are_digits_of_a_plausible_length():
    validate_bank_account("6222 0212 3456 7890 123")
    with pytest.raises(ValidationError):
        validate_bank_account("62220212")


def test_masks_keep_only_the_ends():
    assert mask_id_number(SAMPLE) == "1101**********002X"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_bank_account("6222021234567890123") == "**** 0123"
    assert mask_id_number("") == mask_phone(None) == ""


def test_digest_is_keyed(settings):
    first = digest(SAMPLE)
    assert first == digest(SAMPLE) and len(first) == 64 and SAMPLE not in first
    settings.FIELD_HASH_KEY = "another-key"
    assert digest(SAMPLE) != first
