"""Wide tables scroll inside their card instead of widening the page: every table on
every staff page sits in a ``.table-responsive`` box."""

from html.parser import HTMLParser

import pytest

from core.tenancy import all_regions
from tests.core.test_chinese_everywhere import _staff_urls
from tests.factories import FACTORIES

# Void elements never close, so they never enclose a table.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# The filing form lays its party rows out in a table: a form, not a list (its layout
# belongs to the form renderer).
FORMS = {"/cases/new/"}


class _Tables(HTMLParser):
    """Counts the tables of a page, and those outside a .table-responsive box."""

    def __init__(self):
        super().__init__()
        self.open = []  # classes of the open elements
        self.tables = 0
        self.loose = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.tables += 1
            if not any("table-responsive" in opened for opened in self.open):
                self.loose += 1
        self.open.append(classes)

    def handle_endtag(self, tag):
        if tag not in VOID and self.open:
            self.open.pop()


def _tables(html):
    parser = _Tables()
    parser.feed(html)
    return parser.tables, parser.loose


def test_the_checker_finds_a_loose_table():
    assert _tables('<div class="table-responsive"><table></table></div><table></table>') == (2, 1)


@pytest.fixture
def objects(world):
    with all_regions():
        return {model: make(world, "a") for model, make in FACTORIES.items()}


@pytest.mark.parametrize("role", ["admin_user", "clerk_user"])
def test_every_table_on_every_staff_page_scrolls_in_its_box(client, world, objects, role):
    client.force_login(world["a"][role])
    loose, tables = [], 0
    for url in _staff_urls(objects):
        if url in FORMS:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        found, outside = _tables(response.content.decode())
        tables += found
        if outside:
            loose.append(url)
    assert tables > 30, "the walk met too few tables to be walking the pages"
    assert not loose, loose
