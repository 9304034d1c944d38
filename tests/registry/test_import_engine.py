"""The generic parts of core.imports that every importer relies on: typed cells and
the workbook's header check."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook

from core.imports import BOOL, CHOICE, DATE, INT, Cleaner, Column, Sheet
from registry.models import Appointment, Gender, Mediator


def parse(kind, value, **options):
    return Column("x", "X", kind, **options).parser()(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2024, 3, 1, 0, 0), datetime.date(2024, 3, 1)),  # an Excel date
        (datetime.date(2024, 3, 1), datetime.date(2024, 3, 1)),
        ("2024-03-01", datetime.date(2024, 3, 1)),
        ("2024/3/1", datetime.date(2024, 3, 1)),
        ("2024年3月1日", datetime.date(2024, 3, 1)),
        (" ", None),
        (None, None),
    ],
)
def test_a_date_cell_takes_excel_dates_and_iso_text(value, expected):
    assert parse(DATE, value) == expected


@pytest.mark.parametrize("value", ["下周一", "2024-02-30", 45000, "01/03/2024"])
def test_anything_else_in_a_date_column_is_an_error_that_quotes_it(value):
    with pytest.raises(ValidationError) as refused:
        parse(DATE, value)
    assert str(value) in refused.value.messages[0]


@pytest.mark.parametrize(
    ("value", "expected"), [("是", True), ("否", False), (1, True), ("Y", True), (None, False)]
)
def test_a_yes_no_cell(value, expected):
    assert parse(BOOL, value) is expected


def test_a_yes_no_cell_refuses_other_words():
    with pytest.raises(ValidationError):
        parse(BOOL, "也许")


def test_a_choice_cell_takes_the_label_the_english_label_or_the_code():
    choices = tuple(Gender.choices)
    assert parse(CHOICE, str(Gender.FEMALE.label), choices=choices) == "F"
    with override(None):
        english = str(Gender.FEMALE.label)
    assert parse(CHOICE, english, choices=choices) == "F"
    assert parse(CHOICE, "f", choices=choices) == "F"
    with pytest.raises(ValidationError) as refused:
        parse(CHOICE, "未知", choices=choices)
    assert str(Gender.MALE.label) in refused.value.messages[0]  # lists what is allowed


def test_numbers_in_text_and_int_columns():
    assert Column("x", "X").parser()(13912345678.0) == "13912345678"
    assert parse(INT, "42") == 42 and parse(INT, 7.0) == 7
    with pytest.raises(ValidationError):
        parse(INT, "七")


def test_a_required_cell_must_not_be_blank():
    with pytest.raises(ValidationError) as refused:
        Column("x", "X", required=True).parser()("  ")
    assert refused.value.messages == [_("This field is required.")]


def _book(*rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_headers_are_found_in_any_order_with_stray_spaces_and_extra_columns():
    columns = [Column("a", "甲"), Column("b", "乙")]
    with Sheet(_book(["备注", " 乙 ", "甲*"], ["x", 2, 1], [None, None, None]), columns) as sheet:
        assert list(sheet.rows()) == [(2, {"a": 1, "b": 2})]  # the blank row is skipped
        assert not sheet.has_more_rows_than(1)


def test_a_table_may_start_right_of_column_a_but_not_below_row_one():
    columns = [Column("a", "甲"), Column("b", "乙")]
    with Sheet(_book([None, "甲", "乙"], [None, "x", None], [None, None, "y"]), columns) as sheet:
        assert list(sheet.rows()) == [(2, {"a": "x", "b": ""}), (3, {"a": "", "b": "y"})]
    with pytest.raises(ValidationError) as refused:
        Sheet(_book([], ["甲", "乙"]), columns)
    assert refused.value.code == "headers"


def test_a_sheet_knows_whether_it_has_more_rows_than_a_limit():
    columns = [Column("a", "甲")]
    with Sheet(_book(["甲"], *[[n] for n in range(5)]), columns) as sheet:
        assert sheet.has_more_rows_than(4) and not sheet.has_more_rows_than(5)


@pytest.mark.django_db
def test_the_import_cleaner_reports_what_full_clean_does():
    """Cleaner remembers each field's verdict on a value: the same errors as
    full_clean() for every row, a repeated bad value's included, and the model's
    clean() errors on a field do not pile up on the remembered ones."""
    cleaner = Cleaner(Mediator, exclude=["region"])
    rows = [
        {"name": "甲", "id_number": "110105194912310021", "gender": "X", "birth_date": None},
        {"name": "乙", "id_number": "11010519491231002X", "gender": "X", "birth_date": None},
        {"name": "x" * 51, "id_number": "11010519491231002X", "gender": "M", "birth_date": None},
        {"name": "丙", "id_number": "11010519491231002X", "gender": "M", "birth_date": None},
    ]
    for values in rows * 2:
        expected, found = {}, {}
        for errors, check in (
            (
                expected,
                lambda m: m.full_clean(
                    exclude=["region"], validate_unique=False, validate_constraints=False
                ),
            ),
            (found, cleaner.full_clean),
        ):
            mediator = Mediator(**values)
            mediator.id_number_holder = lambda: None
            try:
                check(mediator)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        assert found == expected
    assert "gender" in found  # the last row: a man's field, a woman's number
    post = Appointment(post="nope", starts_on=datetime.date(2024, 1, 1), full_time=True)
    with pytest.raises(ValidationError) as raised:
        Cleaner(Appointment, exclude=["mediator", "committee", "region"]).full_clean(post)
    assert set(raised.value.message_dict) == {"post", "paid_by"}
