"""Grading rules are typed per-bureau rules: the criteria table edits as a grid with
Chinese labels, a county inherits the city's, and contradictory levels are refused
with Chinese messages beside the table."""

import copy
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from core import policy
from core.models import Policy
from core.tenancy import all_regions

CJK = re.compile(r"[\u4e00-\u9fff]")
DEFAULT = policy.get_key("grading_criteria").default


def _refused(levels) -> list[str]:
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        policy.get_key("grading_criteria").validate(levels)
    messages = [str(m) for m in caught.value.message_dict["levels"]]
    assert messages and all(CJK.search(m) for m in messages), messages
    return messages


def _changed(rank, **values):
    levels = copy.deepcopy(DEFAULT)
    levels[rank].update(values)
    return levels


def test_the_default_follows_the_seed_documents():
    assert list(DEFAULT) == ["1", "2", "3", "4"]
    lowest = DEFAULT["4"]
    assert (lowest["years"], lowest["cases"], lowest["oral_share"], lowest["success_rate"]) == (
        2,
        50,
        0.3,
        0.85,
    )
    assert [DEFAULT[r]["graded_by"] for r in "1234"] == ["city", "city", "county", "county"]
    assert policy.get_key("grading_target").default == {"rank": "2", "count": 160}


@pytest.mark.parametrize(
    "levels, words",
    [
        (_changed("1", cases=10), "调解案件"),  # the top level asks fewer cases
        (_changed("2", success_rate=0.5), "成功率"),
        (_changed("2", oral_share=0.9), "口头协议"),  # allows more oral agreements
        (_changed("1", satisfaction=1.0), "满意度"),
        (_changed("1", graded_by="county"), "县级"),  # county above a city level
        (_changed("4", quota=0.9), "100%"),
    ],
)
def test_contradictory_levels_are_refused(levels, words):
    assert any(words in m for m in _refused(levels))


def test_levels_are_filled_from_the_first_without_a_gap():
    levels = copy.deepcopy(DEFAULT)
    del levels["2"]
    assert any("空缺" in m for m in _refused(levels))


def test_a_county_inherits_the_citys_criteria(world):
    city = world["a"]["city_bureau"]
    levels = _changed("4", cases=30)
    with all_regions():
        Policy.objects.create(bureau=city, region=city.region, key="grading_criteria", value=levels)
    assert policy.value(world["a"]["county_bureau"], "grading_criteria")["4"]["cases"] == 30


def test_the_criteria_edit_as_a_grid_and_a_half_filled_row_is_a_field_error(login, world):
    city = world["a"]["city_bureau"]
    client = login(world["a"]["admin_user"])
    url = f"/bureaus/{city.pk}/rules/grading_criteria/"
    page = client.get(url).content.decode()
    assert 'name="levels-4-cases"' in page and 'name="levels-6-cases"' in page
    assert "第1等（最高）" in page and "调解成功率不低于" in page
    data = {}
    for rank, row in DEFAULT.items():
        for column, value in row.items():
            shown = value * 100 if column in ("quota", "success_rate", "oral_share") else value
            data[f"levels-{rank}-{column}"] = str(shown)
    data["levels-5-cases"] = "10"  # a fifth level with only one cell filled
    response = client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["levels"])
    assert "第5等" in errors, errors
    with all_regions():
        assert not Policy.objects.filter(bureau=city, key="grading_criteria").exists()
    # Contradictions come back beside the table too, in Chinese.
    data.pop("levels-5-cases")
    data["levels-1-cases"] = "10"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "调解案件" in " ".join(response.context["form"].errors["levels"])
    data["levels-1-cases"] = "150"
    assert client.post(url, data).status_code == 302
    with all_regions():
        assert Policy.objects.get(bureau=city, key="grading_criteria").value == DEFAULT
