"""The hub's one formatter: numbers and dates the way Vietnamese (and English)
reports and pages write them. Grouping and separators come from Babel's locale data
(CLDR); what is this product's own is kept here: the leading zero of Party
documents' counts, the document date line, half-up rounding of shown figures.


Vietnamese: thousands separated by "." (12.378), decimal comma (12,5%), counts from
one to nine written with a leading zero ("03 đề tài"). English: 12,378 and 12.5%,
no leading zero. Every shown figure is rounded half up (2.5 -> 3, 0.125 -> 0.13),
whatever its type; a change or a difference is signed ("+3", "−2": a true
minus sign). Times are shown in the hub's time zone (core.timezone.local), whatever
zone they were stored in.

The pure modules (aggregation.transforms, rankings.scoring, rankings.build) format
through here too; this module imports nothing from Django.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel import numbers as babel_numbers

from core.timezone import local

LOCALES = {"vi": "vi_VN", "en": "en_US"}

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _check_language(language: str) -> None:
    if language not in ("vi", "en"):
        raise ValueError(f"language must be 'vi' or 'en', not {language!r}")


def _grouped(amount: Decimal, language: str, decimals: int) -> str:
    """`amount`, already rounded, with the locale's grouping and decimal mark."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(
        amount, format=pattern, locale=LOCALES[language], decimal_quantization=False
    )


MINUS = "\u2212"


def _whole(n: int | float | Decimal) -> int:
    """`n` rounded half up to a whole number (2.5 -> 3, -2.5 -> -3)."""
    return int(Decimal(str(n)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_count(n: int | float | Decimal, language: str, leading_zero: bool = True) -> str:
    """A whole count: vi "03", "12", "1.234", "12.378"; en "3", "12,378".

    The leading zero applies to Vietnamese counts from 1 to 9 only (zero stays "0").
    A fractional value is rounded half up, like every shown figure.
    """
    _check_language(language)
    value = _whole(n)
    text = _grouped(Decimal(abs(value)), language, 0)
    if language == "vi" and leading_zero and 1 <= abs(value) <= 9:
        text = "0" + text
    return ("-" if value < 0 else "") + text


def format_signed(n: int | float | Decimal, language: str) -> str:
    """A change or a difference: "+3", "−2" (a true minus sign), "0"; vi "+1.234",
    en "+1,234". No leading zero: the sign already stands in front."""
    value = _whole(n)
    sign = "+" if value > 0 else (MINUS if value < 0 else "")
    return sign + format_count(abs(value), language, leading_zero=False)


def format_number(value: int | float | Decimal, language: str, decimals: int = 2) -> str:
    """A number with at most `decimals` decimals, trailing zeros dropped:
    vi "1.234,5", en "1,234.5". Whole numbers carry no leading zero."""
    _check_language(language)
    quantum = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    amount = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return ("-" if amount < 0 else "") + _grouped(abs(amount), language, decimals)


def format_percent(value: int | float | Decimal, language: str, decimals: int = 1) -> str:
    """`value` is already a percentage: 12.5 -> vi "12,5%", en "12.5%"; 14.0 -> "14%"."""
    return format_number(value, language, decimals) + "%"


def format_date(value: date, language: str) -> str:
    """A short date: vi "25/6/2024", en "25 June 2024"."""
    _check_language(language)
    if language == "vi":
        return f"{value.day}/{value.month}/{value.year}"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def format_datetime(value: datetime, language: str) -> str:
    """A moment as the hub's users read it, in the hub's time zone (core.timezone.local;
    a naive value is UTC, as Django stores it): 01:47 UTC on 25 June 2024 is
    vi "25/06/2024 08:47", en "2024-06-25 08:47"."""
    _check_language(language)
    shown = local(value)
    if language == "vi":
        return shown.strftime("%d/%m/%Y %H:%M")
    return shown.strftime("%Y-%m-%d %H:%M")


def format_month(month: int, year: int, language: str) -> str:
    """vi "tháng 9/2024", en "September 2024"."""
    _check_language(language)
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    if language == "vi":
        return f"tháng {month}/{year}"
    return f"{MONTHS_EN[month - 1]} {year}"


def format_date_line(place: str, value: date, language: str) -> str:
    """The place and date line of a Party document.

    vi "Quảng Ninh, ngày 25 tháng 6 năm 2024" (a day under 10 and the months January
    and February take a leading zero, as the document rules require:
    "ngày 05 tháng 01 năm 2025"); en "Quảng Ninh, 25 June 2024".
    """
    _check_language(language)
    if language == "vi":
        day = f"{value.day:02d}"
        month = f"{value.month:02d}" if value.month < 3 else str(value.month)
        return f"{place}, ngày {day} tháng {month} năm {value.year}"
    return f"{place}, {value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def ordinal_en(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th"."""
    teens = 10 <= n % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
