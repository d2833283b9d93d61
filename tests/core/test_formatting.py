"""Numbers and dates the Vietnamese way (12.378, "03", decimal comma) and the English way."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.formatting import (
    format_count,
    format_date_line,
    format_datetime,
    format_month,
    format_number,
    format_percent,
    format_signed,
    ordinal_en,
)


@pytest.mark.parametrize(
    ("n", "vi", "en"),
    [
        (0, "0", "0"),
        (3, "03", "3"),
        (9, "09", "9"),
        (10, "10", "10"),
        (12, "12", "12"),
        (238, "238", "238"),
        (1234, "1.234", "1,234"),
        (12378, "12.378", "12,378"),
        (1234567, "1.234.567", "1,234,567"),
        (-1234, "-1.234", "-1,234"),
    ],
)
def test_format_count(n, vi, en):
    assert format_count(n, "vi") == vi
    assert format_count(n, "en") == en


def test_format_count_without_leading_zero():
    assert format_count(3, "vi", leading_zero=False) == "3"
    assert format_count(3, "en", leading_zero=True) == "3"


def test_format_count_refuses_unknown_language():
    with pytest.raises(ValueError):
        format_count(3, "fr")


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (12.5, "12,5", "12.5"),
        (1234.5, "1.234,5", "1,234.5"),
        (Decimal("98.50"), "98,5", "98.5"),
        (14, "14", "14"),
        (0.125, "0,13", "0.13"),
        (-2.25, "-2,25", "-2.25"),
    ],
)
def test_format_number(value, vi, en):
    assert format_number(value, "vi") == vi
    assert format_number(value, "en") == en


def test_format_percent():
    assert format_percent(12.5, "vi") == "12,5%"
    assert format_percent(12.5, "en") == "12.5%"
    assert format_percent(14.0, "vi") == "14%"
    assert format_percent(1234.56, "vi", decimals=2) == "1.234,56%"


def test_format_date_line():
    assert (
        format_date_line("Quảng Ninh", date(2024, 6, 25), "vi")
        == "Quảng Ninh, ngày 25 tháng 6 năm 2024"
    )
    assert format_date_line("Quảng Ninh", date(2024, 6, 25), "en") == "Quảng Ninh, 25 June 2024"
    # Days under ten and the months January and February take a leading zero.
    assert (
        format_date_line("Hà Giang", date(2025, 1, 5), "vi")
        == "Hà Giang, ngày 05 tháng 01 năm 2025"
    )
    assert format_date_line("Hà Giang", date(2025, 1, 5), "en") == "Hà Giang, 5 January 2025"
    assert (
        format_date_line("Sơn La", date(2024, 11, 3), "vi") == "Sơn La, ngày 03 tháng 11 năm 2024"
    )


def test_format_month_and_ordinal():
    assert format_month(9, 2024, "vi") == "tháng 9/2024"
    assert format_month(9, 2024, "en") == "September 2024"
    assert [ordinal_en(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("n", "vi", "en"), [(2.5, "03", "3"), (2.4, "02", "2"), (-2.5, "-03", "-3")]
)
def test_format_count_rounds_half_up(n, vi, en):
    assert format_count(n, "vi") == vi
    assert format_count(n, "en") == en


@pytest.mark.parametrize(
    ("n", "vi", "en"),
    [
        (3, "+3", "+3"),
        (-2, "\u22122", "\u22122"),
        (0, "0", "0"),
        (1234, "+1.234", "+1,234"),
        (-12378, "\u221212.378", "\u221212,378"),
        (2.5, "+3", "+3"),
    ],
)
def test_format_signed(n, vi, en):
    assert format_signed(n, "vi") == vi
    assert format_signed(n, "en") == en


def test_format_number_with_n_digits_rounds_half_up():
    assert format_number(0.5555, "vi", decimals=3) == "0,556"
    assert format_number(0.5555, "en", decimals=3) == "0.556"
    assert format_number(1234.5, "vi", decimals=0) == "1.235"
    assert format_number(-0.001, "en") == "0"


def test_format_datetime_shows_the_hub_time_zone():
    stored = datetime(2024, 6, 25, 1, 47, tzinfo=UTC)
    assert format_datetime(stored, "vi") == "25/06/2024 08:47"
    assert format_datetime(stored, "en") == "2024-06-25 08:47"
    # A naive value is UTC, as Django stores it; late evening UTC is the next day.
    assert format_datetime(datetime(2024, 6, 25, 20, 0), "vi") == "26/06/2024 03:00"
