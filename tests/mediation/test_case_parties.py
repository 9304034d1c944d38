"""A case takes any number of parties, two at least. Without JavaScript the filing
page adds a row with its "添加当事人" button (a POST that shows the page again with
everything typed, files nothing) and leaves out rows ticked 删除; the script's way
is tested in tests/e2e/test_case_parties.py."""

import re

from django.urls import reverse

from core.tenancy import all_regions
from mediation.models import Case
from mediation.views.cases import ADD_PARTY
from tests.mediation.test_cases_pages import PARTY_ID, _count, _filing, post  # noqa: F401

URL = reverse("mediation:case_create")
TOO_FEW = "请至少填写两名当事人：纠纷至少涉及双方。"


def _rows(response):
    return response.context["parties"].forms


def _value(html, name):
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else None


def test_the_page_starts_with_two_party_rows(login, world):
    page = login(world["a"]["clerk_user"]).get(URL)
    assert len(_rows(page)) == 2
    html = page.content.decode()
    assert 'name="parties-TOTAL_FORMS" value="2"' in html
    assert html.count('name="parties-0-DELETE"') == 1  # each row may be left out
    assert "__prefix__" in html  # the empty row the script copies


def test_adding_a_party_keeps_everything_typed_and_files_nothing(login, world, post):  # noqa: F811
    client = login(world["a"]["clerk_user"])
    data = _filing(post, **{"parties-TOTAL_FORMS": "2", ADD_PARTY: "1", "summary": "院墙纠纷"})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert _count() == 0
    assert len(_rows(response)) == 3
    html = response.content.decode()
    assert 'name="parties-TOTAL_FORMS" value="3"' in html
    assert _value(html, "parties-0-name") == "张三"
    assert _value(html, "parties-0-id_number") == PARTY_ID
    assert _value(html, "parties-1-name") == "李四"
    assert _value(html, "parties-2-name") is None  # the new, empty row
    assert "院墙纠纷</textarea>" in html
    assert response.context["form"]["committee"].value() == post.committee.code
    # Nothing was checked: no error anywhere, though the new row is empty.
    assert "invalid-feedback" not in html and "is-invalid" not in html


def test_rows_added_one_by_one_are_all_filed(login, world, post):  # noqa: F811
    client = login(world["a"]["clerk_user"])
    data = _filing(post, **{"parties-TOTAL_FORMS": "2"})
    for index in (2, 3, 4):
        response = client.post(URL, {**data, ADD_PARTY: "1"})
        assert len(_rows(response)) == index + 1
        data.update(
            {
                "parties-TOTAL_FORMS": str(index + 1),
                f"parties-{index}-role": "other",
                f"parties-{index}-name": f"当事人{index}",
            }
        )
    assert client.post(URL, data).status_code == 302
    with all_regions():
        names = list(Case.objects.get().parties.order_by("pk").values_list("name", flat=True))
    assert names == ["张三", "李四", "当事人2", "当事人3", "当事人4"]


def test_a_row_ticked_delete_is_left_out(login, world, post):  # noqa: F811
    client = login(world["a"]["clerk_user"])
    data = _filing(
        post,
        **{
            "parties-TOTAL_FORMS": "3",
            "parties-1-DELETE": "on",
            "parties-2-role": "respondent",
            "parties-2-name": "王五",
        },
    )
    # Adding a row drops it from the page ...
    response = client.post(URL, {**data, ADD_PARTY: "1"})
    assert [_value(response.content.decode(), f"parties-{i}-name") for i in range(3)] == [
        "张三",
        "王五",
        None,
    ]
    # ... and filing leaves it out, even half filled in with a bad number.
    data["parties-1-id_number"] = "123"
    assert client.post(URL, data).status_code == 302
    with all_regions():
        names = list(Case.objects.get().parties.order_by("pk").values_list("name", flat=True))
    assert names == ["张三", "王五"]


def test_one_party_is_an_error_above_the_rows_and_nothing_is_written(login, world, post):  # noqa: F811
    client = login(world["a"]["clerk_user"])
    data = _filing(post, **{"parties-1-role": None, "parties-1-name": None, "summary": "只有一方"})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["parties"].non_form_errors() == [TOO_FEW]
    html = response.content.decode()
    assert re.search(
        r'class="alert alert-danger form-errors party-errors"[^>]*>\s*<div>' + TOO_FEW, html
    )
    assert "只有一方</textarea>" in html and _value(html, "parties-0-name") == "张三"
    assert _count() == 0


def test_two_rows_both_deleted_are_too_few(login, world, post):  # noqa: F811
    client = login(world["a"]["clerk_user"])
    data = _filing(post, **{"parties-0-DELETE": "on", "parties-1-DELETE": "on"})
    response = client.post(URL, data)
    assert response.context["parties"].non_form_errors() == [TOO_FEW]
    assert _count() == 0


def test_a_management_form_asking_for_endless_rows_is_refused(login, world, post):  # noqa: F811
    client = login(world["a"]["clerk_user"])
    response = client.post(URL, _filing(post, **{"parties-TOTAL_FORMS": "100000000"}))
    assert response.status_code == 200
    assert response.context["parties"].non_form_errors()
    assert _count() == 0
