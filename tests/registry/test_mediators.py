"""Mediator pages: list with masked numbers and the shared filters, the record with
the whole career, create and edit (the ID number rules, photo upload, numbers kept
out of the edit page)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.personal import id_check_char, make_id_number
from core.tenancy import all_regions
from registry.models import ExitReason, Mediator, MediatorStatus
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

BORN = datetime.date(1980, 5, 17)
NEW_ID = make_id_number("330602", BORN, 7, "F")


@pytest.fixture
def committee(world):
    with all_regions():
        return CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])


@pytest.fixture
def mediator(world, committee):
    with all_regions():
        mediator = MediatorFactory(
            region=world["a"]["township"], bank_account="6222021234567890123", level=2
        )
        AppointmentFactory(mediator=mediator, committee=committee, full_time=True)
        return mediator


def _png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _form(world, **overrides):
    data = {
        "name": "王芳",
        "region": world["a"]["township"].code,
        "id_number": NEW_ID,
        "phone": "13800138000",
        "education": "college",
        "political_status": "cpc",
        "background": "teacher",
        "expertise": ["marriage_family"],
        "status": MediatorStatus.ACTIVE,
        "bank_name": "农业银行",
        "bank_account": "6228480402564890018",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _count():
    with all_regions():
        return Mediator.objects.count()


def _names(response):
    assert response.status_code == 200
    return [m.name for m in response.context["object_list"]]


def test_the_list_shows_masked_phone_committee_full_time_level_and_status(
    login, world, mediator, committee
):
    response = login(world["a"]["county_user"]).get("/mediators/")
    body = response.content.decode()
    assert mediator.name in body and committee.name in body
    assert mediator.phone_masked in body and mediator.phone not in body
    assert mediator.id_number not in body and mediator.bank_account not in body
    row = response.context["object_list"][0]
    assert [post.full_time for post in row.current_posts] == [True]
    assert row.get_level_display() in body and row.get_status_display() in body


def test_the_list_uses_the_mediator_filterset(login, world, mediator, committee):
    with all_regions():
        other = MediatorFactory(name="兼职甲", region=world["a"]["township"], volunteer=True)
    client = login(world["a"]["county_user"])
    assert _names(client.get("/mediators/?full_time=true")) == [mediator.name]
    assert _names(client.get("/mediators/?full_time=false")) == ["兼职甲"]
    assert _names(client.get(f"/mediators/?committee={committee.code}")) == [mediator.name]
    assert _names(client.get("/mediators/?committee_kind=village")) == [mediator.name]
    assert _names(client.get("/mediators/?volunteer=true")) == ["兼职甲"]
    assert _names(client.get("/mediators/?level=2")) == [mediator.name]
    assert _names(client.get("/mediators/?q=兼职")) == ["兼职甲"]
    # Exact look-ups by number go through the keyed hash, spaces and case aside.
    spaced = other.id_number[:6] + " " + other.id_number[6:]
    assert _names(client.get("/mediators/", {"id_number": spaced})) == ["兼职甲"]
    assert _names(client.get("/mediators/", {"phone": mediator.phone})) == [mediator.name]
    assert _names(client.get("/mediators/", {"phone": mediator.phone[:7]})) == []


def test_the_list_sorts_and_keeps_filters_in_sort_links(login, world, mediator):
    with all_regions():
        MediatorFactory(name="阿一", region=world["a"]["village"])
    client = login(world["a"]["county_user"])
    assert _names(client.get("/mediators/?sort=-region")) == ["阿一", mediator.name]
    assert _names(client.get("/mediators/?sort=region")) == [mediator.name, "阿一"]
    assert (
        "?status=active&amp;sort=name" in client.get("/mediators/?status=active").content.decode()
    )


def test_the_record_masks_numbers_and_shows_the_whole_career(login, world, mediator, committee):
    with all_regions():
        old = CommitteeFactory(region=world["a"]["village"], name="旧村调委会")
        AppointmentFactory(
            mediator=mediator,
            committee=old,
            full_time=False,
            starts_on=datetime.date(2015, 1, 1),
            ends_on=datetime.date(2018, 1, 1),
            exit_reason=ExitReason.TERM_END,
            exit_note="换届",
        )
    response = login(world["a"]["county_user"]).get(f"/mediators/{mediator.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for number in (mediator.id_number, mediator.phone, mediator.bank_account):
        assert number not in body
    for masked in (mediator.id_number_masked, mediator.phone_masked, mediator.bank_account_masked):
        assert masked in body
    assert [a.committee.name for a in response.context["career"]] == [committee.name, "旧村调委会"]
    assert str(ExitReason.TERM_END.label) in body and "换届" in body
    assert f"/appointments/{response.context['career'][0].pk}/transfer/" in body
    assert f"/appointments/{response.context['career'][1].pk}/end/" not in body  # ended


@pytest.mark.parametrize(
    "user_key, buttons",
    [
        ("county_user", {"id_number", "phone", "bank_account"}),
        ("clerk_user", {"id_number", "phone"}),
        ("finance_user", {"bank_account"}),
    ],
)
def test_show_buttons_appear_only_for_numbers_the_role_may_reveal(
    login, world, mediator, user_key, buttons
):
    body = login(world["a"][user_key]).get(f"/mediators/{mediator.pk}/").content.decode()
    shown = {
        field for field in ("id_number", "phone", "bank_account") if f'data-field="{field}"' in body
    }
    assert shown == buttons


def test_a_mediator_is_registered_with_gender_and_birth_date_from_the_id(login, world):
    response = login(world["a"]["county_user"]).post("/mediators/new/", _form(world, photo=_png()))
    assert response.status_code == 302, response.context["form"].errors
    with all_regions():
        mediator = Mediator.objects.get()
    assert (mediator.gender, mediator.birth_date) == ("F", BORN)
    assert mediator.id_number == NEW_ID and mediator.phone == "13800138000"
    assert [f.code for f in mediator.expertise.all()] == ["marriage_family"]
    assert mediator.photo.name.endswith(".png")
    assert response["Location"] == f"/mediators/{mediator.pk}/"


def _refused(client, url, data, field):
    before = _count()
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert _count() == before
    assert f'data-field="{field}"' in response.content.decode()
    return errors[field]


def _with_check_digit(first17):
    return first17 + id_check_char(first17)


WRONG_CHECK_DIGIT = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id_number": WRONG_CHECK_DIGIT}, "id_number"),
        ({"id_number": _with_check_digit("33060219800230001")}, "id_number"),  # 30 February
        ({"id_number": _with_check_digit("33060220991231001")}, "id_number"),  # in the future
        ({"id_number": "33060219800517"}, "id_number"),  # too short
        ({"id_number": ""}, "id_number"),
        ({"gender": "M"}, "gender"),  # the ID says female
        ({"birth_date": "1981-05-17"}, "birth_date"),
        ({"phone": "1380013800"}, "phone"),
        ({"bank_account": "62284804"}, "bank_account"),
        ({"region": "330102001000"}, "region"),  # another city
        ({"expertise": ["no-such-field"]}, "expertise"),
    ],
)
def test_bad_mediator_input_is_a_field_error_and_writes_nothing(login, world, overrides, field):
    _refused(login(world["a"]["county_user"]), "/mediators/new/", _form(world, **overrides), field)


def test_an_impossible_birth_date_says_so(login, world):
    errors = _refused(
        login(world["a"]["county_user"]),
        "/mediators/new/",
        _form(world, id_number=_with_check_digit("33060219800230001")),
        "id_number",
    )
    assert "19800230" in errors[0]


def test_a_photo_that_is_not_an_image_is_a_field_error(login, world):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    _refused(login(world["a"]["county_user"]), "/mediators/new/", _form(world, photo=fake), "photo")


@pytest.mark.parametrize("where", ["a", "b"])
def test_an_id_number_already_registered_is_refused_even_in_another_bureau(login, world, where):
    with all_regions():
        MediatorFactory(
            id_number=NEW_ID, gender="F", birth_date=BORN, region=world[where]["township"]
        )
    _refused(login(world["a"]["county_user"]), "/mediators/new/", _form(world), "id_number")


def test_the_edit_page_never_contains_the_full_numbers(login, world, mediator):
    body = login(world["a"]["county_user"]).get(f"/mediators/{mediator.pk}/edit/").content.decode()
    for number in (mediator.id_number, mediator.phone, mediator.bank_account):
        assert number not in body
    assert f'placeholder="{mediator.id_number_masked}"' in body
    assert f'placeholder="{mediator.phone_masked}"' in body


def _edit_form(world, mediator, **overrides):
    unchanged = {
        "name": mediator.name,
        "id_number": "",
        "phone": "",
        "bank_account": "",
        "gender": mediator.gender,
        "birth_date": mediator.birth_date.isoformat(),
    }
    return _form(world, **{**unchanged, **overrides})


def test_editing_with_empty_number_inputs_keeps_the_numbers(login, world, mediator):
    kept = (mediator.id_number, mediator.phone, mediator.bank_account)
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/mediators/{mediator.pk}/edit/", _edit_form(world, mediator, name="改名")
    )
    assert response.status_code == 302, response.context["form"].errors
    with all_regions():
        mediator = Mediator.objects.get(pk=mediator.pk)
    assert mediator.name == "改名"
    assert (mediator.id_number, mediator.phone, mediator.bank_account) == kept


def test_editing_replaces_a_number_typed_in(login, world, mediator):
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/mediators/{mediator.pk}/edit/", _edit_form(world, mediator, phone="0575-85112233")
    )
    assert response.status_code == 302
    with all_regions():
        assert Mediator.objects.get(pk=mediator.pk).phone == "0575-85112233"


def test_editing_to_a_number_registered_elsewhere_is_refused(login, world, mediator):
    with all_regions():
        MediatorFactory(
            id_number=NEW_ID, gender="F", birth_date=BORN, region=world["b"]["township"]
        )
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/mediators/{mediator.pk}/edit/",
        _edit_form(world, mediator, id_number=NEW_ID, gender="F", birth_date=BORN.isoformat()),
    )
    assert "id_number" in response.context["form"].errors
    with all_regions():
        assert Mediator.objects.get(pk=mediator.pk).id_number == mediator.id_number


def test_a_read_only_role_cannot_register_or_edit(login, world, mediator):
    client = login(world["a"]["finance_user"])
    assert client.get("/mediators/").status_code == 200
    assert client.get("/mediators/new/").status_code == 403
    assert client.post("/mediators/new/", _form(world)).status_code == 403
    assert client.get(f"/mediators/{mediator.pk}/edit/").status_code == 403
    assert _count() == 1


def test_the_photo_is_served_to_staff_of_the_jurisdiction_only(client, world):
    buffer = io.BytesIO()
    Image.new("RGB", (3, 4), "red").save(buffer, "JPEG")
    with all_regions():
        mediator = MediatorFactory(region=world["a"]["township"])
        mediator.photo = SimpleUploadedFile("p.jpg", buffer.getvalue(), "image/jpeg")
        mediator.save()
        bare = MediatorFactory(region=world["a"]["township"])
    url = f"/mediators/{mediator.pk}/photo/"
    client.force_login(world["a"]["clerk_user"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == buffer.getvalue()
    placeholder = client.get(f"/mediators/{bare.pk}/photo/")
    assert placeholder["Content-Type"] == "image/svg+xml"
    client.force_login(world["b"]["clerk_user"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
