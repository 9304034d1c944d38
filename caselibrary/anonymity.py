"""The check a library text passes before it is stored or published: it may not name
a party of its case, nor hold a number that looks like an ID card or phone number.

Text is normalised first (full-width and other scripts' digits and full-width
letters become ASCII, so "１３８" is "138"; zero-width and other format characters
go), and names are looked
for with the spaces taken out of both sides ("张 三" is 张三). A run of digits
broken only by spaces, dashes or dots counts as one number, so "138 0013 8000" and
"0575-8512-3456" are caught; dates ("2024-05-01", "2024年5月1日") and amounts
("12000元") are not numbers of a person and are let through. A number written out in
Chinese numerals ("一三八零零一三八零零零", 幺 for one as phone numbers are read) counts
from seven numerals on, as a run of digits does."""

import re
import unicodedata

from django.utils.translation import gettext as _

# Party letters for the account: 甲, 乙, 丙 … in the order the parties were entered.
LETTERS = "甲乙丙丁戊己庚辛壬癸"
# Seven digits and more: landlines (7–8 digits), mobiles (11), ID cards (15/18).
MIN_DIGITS = 7
DATE = re.compile(r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?")
NUMBER = re.compile(r"\d(?:[\s\-－—–.·]*\d)*[Xx]?")
AMOUNT_AFTER = re.compile(r"\s*(?:元|万|亿|千|百|%|平方米|米|亩|公斤|吨|人|户|次|天|个)")
AMOUNT_BEFORE = "¥￥$"
SPACE = re.compile(r"\s+")
# Chinese numerals as digits; 十, 百 … are not digits, so no run of them reads as one.
NUMERALS = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
NUMERAL = "[〇零一二三四五六七八九幺]"
NUMERAL_RUN = re.compile(rf"{NUMERAL}(?:[\s\-－—–.·]*{NUMERAL}){{{MIN_DIGITS - 1},}}")


# Full-width digits, letters, space and dash to their ASCII forms, one for one (the
# rest of the text, Chinese punctuation included, is left as it is).
WIDE = {0xFF10 + i: ord("0") + i for i in range(10)}
WIDE.update({0xFF21 + i: ord("A") + i for i in range(26)})
WIDE.update({0xFF41 + i: ord("a") + i for i in range(26)})
WIDE.update({0x3000: ord(" "), 0xFF0D: ord("-")})


def normalise(text: str) -> str:
    """*text* with full-width digits and letters made ASCII and invisible format
    characters (zero-width spaces and joiners) removed."""
    text = (text or "").translate(WIDE)
    return "".join(_ascii_digit(ch) for ch in text if unicodedata.category(ch) != "Cf")


def _ascii_digit(ch: str) -> str:
    # Any script's decimal digit (Arabic-Indic ٣, Devanagari ३ …) as its ASCII digit.
    if ch.isascii() or unicodedata.category(ch) != "Nd":
        return ch
    return str(unicodedata.decimal(ch))


def personal_numbers(text: str) -> list[str]:
    """The ID- or phone-like numbers in *text* (normalised), as they were written."""
    shown = normalise(text)
    # Each numeral one digit: positions stay those of *shown*.
    text = NUMERAL_RUN.sub(lambda m: m.group().translate(NUMERALS), shown)
    text = DATE.sub(lambda m: " " * len(m.group()), text)
    found = []
    for match in NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) < MIN_DIGITS:
            continue
        before = text[match.start() - 1] if match.start() else ""
        if before in AMOUNT_BEFORE or AMOUNT_AFTER.match(text, match.end()):
            continue
        found.append(shown[match.start() : match.end()].strip())
    return found


def names_in(text: str, names) -> list[str]:
    """The *names* (a case's parties) that *text* still contains."""
    flat = SPACE.sub("", normalise(text))
    found = []
    for name in names:
        key = SPACE.sub("", normalise(name))
        if len(key) >= 2 and key in flat and name not in found:
            found.append(name)
    return found


def problems(text: str, names) -> list[str]:
    """What is wrong with *text* for the library, as messages (empty when it passes)."""
    messages = []
    named = names_in(text, names)
    if named:
        messages.append(
            _("The text still names a party (%(names)s): replace each with 甲, 乙 …")
            % {"names": "、".join(named)}
        )
    numbers = personal_numbers(text)
    if numbers:
        messages.append(
            _(
                "The text holds a number that looks like an ID card or phone number "
                "(%(numbers)s): remove it."
            )
            % {"numbers": "、".join(numbers)}
        )
    return messages


def draft(text: str, names) -> str:
    """A first anonymised draft of *text*: each party's name replaced by its letter,
    each personal number by ×. Staff edit it; the check still runs on what they save."""
    text = normalise(text)
    for index, name in enumerate(sorted(set(names), key=names.index)):
        if len(name) >= 2:
            text = text.replace(name, LETTERS[index % len(LETTERS)])
    for number in personal_numbers(text):
        text = text.replace(number, "×" * 6)
    return text
