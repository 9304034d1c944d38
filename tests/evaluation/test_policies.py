"""The evaluation rules refuse weights that do not add up and an Excellent share
above the cap, with the message beside the field, in Chinese."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import policy


def _errors(key, value):
    with pytest.raises(ValidationError) as caught, translation.override("zh-hans"):
        policy.get_key(key).validate(value)
        raise AssertionError("accepted")
    with translation.override("zh-hans"):
        return {
            field: [str(m) for m in messages]
            for field, messages in caught.value.message_dict.items()
        }


def test_weights_must_add_up_to_100_percent():
    value = dict(policy.get_key("evaluation_weights").default)
    value["weights"] = {**value["weights"], "cases": 0.3}
    errors = _errors("evaluation_weights", value)
    assert list(errors) == ["weights"]
    assert "110%" in errors["weights"][0] and "100%" in errors["weights"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors["weights"][0])


def test_excellent_share_above_the_cap_is_refused():
    value = {**policy.get_key("evaluation_grades").default, "excellent_share": 0.3}
    errors = _errors("evaluation_grades", value)
    assert list(errors) == ["excellent_share"]
    assert "20%" in errors["excellent_share"][0]


def test_bands_must_fall():
    value = {**policy.get_key("evaluation_grades").default, "competent": 95.0}
    assert "competent" in _errors("evaluation_grades", value)


def test_defaults_are_valid():
    for key in ("evaluation_weights", "evaluation_grades", "evaluation_renewal"):
        spec = policy.get_key(key)
        assert spec.validate(spec.default) == spec.default
