"""Rules are typed: each declares its fields, and the edit form, the validation (form,
service and API alike), the rules page's Chinese sentence and the API schema follow."""

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from rest_framework.test import APIClient

from core import policy, services
from core.models import Policy
from core.policy_fields import (
    Choice,
    Date,
    FieldSpec,
    Flag,
    Mapping,
    Money,
    Names,
    Number,
    Percent,
    Ranked,
    Whole,
)
from core.tenancy import all_regions, jurisdiction

CJK = re.compile(r"[\u4e00-\u9fff]")


class _Form(HTMLParser):
    """What a browser would submit from the page's rule form (no JavaScript)."""

    def __init__(self):
        super().__init__()
        self.data, self._select = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif attrs.get("type") != "submit":
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select":
            self._select = name
            self.data.append((name, ""))
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[-1] = (self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _submitted(html) -> dict:
    parser = _Form()
    parser.feed(html)
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def _edit_url(bureau, key):
    return f"/bureaus/{bureau.pk}/rules/{key}/"


def _stored(bureau, key):
    with all_regions():
        row = Policy.objects.filter(bureau=bureau, key=key).first()
    return row.value if row else None


# --- Every rule is declared ------------------------------------------------------------


@pytest.mark.parametrize("key", list(policy.REGISTRY))
def test_every_rule_declares_typed_fields_and_its_default_passes_them(key):
    spec = policy.get_key(key)
    assert spec.fields and all(isinstance(f, FieldSpec) for f in spec.fields.values())
    assert spec.validate(spec.default) == spec.default
    with override("zh-hans"):
        shown = str(spec.display(spec.default))
    assert CJK.search(shown), shown


@pytest.mark.parametrize("key", list(policy.REGISTRY))
def test_every_rule_edits_through_a_typed_form_that_round_trips(login, world, key):
    bureau = world["a"]["city_bureau"]
    client = login(world["a"]["admin_user"])
    page = client.get(_edit_url(bureau, key))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<textarea" not in html and "JSON" not in html
    # Submitting the form as shown stores the value in force, unchanged.
    response = client.post(_edit_url(bureau, key), _submitted(html))
    assert response.status_code == 302, response.context["form"].errors
    assert _stored(bureau, key) == policy.get_key(key).default


# --- The rules page --------------------------------------------------------------------


def _rules(page) -> dict[str, str]:
    """Rule key → the text of its row on the bureau page (tags dropped)."""
    section = page.content.decode().split('id="rules"')[1].split("</tbody>\n</table>")[0]
    rows = {}
    for chunk in section.split('<tr data-rule="')[1:]:
        key, body = chunk.split('"', 1)
        rows[key] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    return rows


def test_the_rules_page_says_each_rule_in_chinese(login, world):
    page = login(world["a"]["county_user"]).get(f"/bureaus/{world['a']['county_bureau'].pk}/")
    rules = _rules(page)
    assert set(rules) == set(policy.REGISTRY)
    assert "调解员每年至少参加 2 次培训" in rules["training_min_sessions"]
    assert "回访抽样比例 15%" in rules["callback_rate"]
    assert "投诉办理期限 15 个工作日" in rules["complaint_deadline_working_days"]
    assert "¥2,500.00" in rules["fulltime_subsidy_monthly"]
    assert "成功数 调解成功率 平均满意度" in rules["ranking_criteria"]
    assert "县级调委会 3" in rules["staffing_standard"]
    assert "镇（街道）调委会 2" in rules["staffing_standard"]
    assert "一级 二级 三级 四级" in rules["grading_levels"]
    assert "默认值" in rules["term_years"]
    assert not any("{" in row or "[" in row for row in rules.values())  # no JSON


def test_the_rules_page_says_where_each_rule_comes_from(login, world):
    a = world["a"]
    with jurisdiction(a["city"].prefix):
        services.set_policy(a["city_bureau"], "training_min_sessions", 4)
        services.set_policy(a["county_bureau"], "term_years", 5)
    rules = _rules(login(a["county_user"]).get(f"/bureaus/{a['county_bureau'].pk}/"))
    assert "调解员每年至少参加 4 次培训" in rules["training_min_sessions"]
    assert "继承自 绍兴市司法局" in rules["training_min_sessions"]
    assert "调委会每届任期 5 年" in rules["term_years"] and "本局设置" in rules["term_years"]
    assert "默认值" in rules["callback_rate"]


def test_only_the_bureaus_own_admin_sees_edit_links(login, world):
    a = world["a"]
    edit = f"/bureaus/{a['county_bureau'].pk}/rules/"
    assert (
        edit in login(a["county_admin"]).get(f"/bureaus/{a['county_bureau'].pk}/").content.decode()
    )
    for user in (a["admin_user"], a["county_user"]):
        body = login(user).get(f"/bureaus/{a['county_bureau'].pk}/").content.decode()
        assert edit not in body


def test_the_bureau_page_runs_the_same_queries_however_many_rules_are_set(login, world):
    a = world["a"]
    client = login(a["county_admin"])
    url = f"/bureaus/{a['county_bureau'].pk}/"
    client.get(url)  # warm the session

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    with jurisdiction(a["city"].prefix):
        for key, value in [("training_min_sessions", 4), ("callback_rate", 0.2)]:
            services.set_policy(a["city_bureau"], key, value)
            services.set_policy(a["county_bureau"], key, value)
        services.set_policy(a["county_bureau"], "grading_levels", ["甲", "乙"])
        services.clear_policy(a["county_bureau"], "callback_rate")
    assert count() == before


# --- Editing ---------------------------------------------------------------------------


def test_a_percentage_is_typed_as_percent_and_stored_as_the_share(login, world):
    bureau = world["a"]["county_bureau"]
    client = login(world["a"]["county_admin"])
    form = client.get(_edit_url(bureau, "callback_rate")).context["form"]
    assert form["rate"].value() == "15"
    response = client.post(_edit_url(bureau, "callback_rate"), {"rate": "12.5"})
    assert response.status_code == 302
    assert response["Location"].endswith("#rules")
    assert _stored(bureau, "callback_rate") == 0.125


def test_levels_are_rows_that_are_added_reordered_and_removed(login, world):
    bureau = world["a"]["county_bureau"]
    client = login(world["a"]["county_admin"])
    html = client.get(_edit_url(bureau, "grading_levels")).content.decode()
    assert html.count('name="levels"') == 6  # four levels and two empty rows
    response = client.post(
        _edit_url(bureau, "grading_levels"), {"levels": ["特级", "", "一级", " 二级 ", "", ""]}
    )
    assert response.status_code == 302
    assert _stored(bureau, "grading_levels") == ["特级", "一级", "二级"]


def test_ranking_criteria_are_chosen_and_ordered(login, world):
    bureau = world["a"]["county_bureau"]
    client = login(world["a"]["county_admin"])
    response = client.post(
        _edit_url(bureau, "ranking_criteria"), {"criteria": ["cases", "", "satisfaction", ""]}
    )
    assert response.status_code == 302
    assert _stored(bureau, "ranking_criteria") == ["cases", "satisfaction"]
    rules = _rules(client.get(f"/bureaus/{bureau.pk}/"))
    assert "已结案件数 平均满意度" in rules["ranking_criteria"]


def test_the_staffing_standard_is_a_table_of_committee_types(login, world):
    bureau = world["a"]["county_bureau"]
    client = login(world["a"]["county_admin"])
    html = client.get(_edit_url(bureau, "staffing_standard")).content.decode()
    assert "县级调委会" in html and 'name="standard-county"' in html
    data = _submitted(html)
    data["standard-county"] = ["5"]
    response = client.post(_edit_url(bureau, "staffing_standard"), data)
    assert response.status_code == 302
    assert _stored(bureau, "staffing_standard") == {
        **policy.get_key("staffing_standard").default,
        "county": 5,
    }


def _staffing(**cells):
    default = policy.get_key("staffing_standard").default
    return {f"standard-{k}": str(cells.get(k, v)) for k, v in default.items()}


@pytest.mark.parametrize(
    ("key", "data", "field", "message"),
    [
        ("training_min_sessions", {"sessions": "-1"}, "sessions", "不能小于 1"),
        ("training_min_sessions", {"sessions": "两次"}, "sessions", "整数"),
        ("callback_rate", {"rate": "150"}, "rate", "不能大于 100%"),
        ("callback_rate", {"rate": "12.55"}, "rate", "最多保留 1 位小数"),
        ("grading_levels", {"levels": ["一级", "二级", "一级"]}, "levels", "“一级”重复"),
        ("grading_levels", {"levels": ["", "", ""]}, "levels", "必填"),
        ("fulltime_subsidy_monthly", {"amount": "2500.125"}, "amount", "两位小数"),
        ("fulltime_subsidy_monthly", {"amount": "-1"}, "amount", "不能小于 ¥0.00"),
        ("staffing_standard", _staffing(county="-2"), "standard", "县级调委会：不能小于 0"),
        ("staffing_standard", _staffing(village=""), "standard", "村（社区）调委会：此项为必填项"),
        ("ranking_criteria", {"criteria": ["cases", "cases"]}, "criteria", "被重复选择"),
        ("zero_report_deadline_day", {"day": "31"}, "day", "不能大于 28"),
    ],
)
def test_bad_input_is_a_chinese_error_beside_the_field_and_nothing_is_written(
    login, world, key, data, field, message
):
    bureau = world["a"]["county_bureau"]
    response = login(world["a"]["county_admin"]).post(_edit_url(bureau, key), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    html = response.content.decode()
    assert re.search(f'data-field="{field}">[^<]*{re.escape(message)}', html)
    assert _stored(bureau, key) is None
    for values in data.values():  # the input is kept
        for value in values if isinstance(values, list) else [values]:
            assert not value or f'value="{value}"' in html


def test_staff_and_other_bureaus_admins_may_not_edit_rules(login, world):
    a, b = world["a"], world["b"]
    url = _edit_url(a["county_bureau"], "term_years")
    assert login(a["county_user"]).post(url, {"years": "4"}).status_code == 403
    # The city's admin sees the county but does not set its rules.
    assert login(a["admin_user"]).post(url, {"years": "4"}).status_code == 403
    # Another city's admin does not even see it.
    assert login(b["admin_user"]).get(url).status_code == 404
    assert login(b["admin_user"]).post(url, {"years": "4"}).status_code == 404
    assert _stored(a["county_bureau"], "term_years") is None


def test_an_unknown_rule_is_404(login, world):
    url = _edit_url(world["a"]["county_bureau"], "no_such_rule")
    assert login(world["a"]["county_admin"]).get(url).status_code == 404


def test_clearing_returns_to_the_city_rule_and_every_change_is_in_the_history(login, world):
    a = world["a"]
    with jurisdiction(a["city"].prefix):
        services.set_policy(a["city_bureau"], "term_years", 4)
    client = login(a["county_admin"])
    url = _edit_url(a["county_bureau"], "term_years")
    assert "使用继承值" not in client.get(url).content.decode()  # nothing to clear yet
    client.post(url, {"years": "5"})
    client.post(url, {"years": "6"})
    assert "使用继承值" in client.get(url).content.decode()
    assert client.post(url, {"clear": "1"}).status_code == 302
    assert policy.resolve(a["county_bureau"], "term_years") == (4, a["city_bureau"])
    page = client.get(f"/bureaus/{a['county_bureau'].pk}/")
    rule = "越城区司法局 · 调委会任期（年）"
    entries = [e for e in page.context["history"] if e.summary == rule]
    assert [e.action for e in entries] == ["delete", "update", "create"]
    assert {e.actor for e in entries} == {"a_cadmin"}
    # The value reads as the rules page says it, and no timestamp noise comes with it.
    [change] = entries[1].changes
    assert (change.old, change.new) == (5, 6)
    assert "5" in change.old_display and "6" in change.new_display and "年" in change.new_display
    # The city's own rule is on the city's page, not the county's.
    assert len(entries) == 3


# --- A new rule: every field kind, declared once ---------------------------------------


def _no_level_asks_less_than_the_one_below(values):
    cases = values["cases_by_level"]
    for higher, lower in zip(list(cases)[:-1], list(cases)[1:], strict=True):
        if cases[higher] < cases[lower]:
            raise ValidationError(
                {"cases_by_level": "A higher level may not ask fewer cases than a lower one."}
            )


@pytest.fixture
def throwaway_rule():
    spec = policy.register(
        "throwaway_rule",
        label="试用规则",
        help_text="只在测试中存在。",
        fields={
            "count": Whole("次数", min_value=0, max_value=9),
            "factor": Number("倍数", min_value=1, max_value=5),
            "share": Percent("比例"),
            "amount": Money("金额"),
            "since": Date("起始日期"),
            "active": Flag("启用", yes="启用", no="停用"),
            "period": Choice("周期", choices=[("month", "每月"), ("quarter", "每季度")]),
            "levels": Names("等级"),
            "order": Ranked("顺序", choices=[("a", "甲"), ("b", "乙"), ("c", "丙")]),
            "cases_by_level": Mapping(
                "各级案件数",
                keys=[("one", "一级"), ("two", "二级")],
                key_label="等级",
                values=Whole("案件数", min_value=0),
                missing=None,
            ),
        },
        default={
            "count": 2,
            "factor": 1.5,
            "share": 0.25,
            "amount": "1234.50",
            "since": "2026-01-01",
            "active": True,
            "period": "quarter",
            "levels": ["甲级", "乙级"],
            "order": ["b", "a"],
            "cases_by_level": {"one": 20, "two": 10},
        },
        sentence="%(period)s检查：%(count)s 次，%(factor)s 倍，%(share)s，%(amount)s，"
        "自 %(since)s 起%(active)s；%(levels)s%(order)s%(cases_by_level)s",
        clean=_no_level_asks_less_than_the_one_below,
    )
    yield spec
    del policy.REGISTRY["throwaway_rule"]


def test_a_new_rule_with_every_field_kind_renders_and_edits(login, world, throwaway_rule):
    bureau = world["a"]["county_bureau"]
    client = login(world["a"]["county_admin"])
    rules = _rules(client.get(f"/bureaus/{bureau.pk}/"))
    assert (
        "每季度检查：2 次，1.5 倍，25%，¥1,234.50，自 2026-01-01 起启用； "
        "甲级 乙级 乙 甲 等级 案件数 一级 20 二级 10" in rules["throwaway_rule"]
    )
    page = client.get(_edit_url(bureau, "throwaway_rule"))
    form = page.context["form"]
    assert list(form.fields) == list(throwaway_rule.fields)
    assert [form[name].label for name in form.fields][:3] == ["次数", "倍数", "比例"]
    data = _submitted(page.content.decode())
    assert data["share"] == ["25"] and data["amount"] == ["1234.50"] and data["active"] == ["on"]
    data.update(share=["40"], active=[], levels=["甲级", "乙级", "丙级", ""], order=["c", "", ""])
    response = client.post(_edit_url(bureau, "throwaway_rule"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert _stored(bureau, "throwaway_rule") == {
        **throwaway_rule.default,
        "share": 0.4,
        "active": False,
        "levels": ["甲级", "乙级", "丙级"],
        "order": ["c"],
    }
    rules = _rules(client.get(f"/bureaus/{bureau.pk}/"))
    assert "40%" in rules["throwaway_rule"] and "停用" in rules["throwaway_rule"]


def test_a_rule_level_check_puts_its_message_beside_the_field(login, world, throwaway_rule):
    bureau = world["a"]["county_bureau"]
    client = login(world["a"]["county_admin"])
    data = _submitted(client.get(_edit_url(bureau, "throwaway_rule")).content.decode())
    data.update({"cases_by_level-one": ["5"], "cases_by_level-two": ["10"]})
    response = client.post(_edit_url(bureau, "throwaway_rule"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["cases_by_level"] == [
        "A higher level may not ask fewer cases than a lower one."
    ]
    assert _stored(bureau, "throwaway_rule") is None


def test_a_new_rules_value_is_validated_the_same_way_through_the_api(world, throwaway_rule):
    api = APIClient()
    api.force_authenticate(world["a"]["county_admin"])
    bureau = world["a"]["county_bureau"]
    bad = {
        **throwaway_rule.default,
        "count": -1,
        "amount": "1.005",
        "levels": ["甲级", ""],
        "since": "26/1/1",
    }
    response = api.post(
        "/api/v1/policies/",
        {"bureau": bureau.pk, "key": "throwaway_rule", "value": bad},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    errors = response.json()["value"]
    assert set(errors) == {"count", "amount", "levels", "since"}
    assert errors["count"] == ["不能小于 0。"]
    assert errors["levels"] == ["第 2 个名称为空。"]
    response = api.post(
        "/api/v1/policies/",
        {
            "bureau": bureau.pk,
            "key": "throwaway_rule",
            "value": {**throwaway_rule.default, "cases_by_level": {"one": 1, "two": 2}},
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["value"]) == ["cases_by_level"]
    assert _stored(bureau, "throwaway_rule") is None
    response = api.post(
        "/api/v1/policies/",
        {"bureau": bureau.pk, "key": "throwaway_rule", "value": throwaway_rule.default},
        format="json",
    )
    assert response.status_code == 201, response.json()


# --- The API ---------------------------------------------------------------------------


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["a"]["county_admin"])
    return client


def _post(api, bureau, key, value):
    return api.post(
        "/api/v1/policies/",
        {"bureau": bureau.pk, "key": key, "value": value},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("callback_rate", 1.5, "rate"),
        ("callback_rate", "0.1", "rate"),
        ("training_min_sessions", -3, "sessions"),
        ("training_min_sessions", True, "sessions"),
        ("grading_levels", ["一级", "一级"], "levels"),
        ("grading_levels", [], "levels"),
        ("fulltime_subsidy_monthly", "2500.001", "amount"),
        ("fulltime_subsidy_monthly", "1e400", "amount"),
        ("staffing_standard", {"county": -1}, "standard"),
        ("staffing_standard", {"spaceship": 1}, "standard"),
        ("ranking_criteria", ["cases", "luck"], "criteria"),
        ("roster_full_time_only", "yes", "full_time_only"),
    ],
)
def test_the_api_returns_errors_keyed_by_the_declared_field(api, world, key, value, field):
    bureau = world["a"]["county_bureau"]
    response = _post(api, bureau, key, value)
    assert response.status_code == 400
    errors = response.json()["value"]
    assert list(errors) == [field]
    assert CJK.search(errors[field][0]), errors
    assert _stored(bureau, key) is None


def test_the_api_stores_the_value_normalised(api, world):
    bureau = world["a"]["county_bureau"]
    response = _post(api, bureau, "staffing_standard", {"township": 1})
    assert response.status_code == 201
    assert response.json()["value"] == {**dict.fromkeys(response.json()["value"], 0), "township": 1}
    response = _post(api, bureau, "fulltime_subsidy_monthly", 2600)
    assert response.json()["value"] == "2600.00"


def test_the_api_refuses_rules_of_another_bureau(world):
    a, b = world["a"], world["b"]
    api = APIClient()
    api.force_authenticate(a["admin_user"])  # the city's admin, the county in view
    response = _post(api, a["county_bureau"], "term_years", 4)
    assert response.status_code == 403
    api.force_authenticate(b["admin_user"])
    response = _post(api, a["county_bureau"], "term_years", 4)
    assert response.status_code == 400 and "bureau" in response.json()
    with all_regions():
        row = Policy.objects.create(
            bureau=a["county_bureau"], region=a["county"], key="term_years", value=4
        )
    response = api.patch(f"/api/v1/policies/{row.pk}/", {"value": 9}, format="json")
    assert response.status_code == 404
    api.force_authenticate(a["county_user"])
    response = api.patch(f"/api/v1/policies/{row.pk}/", {"value": 9}, format="json")
    assert response.status_code == 403
    assert _stored(a["county_bureau"], "term_years") == 4


def test_a_rules_key_does_not_change_through_the_api(api, world):
    bureau = world["a"]["county_bureau"]
    row_id = _post(api, bureau, "term_years", 4).json()["id"]
    response = api.patch(f"/api/v1/policies/{row_id}/", {"key": "term_warning_days"}, format="json")
    assert response.status_code == 400 and "key" in response.json()
    response = api.patch(f"/api/v1/policies/{row_id}/", {"value": 5}, format="json")
    assert response.status_code == 200 and response.json()["value"] == 5


def test_the_api_schema_describes_each_rules_value(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    value = schema["components"]["schemas"]["Policy"]["properties"]["value"]
    shapes = {shape["title"]: shape for shape in value["anyOf"]}
    assert set(shapes) == set(policy.REGISTRY)
    rate = shapes["callback_rate"]
    assert (rate["type"], rate["minimum"], rate["maximum"]) == ("number", 0.0, 1.0)
    assert rate["example"] == 0.15 and "0.15 is 15 %" in rate["description"]
    assert shapes["staffing_standard"]["properties"]["county"]["minimum"] == 0
    assert shapes["ranking_criteria"]["items"]["enum"] == [
        "successes",
        "success_rate",
        "satisfaction",
        "cases",
    ]
