"""Reading counts as people type them: accepted forms, blanks, refusals with reasons."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from submissions.numbers import (
    PROBLEM_CODES,
    ParsedCount,
    Problem,
    format_number,
    parse_count,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, 12),
        (0, 0),
        (12.0, 12),  # a whole float from a spreadsheet cell
        (Decimal("12"), 12),
        ("0", 0),
        ("12", 12),
        ("1.793", 1793),  # the dot separates thousands
        ("12.378", 12378),
        ("1.234.567", 1234567),
        ("03", 3),  # leading zero of reports: "03 đề tài"
        (" 12 ", 12),
        ("\t12\n", 12),
        ("2.546 học viên", 2546),  # a trailing counting word is tolerated
        ("03 đề tài", 3),
        ("97 lớp", 97),
        ("12 bài", 12),
        ("04 số", 4),
        ("1 793", 1793),  # space as thousands separator
        ("1\u00a0793", 1793),  # non-breaking space
        ("1\u202f793 học viên", 1793),  # narrow no-break space
        ("１２", 12),  # full-width digits
        ("+12", 12),
        ("12\u200b", 12),  # zero-width space pasted from a web page
        (unicodedata.normalize("NFD", "2.546 học viên"), 2546),  # decomposed diacritics
    ],
)
def test_accepted_forms(raw: object, expected: int) -> None:
    parsed = parse_count(raw)
    assert parsed == ParsedCount(expected)
    assert parsed.error is None
    assert not parsed.is_blank


@pytest.mark.parametrize("raw", [None, "", "   ", "-", "–", "—", float("nan"), Decimal("NaN")])
def test_blank_is_none_not_zero(raw: object) -> None:
    parsed = parse_count(raw)
    assert parsed.value is None
    assert parsed.error is None
    assert parsed.is_blank


def test_zero_is_a_value_not_a_blank() -> None:
    assert parse_count("0").value == 0
    assert not parse_count("0").is_blank
    assert not parse_count(0).is_blank


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (12.5, "not_integer"),
        (Decimal("12.5"), "not_integer"),
        ("1,5", "ambiguous"),  # decimal comma or thousands?
        ("1,793", "ambiguous"),  # thousands in English, 1 point 793 in Vietnamese
        ("1,793,000", "ambiguous"),
        ("1.79", "not_integer"),  # dot not followed by exactly 3 digits
        ("12.5", "not_integer"),
        ("12.0", "not_integer"),
        ("1.7930", "ambiguous"),
        ("1.79.3", "ambiguous"),
        ("1.793,5", "not_integer"),  # Vietnamese decimal
        ("12 3", "ambiguous"),  # one number or two?
        ("1 793.000", "ambiguous"),
        ("12a", "not_a_number"),
        ("12lớp", "not_a_number"),  # the unit must be separated by a space
        ("1ớp", "typing_slip"),  # the word "lớp" with 1 for l
        ("l206", "typing_slip"),  # the letter l for the digit 1
        ("-5", "negative"),
        ("−5", "negative"),  # U+2212 minus sign
        ("- 5 lớp", "negative"),
        (-5, "negative"),
        (-2.0, "negative"),
        ("=SUM(A1)", "formula"),
        ("=B2+B3", "formula"),
        ("12 lớp/633 học viên", "not_a_number"),  # two numbers in one cell
        ("abc", "not_a_number"),
        ("không", "not_a_number"),
        ("14%", "not_a_number"),
        (True, "not_a_number"),
        (float("inf"), "not_a_number"),
        ([12], "not_a_number"),
        ("99999999999999999999", "too_large"),
        (1e20, "too_large"),
    ],
)
def test_refused_forms(raw: object, code: str) -> None:
    parsed = parse_count(raw)
    assert parsed.value is None
    assert parsed.error is not None
    assert parsed.error.code == code
    assert code in PROBLEM_CODES
    # A message in each language, different, and quoting what was typed.
    assert parsed.error.message_vi
    assert parsed.error.message_en
    assert parsed.error.message_vi != parsed.error.message_en
    assert parsed.error.message_vi.startswith("“") or "“" in parsed.error.message_vi
    assert "“" in parsed.error.message_en
    assert not parsed.is_blank


def test_comma_thousands_suggests_the_dot() -> None:
    problem = parse_count("1,793").error
    assert problem is not None
    assert problem.suggestion == 1793
    assert "“1.793”" in problem.message_vi
    assert "“1.793”" in problem.message_en
    assert "1793" in problem.message_en


def test_decimal_comma_is_not_guessed() -> None:
    problem = parse_count("1,5").error
    assert problem is not None
    assert problem.suggestion is None
    assert "thập phân" in problem.message_vi
    assert "decimal" in problem.message_en


def test_letter_for_digit_is_called_a_typing_slip() -> None:
    problem = parse_count("l206").error
    assert problem is not None
    assert problem.suggestion == 1206  # a hint for the person, never used as the value
    assert "gõ nhầm" in problem.message_vi
    assert "1.206" in problem.message_vi
    assert "typing slip" in problem.message_en
    assert "1,206" in problem.message_en


def test_digit_for_letter_names_the_word() -> None:
    problem = parse_count("1ớp").error
    assert problem is not None
    assert "“lớp”" in problem.message_vi
    assert "“lớp”" in problem.message_en


def test_dot_rule_is_explained() -> None:
    problem = parse_count("1.79").error
    assert problem is not None
    assert "3 chữ số" in problem.message_vi
    assert "three digits" in problem.message_en


def test_formula_message_says_paste_values() -> None:
    problem = parse_count("=SUM(A1)").error
    assert problem is not None
    assert "công thức" in problem.message_vi
    assert "formula" in problem.message_en


def test_long_raw_text_is_shortened_in_messages() -> None:
    problem = parse_count("x" * 200).error
    assert problem is not None
    assert len(problem.message_vi) < 200
    assert "…" in problem.message_en


def test_problem_message_picks_language() -> None:
    problem = Problem(code="negative", message_vi="âm", message_en="negative")
    assert problem.message("vi") == "âm"
    assert problem.message("en") == "negative"
    assert problem.message("en-us") == "negative"
    assert problem.message("fr") == "âm"  # Vietnamese is the default


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (0, "0", "0"),
        (999, "999", "999"),
        (1793, "1.793", "1,793"),
        (12378, "12.378", "12,378"),
        (1_000_000, "1.000.000", "1,000,000"),
        (-131, "-131", "-131"),
        (12.5, "12,5", "12.5"),
        (1234.25, "1.234,25", "1,234.25"),
        (40.0, "40", "40"),
    ],
)
def test_format_number(value: float, vi: str, en: str) -> None:
    assert format_number(value, "vi") == vi
    assert format_number(value, "en") == en
