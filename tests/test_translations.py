"""The UI is Chinese through Django's i18n: every message is translated and the
compiled catalogue the app loads matches the .po file people edit."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries():
    return [e for e in polib.pofile(str(LOCALE / "django.po")) if e.msgid and not e.obsolete]


def _label(entry):
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def test_every_message_is_translated():
    entries = _entries()
    assert len(entries) > 100
    untranslated = [_label(e) for e in entries if not e.translated()]
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = []
    for entry in _entries():
        if entry.msgid_plural:
            compiled = catalogue.ngettext(entry.msgid, entry.msgid_plural, 1)
            expected = entry.msgstr_plural[0]
        elif entry.msgctxt:
            compiled = catalogue.pgettext(entry.msgctxt, entry.msgid)
            expected = entry.msgstr
        else:
            compiled, expected = catalogue.gettext(entry.msgid), entry.msgstr
        if compiled != expected:
            stale.append(_label(entry))
    assert not stale, f"run `make messages`; stale in django.mo: {stale[:10]}"
