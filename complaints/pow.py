"""Proof-of-work for the public complaint form: the browser must spend a moment of
CPU before a complaint is accepted, with no third-party CAPTCHA service.

The form carries a signed challenge (a random nonce and the time it was issued); the
browser (static/js/pow.js) searches for a counter such that
``sha256(challenge + ":" + counter)`` starts with ``settings.COMPLAINT_POW_BITS``
zero bits. The server checks the signature, the challenge's age, the work, and that
the nonce has not been used before (one cache entry per nonce).
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SALT = "complaint-pow"
MAX_AGE_SECONDS = 30 * 60
MAX_COUNTER_DIGITS = 20
MAX_CHALLENGE_LENGTH = 500
USED_KEY = "complaint-pow-used:{nonce}"


def bits() -> int:
    return int(settings.COMPLAINT_POW_BITS)


def new_challenge() -> str:
    """A fresh signed challenge for a form."""
    return signing.dumps({"n": secrets.token_hex(16), "t": int(time.time())}, salt=SALT)


def digest(challenge: str, counter: str) -> bytes:
    return hashlib.sha256(f"{challenge}:{counter}".encode()).digest()


def leading_zero_bits(data: bytes) -> int:
    count = 0
    for byte in data:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge: str, difficulty: int | None = None) -> str:
    """Find a counter in Python (tests, and a check of the JavaScript)."""
    difficulty = bits() if difficulty is None else difficulty
    counter = 0
    while leading_zero_bits(digest(challenge, str(counter))) < difficulty:
        counter += 1
    return str(counter)


_FAILED = _(
    "The security check did not complete. Please wait until it finishes and submit "
    "again, or call the bureau."
)
_EXPIRED = _("The form has expired. Please submit it again.")


def verify(challenge: str, counter: str) -> None:
    """Raise ValidationError unless *counter* solves *challenge*, the challenge is
    ours, recent and not used before. A valid solution is used up by this call."""
    challenge = challenge or ""
    counter = (counter or "").strip()
    well_formed = (
        0 < len(challenge) <= MAX_CHALLENGE_LENGTH
        and counter.isascii()
        and counter.isdigit()
        and len(counter) <= MAX_COUNTER_DIGITS
    )
    if not well_formed:
        raise ValidationError(_FAILED, code="pow_missing")
    try:
        payload = signing.loads(challenge, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError(_EXPIRED, code="pow_expired") from None
    except signing.BadSignature:
        raise ValidationError(_FAILED, code="pow_signature") from None
    nonce = payload.get("n") if isinstance(payload, dict) else None
    if not isinstance(nonce, str) or not nonce:
        raise ValidationError(_FAILED, code="pow_signature")
    if leading_zero_bits(digest(challenge, counter)) < bits():
        raise ValidationError(_FAILED, code="pow_work")
    # Single use: the first submission with this nonce wins.
    if not cache.add(USED_KEY.format(nonce=nonce), 1, timeout=MAX_AGE_SECONDS + 60):
        raise ValidationError(_EXPIRED, code="pow_reused")
