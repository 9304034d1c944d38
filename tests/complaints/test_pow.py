import hashlib
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError

from complaints import pow


@pytest.fixture(autouse=True)
def _low_difficulty(settings):
    cache.clear()
    settings.COMPLAINT_POW_BITS = 4
    yield
    cache.clear()


def _codes(error):
    return {e.code for e in error.value.error_list}


def test_leading_zero_bits():
    assert pow.leading_zero_bits(b"\x00\x00\xff") == 16
    assert pow.leading_zero_bits(b"\x0f") == 4
    assert pow.leading_zero_bits(b"\x80") == 0
    assert pow.leading_zero_bits(b"\x00\x01") == 15


def test_a_solved_challenge_passes_once():
    challenge = pow.new_challenge()
    counter = pow.solve(challenge)
    digest = hashlib.sha256(f"{challenge}:{counter}".encode()).digest()
    assert pow.leading_zero_bits(digest) >= 4
    pow.verify(challenge, counter)
    with pytest.raises(ValidationError) as error:
        pow.verify(challenge, counter)
    assert _codes(error) == {"pow_reused"}


def test_a_wrong_counter_fails(settings):
    settings.COMPLAINT_POW_BITS = 12
    challenge = pow.new_challenge()
    wrong = next(
        str(n) for n in range(1000) if pow.leading_zero_bits(pow.digest(challenge, str(n))) < 12
    )
    with pytest.raises(ValidationError) as error:
        pow.verify(challenge, wrong)
    assert _codes(error) == {"pow_work"}


@pytest.mark.parametrize("counter", ["", "abc", "-1", "1" * 21, "١٢"])
def test_a_missing_or_malformed_counter_fails(counter):
    with pytest.raises(ValidationError) as error:
        pow.verify(pow.new_challenge(), counter)
    assert _codes(error) == {"pow_missing"}


def test_a_forged_challenge_fails():
    forged = signing.dumps({"n": "x", "t": int(time.time())}, salt="something-else")
    with pytest.raises(ValidationError) as error:
        pow.verify(forged, pow.solve(forged))
    assert _codes(error) == {"pow_signature"}
    with pytest.raises(ValidationError):
        pow.verify("", "1")


def test_an_old_challenge_fails(monkeypatch):
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - pow.MAX_AGE_SECONDS - 60)
    challenge = pow.new_challenge()
    monkeypatch.setattr(time, "time", real_time)
    with pytest.raises(ValidationError) as error:
        pow.verify(challenge, pow.solve(challenge))
    assert _codes(error) == {"pow_expired"}


def test_difficulty_follows_the_setting(settings):
    settings.COMPLAINT_POW_BITS = 8
    challenge = pow.new_challenge()
    counter = pow.solve(challenge)
    assert pow.leading_zero_bits(pow.digest(challenge, counter)) >= 8
