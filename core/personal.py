"""Personal numbers: resident ID card numbers (GB 11643), phone numbers and bank
accounts. Validation, masking, the keyed hash that makes an encrypted number unique
and searchable, and the encrypted model field that stores it.

A database dump shows ciphertext and HMAC digests only; the keys come from the
environment (FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY).
"""

import datetime
import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField as _LibraryEncryptedCharField

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# First two digits of a resident ID: the province-level division of first registration.
ID_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
    "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
    "63", "64", "65", "71", "81", "82", "83", "91",
}  # fmt: skip
# What each kind of personal number is called, for texts that name it without its model
# (the audit of a job's file that shows numbers in full).
PERSONAL_NUMBER_LABELS = {
    "id_number": _("ID card number"),
    "phone": _("phone"),
    "bank_account": _("bank account"),
}
# ASCII only: the numbers are normalised to ASCII digits before they are checked.
ID_NUMBER_RE = re.compile(r"[0-9]{17}[0-9X]")
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
BANK_ACCOUNT_RE = re.compile(r"[0-9]{12,30}")
FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def to_ascii(value: str) -> str:
    """*value* with the digits of any script (full-width ０-９, Arabic-Indic ٠-٩, …)
    as ASCII digits and full-width letters and signs (Ｘ, －, ＋, the ideographic
    space) as ASCII, so one number typed two ways is one number, with one hash.
    Characters that only look like digits (superscripts ², circled ①) are kept, for
    validation to refuse."""
    if value.isascii():  # nearly every number: nothing to convert
        return value
    chars = []
    for char in value:
        decimal = unicodedata.decimal(char, None)
        if decimal is not None:
            chars.append(str(decimal))
        elif FULL_WIDTH.match(char):
            chars.append(unicodedata.normalize("NFKC", char))
        else:
            chars.append(char)
    return "".join(chars)


def normalize_id_number(value: str) -> str:
    return to_ascii(value or "").strip().replace(" ", "").upper()


def normalize_phone(value: str) -> str:
    value = to_ascii(value or "").strip().replace(" ", "")
    return value[3:] if value.startswith("+86") else value


def normalize_bank_account(value: str) -> str:
    return to_ascii(value or "").strip().replace(" ", "").replace("-", "")


def id_check_char(first17: str) -> str:
    """The check character of GB 11643: the sum of the digits times ID_WEIGHTS,
    modulo 11. The weights are 2^17 … 2^1 modulo 11 and 13 ≡ 2 (mod 11), so the sum
    is twice the digits read as a base-13 number, modulo 11: one int() in C instead
    of 17 multiplications in Python (an import checks thousands of numbers)."""
    if len(first17) != len(ID_WEIGHTS) or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"Not 17 digits: {first17!r}")
    return ID_CHECK_CHARS[2 * int(first17, 13) % 11]


def id_birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(number: str) -> str:
    """ "M" or "F": the 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def validate_id_number(value: str) -> None:
    """An 18-character resident ID number with a GB 11643 check digit and a real,
    past birth date."""
    number = normalize_id_number(value)
    if not ID_NUMBER_RE.fullmatch(number):
        raise ValidationError(
            _("An ID card number has 18 characters: 17 digits, then a digit or X."),
            code="id_format",
        )
    if number[:2] not in ID_PROVINCES:
        raise ValidationError(
            _("This ID card number does not start with a province code."), code="id_region"
        )
    try:
        born = id_birth_date(number)
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID card number (%(digits)s) is not a real date."),
            code="id_birth_date",
            params={"digits": number[6:14]},
        ) from None
    if born > datetime.date.today() or born.year < 1900:
        raise ValidationError(
            _("The birth date in this ID card number (%(date)s) is impossible."),
            code="id_birth_date",
            params={"date": born.isoformat()},
        )
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID card number is wrong; please check each digit."),
            code="id_check_digit",
        )


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits) or a landline with its area code."""
    number = normalize_phone(value)
    if not (MOBILE_RE.fullmatch(number) or LANDLINE_RE.fullmatch(number)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code."),
            code="phone",
        )


def validate_bank_account(value: str) -> None:
    if not BANK_ACCOUNT_RE.fullmatch(normalize_bank_account(value)):
        raise ValidationError(_("A bank account number has 12 to 30 digits."), code="bank")


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_bank_account(value: str) -> str:
    if not value:
        return ""
    return "**** " + value[-4:] if len(value) > 4 else "*" * len(value)


def mask_for_audit(value) -> str:
    """auditlog's mask_callable: a changed personal number shows only as changed."""
    return "******" if value not in (None, "", "None") else ""


def digest(value: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised personal number: unique and searchable
    without decrypting, and useless without FIELD_HASH_KEY. Digits are hashed as
    ASCII whatever script they came in, so a number cannot be registered twice by
    typing it in full-width or Arabic-Indic digits."""
    if not value:
        return ""
    key = settings.FIELD_HASH_KEY.encode()
    # surrogatepass: a lone surrogate (from a JSON body) hashes instead of failing; it
    # matches nothing and the validators refuse it.
    return hmac.new(
        key, to_ascii(value).encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


class EncryptedCharField(_LibraryEncryptedCharField):
    """django-fernet-encrypted-fields' field, keyed by FIELD_ENCRYPTION_KEYS rather
    than derived from SECRET_KEY, so rotating the session secret cannot make the
    stored numbers unreadable. Lookups by value cannot work (each encryption is
    salted): look up by the keyed-hash column instead."""

    @cached_property
    def keys(self) -> list[bytes]:
        return [key.encode() for key in settings.FIELD_ENCRYPTION_KEYS]

    def to_python(self, value):
        # The library tries to decrypt any text it is given, clear numbers too: each
        # save of a number (its get_prep_value) paid for a failed decryption. What
        # this field stores is a Fernet token, which starts with its version byte
        # 0x80, "g" in base64; a personal number (digits, X, +, -) never does, and
        # text that does not is kept as the clear value it is.
        if isinstance(value, str) and not value.startswith("g"):
            return models.CharField.to_python(self, value)
        return super().to_python(value)

    def clean(self, value, model_instance):
        # The library's clean() flags the field object, shared by every row and
        # thread, as "already decrypted" and unflags it only when validation passes:
        # one rejected number left every later read in the process returning
        # ciphertext. Validate the clear value without touching shared state.
        value = models.CharField.to_python(self, value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value


def make_id_number(area: str, born: datetime.date, sequence: int, gender: str) -> str:
    """A well-formed ID number (for demo data and tests): 6-digit area, birth date,
    a 3-digit sequence whose last digit is odd for men, and the check digit."""
    sequence = sequence % 500 * 2 + (1 if gender == "M" else 0)
    first17 = f"{area[:6]}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)
