"""The UI is Chinese through Django's i18n: every message is translated and the
compiled catalogue the app loads matches the .po file people edit."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(
    r'^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)', re.MULTILINE
)


def _join(chunk: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', chunk)
    return "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode()


def _po_entries():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    return {_join(i): _join(s) for i, s in ENTRY.findall(text) if _join(i)}


def test_every_message_is_translated():
    entries = _po_entries()
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert not untranslated, f"untranslated: {untranslated[:10]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, msgstr in _po_entries().items() if catalogue.gettext(msgid) != msgstr]
    assert not stale, f"run `make messages`; stale in django.mo: {stale[:10]}"
