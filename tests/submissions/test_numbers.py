"""Reading counts as people type them: accepted forms, blanks, refusals with reasons."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from submissions.numbers import (
    PROBLEM_CODES,
    ParsedCount,
    Problem,
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
        ("3 nghìn", "magnitude_word"),  # never multiplied for the person
        ("4 triệu", "magnitude_word"),
        ("3k", "magnitude_word"),
        ("2,5 triệu", "magnitude_word"),
        ("3415 abc", "trailing_words"),  # a number and words that count nothing
        ("12 cái gì đó", "trailing_words"),
        ("1e3", "scientific_notation"),  # not "more than one number"
        ("1,5E+04", "scientific_notation"),
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
    ("raw", "meant", "vi", "en"),
    [
        ("3 nghìn", 3000, "Có phải 3.000?", "Did you mean 3,000?"),
        ("4 triệu", 4_000_000, "Có phải 4.000.000?", "Did you mean 4,000,000?"),
        ("2 tỷ", 2_000_000_000, "Có phải 2.000.000.000?", "Did you mean 2,000,000,000?"),
        ("1e3", 1000, "Có phải 1.000?", "Did you mean 1,000?"),
    ],
)
def test_unambiguous_readings_are_offered_never_used(
    raw: str, meant: int, vi: str, en: str
) -> None:
    parsed = parse_count(raw)
    assert parsed.value is None  # refused: the person types the number
    assert parsed.error is not None
    assert parsed.error.suggestion == meant
    assert vi in parsed.error.message_vi
    assert en in parsed.error.message_en


def test_an_ambiguous_magnitude_offers_nothing() -> None:
    problem = parse_count("2,5 triệu").error
    assert problem is not None and problem.suggestion is None
    assert "“triệu”" in problem.message_vi


def test_scientific_notation_is_named_not_called_two_numbers() -> None:
    problem = parse_count("1e3").error
    assert problem is not None
    assert "ký hiệu khoa học" in problem.message_vi
    assert "scientific notation" in problem.message_en
    assert "more than one number" not in problem.message_en


def test_trailing_words_say_what_was_read() -> None:
    problem = parse_count("3415 abc").error
    assert problem is not None and problem.suggestion is None
    assert "3.415" in problem.message_vi and "“abc”" in problem.message_vi
    assert "3,415" in problem.message_en


@pytest.mark.parametrize(
    ("raw", "unit", "value"),
    [
        ("47 lớp", "class", 47),
        ("47 classes", "class", 47),
        ("2.546 học viên", "learner", 2546),
        ("03 đề tài", "project", 3),
        ("47", "class", 47),
        ("47 lớp học", "class", 47),  # the counting word may be followed by words
        ("05 cuộc hội thảo", "event", 5),
    ],
)
def test_the_counting_word_of_the_field_is_accepted(raw: str, unit: str, value: int) -> None:
    assert parse_count(raw, unit=unit) == ParsedCount(value)


def test_a_counting_word_of_another_unit_is_refused() -> None:
    problem = parse_count("47 học viên", unit="class").error
    assert problem is not None and problem.code == "wrong_unit"
    assert "“học viên”" in problem.message_vi and "“lớp”" in problem.message_vi
    assert "counts classes" in problem.message_en
    # Without a field to compare with, a counting word is still read.
    assert parse_count("47 học viên") == ParsedCount(47)


@pytest.mark.parametrize(("raw", "meant"), [(1.793, 1793), (12.378, 12378), (2.5, 2500)])
def test_a_workbook_decimal_names_the_integer_meant(raw: float, meant: int) -> None:
    problem = parse_count(raw, workbook=True).error
    assert problem is not None and problem.code == "not_integer"
    assert problem.suggestion == meant
    assert f"có phải {meant}?" in problem.message_vi
    assert f"did you mean {meant}?" in problem.message_en
    # Typed (not from a workbook), a decimal is refused without a guess.
    assert parse_count(raw).error.suggestion is None  # type: ignore[union-attr]


def test_json_true_is_echoed_as_json() -> None:
    problem = parse_count(True).error
    assert problem is not None
    assert "“true”" in problem.message_vi and "“true”" in problem.message_en
    assert "True" not in problem.message_vi + problem.message_en
