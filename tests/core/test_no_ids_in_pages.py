"""No staff page shows a database id or asks a clerk to type one: committees,
mediators and regions are picked by name (core.pickers). The walk of
test_chinese_everywhere visits every page the URL resolver knows, as users of a city,
a county and a township, and fails on an id shown as "(#166)" and on any input whose
label, placeholder or accessible name asks for a code, an id or a division code."""

import re
from html.parser import HTMLParser

import pytest

from tests.core.test_chinese_everywhere import _ReadableText, _staff_urls

ROLES = ["admin_user", "county_admin", "clerk_user"]
SHOWN_ID = re.compile(r"#\d+")
# What a label asks for when it wants a key typed: a (division) code, a record
# number (编号, the old name of a database id), an id; or a placeholder that is one.
ASKS_FOR_A_KEY = re.compile(r"代码|（编号）|^编号$|档案号|记录号|\bid\b|^\d{6,}$", re.IGNORECASE)
# Where typing a code is the point: a new region is registered under its official
# division code.
EXEMPT = {("/regions/new/", "code")}
CONTROLS = {"input", "select", "textarea"}
UNTYPED = {"hidden", "submit", "button", "reset", "checkbox", "radio", "file"}


class _Controls(HTMLParser):
    """Form controls with what names them: their <label for>, placeholder and
    aria-label."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.labels, self.controls = {}, []
        self._label_for, self._label_text = None, []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._label_for, self._label_text = attributes.get("for"), []
        elif tag in CONTROLS and attributes.get("type") not in UNTYPED:
            self.controls.append(attributes)

    def handle_data(self, data):
        if self._label_for is not None:
            self._label_text.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = "".join(self._label_text).strip(" *\n")
            self._label_for = None

    def asking_for_keys(self):
        for control in self.controls:
            names = [self.labels.get(control.get("id", ""), "")]
            names += [control.get("placeholder", ""), control.get("aria-label", "")]
            for name in names:
                if name and ASKS_FOR_A_KEY.search(name.strip()):
                    yield control.get("name", "?"), name


def ids_shown(html: str) -> list[str]:
    parser = _ReadableText()
    parser.feed(html)
    return [f"{where} {text[:60]!r}" for where, text in parser.found if SHOWN_ID.search(text)]


def keys_asked(html: str, url: str = "") -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [
        f"<{name}> {label!r}"
        for name, label in parser.asking_for_keys()
        if (url, name) not in EXEMPT
    ]


def test_the_detectors_find_ids_and_key_boxes():
    page = """<p>张三 (#166)</p><a href="#top">回到顶部</a>
    <label for="a">调解员（编号）</label><input id="a" name="mediator" type="number">
    <label for="b">行政区划代码</label><input id="b" name="region">
    <input name="parent" placeholder="330602001001"><input name="x" aria-label="用户 id">
    <label for="c">调委会</label><input id="c" name="committee" placeholder="输入名称搜索">
    <input type="hidden" name="own" value="1"><label for="d">身份证号码</label><input id="d">"""
    assert ids_shown(page) == ["<p> '张三 (#166)'"]
    asked = " ".join(keys_asked(page))
    for name in ("<mediator>", "<region>", "<parent>", "<x>"):
        assert name in asked
    assert "<committee>" not in asked and "身份证" not in asked


@pytest.mark.parametrize("role", ROLES)
def test_no_staff_page_shows_an_id_or_asks_for_a_code(client, world, objects, role):
    client.force_login(world["a"][role])
    found, pages = {}, 0
    for url in _staff_urls(objects["a"]):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        html = response.content.decode()
        findings = ids_shown(html) + keys_asked(html, url)
        if findings:
            found[url] = findings
    assert pages > 50, "the walk read too few pages to be walking them"
    assert not found, "\n".join(f"{url}: {f}" for url, items in found.items() for f in items)
