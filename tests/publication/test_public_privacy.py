"""Nothing personal reaches the public side: every page of the "public" namespace
(found by walking the URL resolver, so a new route is checked without editing this
test) and the Excel download are searched for each personal value of the roster."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from core.personal import make_id_number
from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
SCRIPT = "<script>alert(1)</script>"
COMMITTEE_SCRIPT = "<script>alert(2)</script>调委会"

PEOPLE = [
    # name, birth date, phone, bank account, home address
    ("钱多多", datetime.date(1968, 3, 17), "13912345678", "6222021234567890123", "解放北路88号"),
    (SCRIPT, datetime.date(1981, 11, 5), "13698765432", "6217000011112222333", "胜利西路7号"),
    ("孙小美", datetime.date(1990, 1, 23), "15857512345", "6228480000111122223", "环城南路15号"),
]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _variants(born: datetime.date) -> list[str]:
    return [
        born.isoformat(),
        born.strftime("%Y%m%d"),
        born.strftime("%Y/%m/%d"),
        f"{born.year}年{born.month}月{born.day}日",
        f"{born.year}年{born.month:02d}月{born.day:02d}日",
    ]


@pytest.fixture
def roster(world):
    a = world["a"]
    secrets = []
    with all_regions():
        plain = CommitteeFactory(region=a["village"], office=a["office"], address="公园路1号")
        scripted = CommitteeFactory(region=a["village"], office=a["office"], name=COMMITTEE_SCRIPT)
        mediators = []
        for index, (name, born, phone, bank, address) in enumerate(PEOPLE):
            id_number = make_id_number("330602", born, 100 + index, "M")
            mediator = MediatorFactory(
                region=a["township"],
                name=name,
                birth_date=born,
                id_number=id_number,
                phone=phone,
                bank_account=bank,
                bank_name="中国工商银行",
                address=address,
            )
            if index == 0:
                mediator.photo = SimpleUploadedFile("p.gif", GIF, content_type="image/gif")
                mediator.photo_public = True
                mediator.save()
            committee = scripted if index == 1 else plain
            AppointmentFactory(mediator=mediator, committee=committee)
            mediators.append(mediator)
            secrets += [id_number, id_number.lower(), phone, bank, address, *_variants(born)]
            # Formatted forms of the numbers.
            secrets += [
                f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
            ]
            secrets += [" ".join(bank[i : i + 4] for i in range(0, len(bank), 4))]
    publish_roster(a["county_bureau"])
    return {
        "code": a["county"].code,
        "mediators": mediators,
        "committees": [plain, scripted],
        "secrets": secrets,
    }


def _public_routes():
    """(url name, kwarg names) of every route in the "public" namespace."""
    _prefix, resolver = get_resolver().namespace_dict["public"]
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    f"{namespace}:{entry.namespace}" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern) and entry.name:
                pattern = entry.pattern
                names = set(getattr(pattern, "converters", {}) or {}) | set(
                    pattern.regex.groupindex
                )
                found.append((f"{namespace}:{entry.name}", sorted(names)))

    walk(resolver.url_patterns, "public")
    return found


def _urls(roster) -> list[str]:
    values = {
        "region_code": [roster["code"]],
        "mediator_id": [m.pk for m in roster["mediators"]],
        "code": [c.code for c in roster["committees"]],
    }
    urls = []
    for name, kwargs in _public_routes():
        missing = set(kwargs) - set(values)
        assert not missing, f"{name}: add test values for {missing}"
        combos = [{}]
        for kwarg in kwargs:
            combos = [{**combo, kwarg: value} for combo in combos for value in values[kwarg]]
        urls += [reverse(name, kwargs=combo) for combo in combos]
    search = reverse("public:search", args=[roster["code"]])
    urls += [
        f"{search}?name=钱",
        f"{search}?name=%3Cscript%3E",
        f"{search}?committee=%3Cscript%3E",
        f"{search}?level=abc&page=xyz",
        f"{search}?name={'x' * 5000}",
    ]
    return urls


def _fetch_all(client, roster):
    pages = {}
    for url in _urls(roster):
        response = client.get(url)
        # Only the photos of mediators without one are missing.
        expected = (200, 302, 404) if "/photos/" in url else (200, 302)
        assert response.status_code in expected, url
        if response.status_code == 302:
            content = response["Location"].encode()
        elif response.streaming:
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        pages[url] = (response, content)
    return pages


def test_the_public_routes_are_all_walked(roster):
    names = {name for name, _kwargs in _public_routes()}
    assert {
        "public:index",
        "public:search",
        "public:mediator",
        "public:committee",
        "public:photo",
        "public:roster_xlsx",
        "public:about",
        "public:text_size",
    } <= names


def test_no_personal_value_on_any_public_page(client, roster):
    pages = _fetch_all(client, roster)
    assert len(pages) >= 12
    for url, (response, content) in pages.items():
        if response.get("Content-Type", "").startswith("text/html"):
            text = content.decode()
        else:
            text = content.decode("latin-1")
        for secret in roster["secrets"]:
            assert secret not in text, f"{secret!r} on {url}"
            assert secret.encode() not in content, f"{secret!r} on {url}"


def test_no_personal_value_in_the_workbook(client, roster):
    response = client.get(reverse("public:roster_xlsx", args=[roster["code"]]))
    workbook = load_workbook(BytesIO(response.content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                value = cell.value
                if isinstance(value, datetime.datetime):
                    value = value.date().isoformat()
                cells.append(str(value))
    assert any("钱多多" in cell for cell in cells)
    for secret in roster["secrets"]:
        for cell in cells:
            assert secret not in cell, f"{secret!r} in the workbook"
    births = {born.isoformat() for _n, born, *_rest in PEOPLE}
    assert not births & set(cells)


def test_script_names_are_escaped_everywhere(client, roster):
    pages = _fetch_all(client, roster)
    html_pages = 0
    for url, (response, content) in pages.items():
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        text = content.decode()
        assert "<script>alert(" not in text, url
        assert "<script" not in text.lower(), url
    assert html_pages >= 8
    search = reverse("public:search", args=[roster["code"]])
    body = client.get(search).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
