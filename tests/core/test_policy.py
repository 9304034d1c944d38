import pytest
from django.core.exceptions import ValidationError

from core import policy, services
from core.tenancy import jurisdiction


def test_defaults_come_from_the_seed_documents(world):
    bureau = world["a"]["county_bureau"]
    assert policy.value(bureau, "staffing_standard")["county"] == 3
    assert policy.value(bureau, "staffing_standard")["industry"] == 3
    assert policy.value(bureau, "staffing_standard")["township"] == 2
    assert policy.value(bureau, "fulltime_subsidy_monthly") == "2500.00"
    assert policy.value(bureau, "grading_levels") == ["一级", "二级", "三级", "四级"]
    assert policy.resolve(bureau, "callback_rate") == (0.15, None)


def test_a_county_inherits_its_citys_rule_until_it_overrides_it(world):
    a = world["a"]
    with jurisdiction(a["city"].prefix):
        services.set_policy(a["city_bureau"], "training_min_sessions", 4)
    assert policy.resolve(a["county_bureau"], "training_min_sessions") == (4, a["city_bureau"])
    with jurisdiction(a["county"].prefix):
        services.set_policy(a["county_bureau"], "training_min_sessions", 6)
    assert policy.resolve(a["county_bureau"], "training_min_sessions") == (6, a["county_bureau"])
    assert policy.value(world["a2"]["county_bureau"], "training_min_sessions") == 4
    # Another city is untouched.
    assert policy.value(world["b"]["county_bureau"], "training_min_sessions") == 2
    with jurisdiction(a["county"].prefix):
        services.clear_policy(a["county_bureau"], "training_min_sessions")
    assert policy.value(a["county_bureau"], "training_min_sessions") == 4


def test_effective_policies_list_every_key_with_its_source(world):
    a = world["a"]
    with jurisdiction(a["city"].prefix):
        services.set_policy(a["city_bureau"], "staffing_standard", {"county": 5, "township": 2})
    rows = {row["spec"].key: row for row in policy.effective_policies(a["county_bureau"])}
    assert set(rows) == set(policy.REGISTRY)
    assert rows["staffing_standard"]["value"]["county"] == 5
    assert rows["staffing_standard"]["source"] == a["city_bureau"]
    assert not rows["staffing_standard"]["overridden"]
    assert rows["term_years"]["source"] is None


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("staffing_standard", {"county": -1}),
        ("staffing_standard", {"spaceship": 3}),
        ("staffing_standard", [3, 3, 2]),
        ("fulltime_subsidy_monthly", "abc"),
        ("fulltime_subsidy_monthly", "-5"),
        ("callback_rate", 1.5),
        ("training_min_sessions", 0),
        ("grading_levels", []),
    ],
)
def test_bad_values_are_rejected_and_nothing_is_written(world, key, bad):
    a = world["a"]
    with jurisdiction(a["city"].prefix):
        with pytest.raises(ValidationError) as exc:
            services.set_policy(a["city_bureau"], key, bad)
        assert "value" in exc.value.message_dict
        assert not a["city_bureau"].policies.exists()
