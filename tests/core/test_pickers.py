"""Pickers (core.pickers): committees, mediators, offices and regions are chosen by what
a clerk knows of them, inside the jurisdiction, never by a database id. The endpoint
answers a small JSON list in a constant number of queries; form fields and filters
resolve a name, a record code or an option's label, and anything that names nothing,
several things or something outside the jurisdiction is a field error."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pickers
from core.picker_fields import PickerField, PickerMultipleField
from core.tenancy import all_regions, jurisdiction
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    JudicialOfficeFactory,
    MediatorFactory,
    RegionFactory,
    make_case,
)


def _committee(unit, name, code, region=None):
    with all_regions():
        return CommitteeFactory(
            code=code, name=name, region=region or unit["village"], office=unit["office"]
        )


def _mediator(unit, name, committee=None, **fields):
    with all_regions():
        mediator = MediatorFactory(region=unit["township"], name=name, **fields)
        if committee is not None:
            AppointmentFactory(mediator=mediator, committee=committee)
        return mediator


@pytest.fixture
def roster(world):
    """In 越城区 (a): two committees and two 张伟 in different committees, one 李娜;
    in 上城区 (b), another city: a committee and a 张伟 of its own."""
    a, b = world["a"], world["b"]
    tashan = _committee(a, "a村人民调解委员会", "YC-TS-01")
    fushan = _committee(a, "府山街道人民调解委员会", "YC-FS-01", region=a["township"])
    foreign = _committee(b, "湖滨人民调解委员会", "SC-HB-01")
    zhang_tashan = _mediator(a, "张伟", tashan)
    with all_regions():
        case = make_case(tashan, zhang_tashan)
    return {
        "case": case,
        "tashan": tashan,
        "fushan": fushan,
        "foreign": foreign,
        "zhang_tashan": zhang_tashan,
        "zhang_fushan": _mediator(a, "张伟", fushan),
        "li": _mediator(a, "李娜", tashan),
        "zhang_foreign": _mediator(b, "张伟", foreign),
    }


def _pick(client, kind, **params):
    response = client.get(f"/pick/{kind}/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["label"] for row in response.json()["results"]]


# --- The endpoint ------------------------------------------------------------------------


def test_each_bureau_picks_only_from_its_own_jurisdiction(login, world, roster):
    a = login(world["a"]["county_user"])
    assert _pick(a, "mediator", q="张伟") == [
        "张伟 · a村人民调解委员会",
        "张伟 · 府山街道人民调解委员会",
    ]
    assert "湖滨人民调解委员会 · b村" not in _pick(a, "committee", q="人民调解委员会")
    b = login(world["b"]["county_user"])
    assert _pick(b, "mediator", q="张伟") == ["张伟 · 湖滨人民调解委员会"]
    assert _pick(b, "committee", q="人民调解委员会") == ["湖滨人民调解委员会 · b村"]
    assert _pick(b, "committee", q="YC-") == []
    assert _pick(b, "region", q="a村") == []


def test_a_clerk_picks_only_inside_their_township(login, world, roster):
    with all_regions():
        other = RegionFactory(code="330602002000", name="a二镇", parent=world["a"]["county"])
        elsewhere = _committee(world["a"], "a二镇人民调解委员会", "YC-E-01", region=other)
    clerk = login(world["a"]["clerk_user"])
    labels = _pick(clerk, "committee", q="人民调解委员会")
    assert labels == ["府山街道人民调解委员会 · a镇", "a村人民调解委员会 · a镇"]
    assert elsewhere.name not in "".join(labels)
    assert _pick(clerk, "region", parent=world["a"]["county"].code) == []
    assert _pick(clerk, "region", parent=world["a"]["township"].code) == ["a村 · a镇"]


def test_the_endpoint_needs_a_login_and_answers_no_database_ids(client, world, roster):
    assert client.get("/pick/committee/")["Location"].startswith("/login/")
    client.force_login(world["a"]["county_user"])
    body = client.get("/pick/mediator/", {"q": "张伟"}).json()
    for row in body["results"]:
        assert set(row) == {"value", "label"}
        assert str(roster["zhang_tashan"].pk) not in row["value"]


def test_committees_are_found_by_record_code_and_mediators_by_committee(login, world, roster):
    client = login(world["a"]["county_user"])
    assert _pick(client, "committee", q="yc-fs") == ["府山街道人民调解委员会 · a镇"]
    assert _pick(client, "mediator", q="府山") == ["张伟 · 府山街道人民调解委员会"]
    # The case form's mediator picker: those serving in the committee chosen beside it.
    assert _pick(client, "mediator", committee="YC-TS-01") == [
        "张伟 · a村人民调解委员会",
        "李娜 · a村人民调解委员会",
    ]


def test_the_region_endpoint_gives_the_cascade_its_codes_and_names(login, world):
    client = login(world["a"]["county_user"])
    rows = client.get("/pick/region/", {"parent": world["a"]["county"].code}).json()["results"]
    assert [(r["code"], r["name"]) for r in rows] == [(world["a"]["township"].code, "a镇")]
    # Another county's children are not there to list.
    assert client.get("/pick/region/", {"parent": world["a2"]["county"].code}).json() == {
        "results": []
    }


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["committee", "mediator", "region", "office"])
def test_the_endpoint_runs_the_same_queries_for_5_and_50_matches(login, world, kind):
    a = world["a"]
    numbers = iter(range(100, 200))

    def add(count):
        """*count* townships, each with its office, a village, a committee there and
        a mediator serving in it."""
        with all_regions():
            for _ in range(count):
                n = next(numbers)
                township = RegionFactory(
                    code=f"330602{n}000", name=f"批量{n}镇", parent=a["county"]
                )
                JudicialOfficeFactory(region=township, bureau=a["county_bureau"])
                village = RegionFactory(code=f"330602{n}001", name=f"批量{n}村", parent=township)
                committee = CommitteeFactory(region=village, name=f"批量{n}村调委会")
                mediator = MediatorFactory(region=township, name=f"批量调解员{n}")
                AppointmentFactory(mediator=mediator, committee=committee)

    client = login(a["county_user"])
    url = f"/pick/{kind}/?q=批量&limit=50"
    add(5)
    client.get(url)
    few = _queries(client, url)
    assert len(client.get(url).json()["results"]) >= 5
    add(45)
    assert len(client.get(url).json()["results"]) == 50
    assert _queries(client, url) == few


# --- Labels ----------------------------------------------------------------------------


def test_two_namesakes_in_one_committee_are_told_apart_by_their_masked_id(world, roster):
    twin = _mediator(world["a"], "张伟", roster["tashan"])
    picker = pickers.get("mediator")
    with jurisdiction("330602"):
        labels = [row["label"] for row in picker.options("张伟")]
    assert "张伟 · 府山街道人民调解委员会" in labels
    assert f"张伟 · a村人民调解委员会 · {twin.id_number_masked}" in labels
    assert len(set(labels)) == 3


def test_a_mediator_without_a_post_is_labelled_with_their_keeping_unit(world):
    _mediator(world["a"], "王芳")
    with jurisdiction("330602"):
        assert pickers.get("mediator").options("王芳")[0]["label"] == "王芳 · a镇"


# --- Resolving what was typed -------------------------------------------------------------


def _resolve(kind, text, prefix="330602"):
    with jurisdiction(prefix):
        return pickers.get(kind).resolve(text)


def test_a_committee_is_resolved_by_name_code_or_label(world, roster):
    for text in ("a村人民调解委员会", "yc-ts-01", "a村人民调解委员会 · a镇", "a村人民"):
        assert _resolve("committee", text) == roster["tashan"], text


def test_a_mediator_is_resolved_by_label_or_id_card_number(world, roster):
    assert _resolve("mediator", "张伟 · 府山街道人民调解委员会") == roster["zhang_fushan"]
    assert _resolve("mediator", "张伟·府山街道人民调解委员会") == roster["zhang_fushan"]
    assert _resolve("mediator", roster["li"].id_number) == roster["li"]
    assert _resolve("mediator", "李") == roster["li"]  # a unique part of a name


def test_a_region_is_resolved_by_name_label_or_division_code(world):
    village = world["a"]["village"]
    for text in ("a村", "a村 · a镇", "a村·a镇", village.code):
        assert _resolve("region", text) == village, text


def test_an_ambiguous_name_lists_the_candidates_to_type(world, roster):
    with pytest.raises(forms.ValidationError) as caught:
        _resolve("mediator", "张伟")
    assert caught.value.code == "ambiguous"
    message = caught.value.messages[0]
    assert "“张伟 · a村人民调解委员会”" in message
    assert "“张伟 · 府山街道人民调解委员会”" in message
    assert "湖滨" not in message


@pytest.mark.parametrize(
    "kind, text",
    [
        ("committee", "湖滨人民调解委员会"),  # another city's
        ("committee", "SC-HB-01"),
        ("mediator", "张伟 · 湖滨人民调解委员会"),
        ("region", "b村"),
        ("region", "330102001001"),
        ("committee", "没有这个调委会"),
        ("region", "12345"),
        ("mediator", "<script>"),
    ],
)
def test_a_foreign_or_unknown_value_is_not_found(world, roster, kind, text):
    with pytest.raises(forms.ValidationError) as caught:
        _resolve(kind, text)
    assert caught.value.code == "invalid_choice"
    assert caught.value.messages == [str(pickers.get(kind).not_found)]


# --- Form fields -----------------------------------------------------------------------


class _Form(forms.Form):
    committee = PickerField("committee")
    mediators = PickerMultipleField("mediator", required=False)


def test_a_form_resolves_labels_and_shows_them_again_without_ids(world, roster):
    data = {
        "committee": "a村人民调解委员会 · a镇",
        "mediators": "李娜、张伟 · 府山街道人民调解委员会",
    }
    with jurisdiction("330602"):
        form = _Form(data)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["committee"] == roster["tashan"]
        assert form.cleaned_data["mediators"] == [roster["li"], roster["zhang_fushan"]]
        html = str(_Form(initial={"committee": roster["tashan"].pk})["committee"])
    assert 'value="a村人民调解委员会 · a镇"' in html
    assert 'data-picker="/pick/committee/"' in html
    assert f'value="{roster["tashan"].pk}"' not in html


def test_a_form_with_errors_keeps_what_was_typed(world, roster):
    with jurisdiction("330602"):
        form = _Form({"committee": "湖滨人民调解委员会", "mediators": "李娜，张伟"})
        assert not form.is_valid()
        html = str(form["committee"]) + str(form["mediators"])
    assert set(form.errors) == {"committee", "mediators"}
    assert "“张伟”" in form.errors["mediators"][0]
    assert 'value="湖滨人民调解委员会"' in html and 'value="李娜，张伟"' in html


# --- Filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, param, value",
    [
        ("/mediators/", "committee", "湖滨人民调解委员会"),  # another city's
        ("/mediators/", "committee", "没有这个调委会"),
        ("/cases/", "committee", "SC-HB-01"),
        ("/cases/", "region", "b村"),
        ("/committees/", "region", "330102001001"),
        ("/committees/", "office", "b镇司法所"),
    ],
)
def test_a_filter_that_names_nothing_is_an_error_and_lists_nothing(
    login, world, roster, url, param, value
):
    client = login(world["a"]["county_user"])
    assert client.get(url).context["paginator"].count > 0
    response = client.get(url, {param: value})
    assert response.status_code == 200
    assert param in response.context["filterset"].form.errors
    assert response.context["paginator"].count == 0
    assert "invalid-feedback" in response.content.decode()  # in the filter panel


def test_a_filter_takes_a_name_code_or_label(login, world, roster):
    client = login(world["a"]["county_user"])

    def names(**params):
        return sorted(m.name for m in client.get("/mediators/", params).context["object_list"])

    assert names(committee="府山街道人民调解委员会") == ["张伟"]
    assert names(committee="YC-TS-01") == sorted(["李娜", "张伟"])
    assert names(committee="a村人民调解委员会 · a镇") == sorted(["李娜", "张伟"])


def test_the_api_filter_takes_ids_too_and_refuses_what_names_nothing(login, world, roster):
    client = login(world["a"]["county_user"])
    by_id = client.get("/api/v1/mediators/", {"committee": roster["fushan"].pk}).json()
    by_code = client.get("/api/v1/mediators/", {"committee": "YC-FS-01"}).json()
    assert (
        [r["name"] for r in by_id["results"]] == [r["name"] for r in by_code["results"]] == ["张伟"]
    )
    refused = client.get("/api/v1/mediators/", {"committee": roster["foreign"].pk})
    assert refused.status_code == 400 and "committee" in refused.json()


def test_a_page_filter_does_not_take_a_database_id(login, world, roster):
    response = login(world["a"]["county_user"]).get(
        "/mediators/", {"committee": roster["fushan"].pk}
    )
    assert "committee" in response.context["filterset"].form.errors


def test_the_schema_says_what_a_picker_filter_accepts(login, world):
    schema = login(world["a"]["county_user"]).get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/mediators/"]["get"]["parameters"]
    committee = next(p for p in parameters if p["name"] == "committee")
    assert committee["schema"]["type"] == "string"
    assert "id" in committee["description"]


# --- The case form: mediators of the chosen committee first ---------------------------------


def test_a_name_shared_across_the_county_means_the_one_serving_in_the_committee(
    login, world, roster
):
    data = {
        "committee": "府山街道人民调解委员会",
        "received_on": "2025-03-10",
        "source": "application",
        "dispute_type": "neighbourhood",
        "summary": "邻里纠纷。",
        "difficulty": "ordinary",
        "amount": "0",
        "lead_mediator": "张伟",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-role": "applicant",
        "parties-0-name": "甲",
        "parties-1-role": "respondent",
        "parties-1-name": "乙",
    }
    response = login(world["a"]["county_user"]).post("/cases/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    with all_regions():
        case = roster["fushan"].cases.get()
    assert case.lead_mediator == roster["zhang_fushan"]


# --- The region cascade -------------------------------------------------------------------


def _selects(html):
    """Each select of a cascade: its name, its options' texts, and the chosen one."""
    found = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        options = re.findall(r"<option value=\"(\d*)\"( selected)?>([^<]*)</option>", body)
        found[name] = (
            [text for value, _s, text in options if value],
            next((text for _v, chosen, text in options if chosen), None),
        )
    return found


def test_a_clerks_cascade_starts_at_their_township(login, world):
    html = login(world["a"]["clerk_user"]).get("/committees/new/").content.decode()
    selects = _selects(html)
    assert "region-county" not in selects
    assert selects["region-township"] == (["a镇"], "a镇")
    assert selects["region-village"] == (["a村"], None)


def test_a_city_users_cascade_offers_the_citys_counties_only(login, world):
    html = login(world["a"]["admin_user"]).get("/committees/new/").content.decode()
    selects = _selects(html)
    assert selects["region-county"] == (["越城区", "柯桥区"], None)
    assert selects["region-township"] == ([], None)  # loaded once a county is chosen


def test_a_form_shows_a_chosen_region_again_in_the_cascade(login, world):
    data = {"code": "x", "region-village": world["a"]["village"].code}
    response = login(world["a"]["county_user"]).post("/committees/new/", data)
    selects = _selects(response.content.decode())
    assert selects["region-county"] == (["越城区"], "越城区")
    assert selects["region-township"] == (["a镇"], "a镇")
    assert selects["region-village"] == (["a村"], "a村")
