from datetime import date

import pytest

from desktop.services.households import idnumber


def test_reference_vectors():
    assert idnumber.validate("11010519491231002X", today=date(2026, 11, 25)) is None
    # Checksum right, but born before 1900: the roster checks reject it.
    assert idnumber.check_char("44052418800101001") == "4"
    assert idnumber.validate("440524188001010014").kind == "birth_year"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        (" 11010519491231002x ", "11010519491231002X"),
        ("110105 1949 1231 002X", "11010519491231002X"),
    ],
)
def test_full_width_digits_lower_x_and_spaces_are_normalized(raw, expected):
    assert idnumber.normalize(raw) == expected


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("11010519491231002", "length"),
        ("110105491231002", "length"),
        ("11010519491231003X", "checksum"),
        ("11010519490231002X", "birth_date"),
        ("110105209912310028", "birth_date_in_future"),
        ("11010518891231002A", "format"),
    ],
)
def test_problems_are_named(number, kind):
    assert idnumber.validate(number, today=date(2026, 11, 25)).kind == kind


def test_made_numbers_are_valid_and_carry_sex():
    number = idnumber.make("411424", date(1980, 5, 17), 123)
    assert idnumber.validate(number) is None
    assert idnumber.sex_of(number) == "男"
    assert idnumber.birth_date_of(number) == date(1980, 5, 17)
