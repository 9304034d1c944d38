"""Control characters and lone surrogates are refused with a field error in Chinese,
through every door: model forms, plain forms, filter forms, the public complaint
form, model serializers, plain serializers; long text keeps its line breaks, with
CR LF read as LF."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from complaints.models import Complaint
from core import validators
from core.models import JudicialOffice
from core.tenancy import all_regions
from tests.factories import FACTORIES, make_complaint, publish_roster

BELL = "\x07"
CONTROL_ERROR = "不可见的控制字符（U+0007）"


def _errors_of(response, form="form"):
    return response.context[form].errors


def test_every_text_and_date_field_of_every_project_model_carries_its_rule():
    project = {"core", "registry", "mediation", "publication", "complaints"}
    checked = 0
    for model in apps.get_models():
        if model._meta.app_label not in project:
            continue
        for field in model._meta.concrete_fields:
            if not field.editable:
                continue
            if isinstance(field, models.TextField):
                assert validators.multi_line in field.validators, field
            elif isinstance(field, models.CharField):
                assert validators.single_line in field.validators, field
            elif isinstance(field, models.DateField):
                assert validators.date_in_range in field.validators, field
            else:
                continue
            checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("value", "multiline", "refused"),
    [
        ("调解委员会", False, False),
        ("第一行\n第二行", False, True),
        ("第一行\n第二行\t完", True, False),
        ("名称" + BELL, True, True),
        ("\x00", True, True),
        ("\x1b[31m", False, True),
        ("\x85", False, True),  # C1 (NEXT LINE)
        ("\u200b零宽", False, False),  # a format character, not a control one
        ("\ud800", True, True),
    ],
)
def test_the_text_rule_refuses_control_characters_and_surrogates(value, multiline, refused):
    rule = validators.PlainTextValidator(multiline=multiline)
    if refused:
        with pytest.raises(ValidationError):
            rule(value)
    else:
        rule(value)


def test_a_model_form_refuses_a_control_character_beside_the_field(login, world):
    client = login(world["a"]["county_admin"])
    office = world["a"]["office"]
    response = client.post(
        f"/offices/{office.pk}/edit/",
        {"bureau": office.bureau_id, "region": office.region_id, "name": "新" + BELL},
    )
    assert response.status_code == 200
    assert CONTROL_ERROR in _errors_of(response)["name"][0]
    with all_regions():
        assert JudicialOffice.objects.get(pk=office.pk).name == office.name


def test_a_plain_form_refuses_a_control_character(login, world):
    """The window complaint form is a plain Form: its name box has no model field."""
    with all_regions():
        mediator = FACTORIES[_model("Appointment")](world, "a").mediator
    client = login(world["a"]["clerk_user"])
    response = client.post(
        "/complaints/new/",
        {
            "mediator": mediator.name,
            "name": "张" + BELL + "三",
            "phone": "13800001111",
            "description": "态度恶劣。",
            "received_on": "2025-03-01",
        },
    )
    assert response.status_code == 200
    assert CONTROL_ERROR in _errors_of(response)["name"][0]
    with all_regions():
        assert not Complaint.objects.exists()


def test_long_text_keeps_line_breaks_and_reads_cr_lf_as_lf(login, world):
    with all_regions():
        mediator = FACTORIES[_model("Appointment")](world, "a").mediator
    client = login(world["a"]["clerk_user"])
    response = client.post(
        "/complaints/new/",
        {
            "mediator": mediator.name,
            "name": "张三",
            "phone": "13800001111",
            "description": "第一行\r\n第二行\r\n\t第三行",
            "received_on": "2025-03-01",
        },
    )
    # Filed: the receipt is a redirect away (post/redirect/get).
    assert response.status_code == 303, response.context and response.context["form"].errors
    with all_regions():
        assert Complaint.objects.get().description == "第一行\n第二行\n\t第三行"


def test_the_public_complaint_form_refuses_control_characters(client, world):
    with all_regions():
        mediator = FACTORIES[_model("Appointment")](world, "a").mediator
    publish_roster(world["a"]["county_bureau"])
    response = client.post(
        "/public/complaints/new/",
        {
            "bureau": world["a"]["county_bureau"].region_id,
            "mediator": str(mediator.pk),
            "name": "李四" + BELL,
            "phone": "13800001111",
            "description": "描述\x1b",
        },
    )
    assert response.status_code == 200
    errors = _errors_of(response)
    assert CONTROL_ERROR in errors["name"][0]
    assert "U+001B" in errors["description"][0]


def test_a_filter_refuses_a_control_character_and_the_page_still_answers(login, world):
    client = login(world["a"]["county_user"])
    response = client.get("/mediators/", {"q": "王" + BELL})
    assert response.status_code == 200
    assert CONTROL_ERROR in response.context["filterset"].form.errors["q"][0]


def test_the_public_roster_search_drops_a_control_character(client, world):
    with all_regions():
        FACTORIES[_model("Appointment")](world, "a")
    publish_roster(world["a"]["county_bureau"])
    response = client.get(
        f"/public/{world['a']['county_bureau'].region_id}/", {"name": "调解" + BELL}
    )
    assert response.status_code == 200
    assert CONTROL_ERROR.encode() in response.content


def _json(client, method, url, body):
    # json.dumps escapes a lone surrogate as \ud800, as a hostile client would send it.
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_model_serializer_refuses_control_characters_and_surrogates(login, world):
    client = login(world["a"]["county_admin"])
    office = world["a"]["office"]
    for value, expected in (("新" + BELL, CONTROL_ERROR), ("新\ud800", "U+D800")):
        response = _json(client, "patch", f"/api/v1/offices/{office.pk}/", {"name": value})
        assert response.status_code == 400
        assert any(expected in message for message in response.json()["name"])
    with all_regions():
        assert JudicialOffice.objects.get(pk=office.pk).name == office.name


def test_a_plain_serializer_refuses_a_control_character(login, world):
    with all_regions():
        mediator = FACTORIES[_model("Appointment")](world, "a").mediator
    complaint, _code = make_complaint(mediator=mediator)
    client = login(world["a"]["county_user"])
    url = f"/api/v1/complaints/{complaint.pk}/"
    response = _json(client, "post", url + "answer/", {"answer": "答复" + BELL})
    assert response.status_code == 400
    assert CONTROL_ERROR in response.json()["answer"][0]


def test_a_long_text_body_reads_cr_lf_as_lf(login, world):
    with all_regions():
        mediator = FACTORIES[_model("Appointment")](world, "a").mediator
    client = login(world["a"]["county_user"])
    response = _json(
        client,
        "post",
        "/api/v1/complaints/",
        {
            "mediator": mediator.pk,
            "complainant_name": "王五",
            "complainant_phone": "13800001111",
            "description": "一\r\n二\r三",
        },
    )
    assert response.status_code == 201, response.content
    with all_regions():
        assert Complaint.objects.get().description == "一\n二\n三"


def test_a_lone_surrogate_in_a_choice_field_is_a_field_error_not_a_500(login, world):
    with all_regions():
        mediator = FACTORIES[_model("Mediator")](world, "a")
    client = login(world["a"]["county_user"])
    response = _json(
        client, "post", f"/api/v1/mediators/{mediator.pk}/reveal/", {"field": "\ud800"}
    )
    assert response.status_code == 400
    assert "\ufffd" in response.json()["field"][0]


def _model(name):
    return apps.get_model("registry", name)


def test_a_control_character_in_a_path_is_a_404_before_any_query(login, world):
    """PostgreSQL refuses a NUL in a text parameter with an error: a region code or a
    committee code taken from the path must not reach it."""
    client = login(world["a"]["county_admin"])
    api = client.get("/api/v1/regions/%00/")
    assert api.status_code == 404
    assert api.json()["detail"]
    assert client.get("/public/330602000000/committees/%00/").status_code == 404
    assert client.get("/regions/%1b/").status_code == 404


def test_an_unrouted_api_url_answers_json(login, world):
    client = login(world["a"]["county_user"])
    response = client.get("/api/v1/cases/0.5/")
    assert response.status_code == 404
    assert response.json()["detail"]
