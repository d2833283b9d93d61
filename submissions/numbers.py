"""Read the counts people type, the Vietnamese way, and refuse what cannot be read safely.

A school's figures arrive from a form, a spreadsheet cell (already an int or a float),
a CSV or a pasted report line. Vietnamese writing separates thousands with a dot
("1.793", "12.378"), puts a leading zero on small counts ("03 đề tài") and often
keeps the counting word after the number ("2.546 học viên"). Those are accepted, the
counting word only when it is one (a unit of the catalogue) and, when the caller says
which unit the field counts, only when it names that unit ("47 học viên" is refused in
a field of classes).

Entry never guesses: a word that multiplies ("3 nghìn", "4 triệu") is refused, with
the reading offered ("Có phải 3.000?") because it is unambiguous; any other word
("3415 abc"), a second number, scientific notation ("1e3", said as such) are refused
with what was read and what to type.

Anything that could be read two ways, or that looks like a slip, is refused with a
message in Vietnamese and English instead of being guessed: a comma ("1,5" decimal?
"1,793" thousands?), a dot not followed by exactly three digits ("1.79"), a letter
in place of a digit ("l206"), formula text ("=SUM(A1)"), negative numbers.

Blank is not zero: "", None, "-" (and the dashes reports use for "nothing") and an
empty spreadsheet cell (NaN) give `value=None`; "0" gives 0.

A decimal from a workbook (`parse_count(..., workbook=True)`) where a count is
expected is most often "1.793" stored as 1.793 by a spreadsheet set to an English
locale; the refusal names the integer probably meant (1793).

Bounds that depend on the indicator (`IndicatorSpec.max_value`) are checked by
`submissions.validation`; the only ceiling here is `ABSOLUTE_MAX`, past which a
number cannot be a count at all.

Pure: no Django, no database.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from numbers import Integral, Real

from catalogue.spec import UNITS
from core.formatting import format_number as _format_number
from core.language import pick

__all__ = [
    "ABSOLUTE_MAX",
    "PROBLEM_CODES",
    "ParsedCount",
    "Problem",
    "parse_count",
]

# Problem codes, stable for callers (API clients, upload reports, tests).
NEGATIVE = "negative"
NOT_INTEGER = "not_integer"
NOT_A_NUMBER = "not_a_number"
AMBIGUOUS = "ambiguous"
TOO_LARGE = "too_large"
FORMULA = "formula"
TYPING_SLIP = "typing_slip"
MAGNITUDE_WORD = "magnitude_word"
WRONG_UNIT = "wrong_unit"
TRAILING_WORDS = "trailing_words"
SCIENTIFIC = "scientific_notation"
PROBLEM_CODES = (
    NEGATIVE,
    NOT_INTEGER,
    NOT_A_NUMBER,
    AMBIGUOUS,
    TOO_LARGE,
    FORMULA,
    TYPING_SLIP,
    MAGNITUDE_WORD,
    WRONG_UNIT,
    TRAILING_WORDS,
    SCIENTIFIC,
)

# No count a school reports comes near this; past it a float has lost its last digits
# anyway. Indicator-specific bounds are much lower (see `IndicatorSpec.max_value`).
ABSOLUTE_MAX = 10**15 - 1

# What reports write in a cell that has nothing to report.
_BLANK_MARKS = frozenset({"", "-", "–", "—", "−", "--"})
_MINUS_SIGNS = "-–—−"
# Characters that are invisible in a cell but break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# A number, possibly grouped by ".", "," or a space, then optionally a counting word
# (anything that starts with a letter and holds no digit) after a space.
_NUMBER = r"[0-9]+(?:[., ][0-9]+)*"
_NUMBER_WITH_UNIT = re.compile(rf"(?P<number>{_NUMBER})(?: (?P<unit>[^\W\d_][^\d]*))?")
_NUMBERS_ANYWHERE = re.compile(_NUMBER)
# A number then words, with or without a space ("3 nghìn", "3k", "4 triệu học viên").
_NUMBER_THEN_WORDS = re.compile(rf"(?P<number>{_NUMBER}) ?(?P<words>[^\W\d_][^\d]*)")
# Scientific notation, as a spreadsheet shows a large or pasted number: "1e3", "1,5E+04".
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]{1,3}")

# Words that multiply the number before them. The hub never multiplies: it refuses and
# offers the product, which is unambiguous for a whole number.
_MAGNITUDES: dict[str, int] = {
    "trăm": 100,
    "tram": 100,
    "hundred": 100,
    "nghìn": 1_000,
    "nghin": 1_000,
    "ngàn": 1_000,
    "ngan": 1_000,
    "k": 1_000,
    "thousand": 1_000,
    "triệu": 1_000_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "million": 1_000_000,
    "m": 1_000_000,
    "tỷ": 1_000_000_000,
    "tỉ": 1_000_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
    "billion": 1_000_000_000,
}


def _unit_words() -> dict[str, str]:
    """Counting word (lower case, as typed after a number) -> catalogue unit."""
    words: dict[str, str] = {}
    for unit, (vi, en) in UNITS.items():
        for word in (vi, en, en[:-1] if en.endswith("s") else en):
            words.setdefault(word.lower(), unit)
        if en.endswith("es"):
            words.setdefault(en[:-2].lower(), unit)
    words.setdefault("person", "person")
    return words


#: Every counting word the hub accepts after a number, and the unit it names.
UNIT_WORDS: dict[str, str] = _unit_words()

# Letters that hand typing and OCR put where a digit belongs, and back.
_LETTER_FOR_DIGIT = str.maketrans("lI|Oo", "11100")
_DIGIT_FOR_LETTER = str.maketrans("10", "lo")

# Counting words, to recognise "1ớp" as the word "lớp" typed with a digit.
_COUNTING_WORDS = frozenset(word for vi, _en in UNITS.values() for word in (vi, vi.split()[0])) | {
    "lần",
    "lượt",
    "học",
    "viên",
    "đề",
    "tài",
}


@dataclass(frozen=True)
class Problem:
    """Why a raw value was refused. `suggestion` is a hint for the person, never used."""

    code: str
    message_vi: str
    message_en: str
    suggestion: int | None = None

    def message(self, language: str) -> str:
        return pick(self.message_vi, self.message_en, language)


@dataclass(frozen=True)
class ParsedCount:
    """`value` is the count (None when blank or refused); `error` says why it was refused."""

    value: int | None
    error: Problem | None = None

    @property
    def is_blank(self) -> bool:
        return self.value is None and self.error is None


_BLANK = ParsedCount(None)


def parse_count(raw: object, *, unit: str | None = None, workbook: bool = False) -> ParsedCount:
    """Read one count. Never raises; a refusal comes back as `ParsedCount.error`.

    `unit` is the catalogue unit the field counts ("class"): a counting word after the
    number must then name it. `workbook` says the value is a cell a spreadsheet
    program stored, so a decimal is read as a misplaced thousands dot and the integer
    probably meant is named.
    """
    if raw is None:
        return _BLANK
    if isinstance(raw, bool):
        # True/False are ints to Python, but never a count; shown as JSON writes them.
        return _refuse(NOT_A_NUMBER, _shown(raw), _boolean_vi, _boolean_en)
    if isinstance(raw, Integral):
        return _from_int(int(raw), _shown(raw))
    if isinstance(raw, Decimal):
        if raw.is_nan():
            return _BLANK
        return _from_real(raw, _shown(raw))
    if isinstance(raw, Real):
        number = float(raw)
        if math.isnan(number):
            # An empty spreadsheet cell read through pandas.
            return _BLANK
        if workbook:
            meant = _thousands_meant(number)
            if meant is not None:
                return _refuse(
                    NOT_INTEGER,
                    _shown(raw),
                    _workbook_decimal_vi,
                    _workbook_decimal_en,
                    suggestion=meant,
                    plain=str(meant),
                )
        return _from_real(number, _shown(raw))
    if isinstance(raw, str):
        return _from_text(raw, unit)
    return _refuse(NOT_A_NUMBER, _shown(raw), _generic_vi, _generic_en)


# --- numbers that are already numbers ----------------------------------------------


def _from_int(value: int, shown: str) -> ParsedCount:
    if value < 0:
        return _refuse(NEGATIVE, shown, _negative_vi, _negative_en)
    if value > ABSOLUTE_MAX:
        return _refuse(TOO_LARGE, shown, _too_large_vi, _too_large_en)
    return ParsedCount(value)


def _from_real(value: float | Decimal, shown: str) -> ParsedCount:
    if isinstance(value, float) and math.isinf(value):
        return _refuse(NOT_A_NUMBER, shown, _generic_vi, _generic_en)
    if isinstance(value, Decimal) and value.is_infinite():
        return _refuse(NOT_A_NUMBER, shown, _generic_vi, _generic_en)
    if value < 0:
        return _refuse(NEGATIVE, shown, _negative_vi, _negative_en)
    if value > ABSOLUTE_MAX:
        return _refuse(TOO_LARGE, shown, _too_large_vi, _too_large_en)
    if value != int(value):
        return _refuse(NOT_INTEGER, shown, _fraction_vi, _fraction_en)
    # A whole float from a spreadsheet: 12.0 is 12.
    return ParsedCount(int(value))


# --- text ----------------------------------------------------------------------------


def _thousands_meant(number: float) -> int | None:
    """1.793 -> 1793: the integer a decimal with one to three decimals stands for when
    its point was a thousands dot; None for whole numbers and other decimals."""
    if number.is_integer() or not 0 < number < 10**12:
        return None
    thousands = round(number * 1000)
    if abs(thousands - number * 1000) > 1e-6 * max(1.0, number):
        return None
    return thousands


def _from_text(raw: str, unit: str | None = None) -> ParsedCount:
    # NFKC folds full-width digits and non-breaking/narrow spaces; NFC comes with it,
    # so decomposed Vietnamese (from macOS or a PDF) reads like composed.
    text = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE)
    text = re.sub(r"\s+", " ", text).strip()
    shown = _shown(text)
    if text in _BLANK_MARKS:
        return _BLANK
    if text.startswith("="):
        return _refuse(FORMULA, shown, _formula_vi, _formula_en)
    if len(text) > 1 and text[0] in _MINUS_SIGNS and text[1:].lstrip()[:1].isdigit():
        return _refuse(NEGATIVE, shown, _negative_vi, _negative_en)
    if text[0] == "+" and text[1:2].isdigit():
        text = text[1:]

    if _SCIENTIFIC.fullmatch(text):
        return _scientific(text, shown)
    words_match = _NUMBER_THEN_WORDS.fullmatch(text)
    if words_match is not None:
        words = words_match["words"].strip()
        factor = _MAGNITUDES.get(words.split(" ")[0].lower().rstrip("."))
        if factor is not None:
            return _magnitude(words_match["number"], words, factor, shown)
    match = _NUMBER_WITH_UNIT.fullmatch(text)
    if match is None:
        return _unreadable(text, shown)
    parsed = _from_digits(match["number"], shown)
    if parsed.error is not None or match["unit"] is None:
        return parsed
    named = _counting_unit(match["unit"])
    if named is None:
        # "3415 abc": a number and words that count nothing the hub knows.
        return _refuse(
            TRAILING_WORDS,
            shown,
            _trailing_vi,
            _trailing_en,
            words=match["unit"].strip(),
            number_vi=_format_number(parsed.value or 0, "vi"),
            number_en=_format_number(parsed.value or 0, "en"),
        )
    if unit is not None and named != unit:
        # "47 học viên" in a field of classes: the number may be of another figure.
        expected_vi, expected_en = UNITS.get(unit, (unit, unit))
        return _refuse(
            WRONG_UNIT,
            shown,
            _wrong_unit_vi,
            _wrong_unit_en,
            word=match["unit"].strip(),
            expected_vi=expected_vi,
            expected_en=expected_en,
        )
    return parsed


def _counting_unit(words: str) -> str | None:
    """The unit named by the counting word that `words` start with ("lớp", "cuộc hội
    thảo", "học viên K70"), or None when they do not start with one."""
    tokens = words.strip().lower().split(" ")
    for length in range(len(tokens), 0, -1):
        unit = UNIT_WORDS.get(" ".join(tokens[:length]))
        if unit is not None:
            return unit
    return None


def _magnitude(number: str, words: str, factor: int, shown: str) -> ParsedCount:
    """ "3 nghìn": refused; the product is offered when the number is whole."""
    base = _from_digits(number, shown)
    word = words.split(" ")[0]
    if base.value is None:
        return _refuse(MAGNITUDE_WORD, shown, _magnitude_vi, _magnitude_en, word=word)
    meant = base.value * factor
    if meant > ABSOLUTE_MAX:
        return _refuse(TOO_LARGE, shown, _too_large_vi, _too_large_en)
    return _refuse(
        MAGNITUDE_WORD,
        shown,
        _magnitude_offer_vi,
        _magnitude_offer_en,
        suggestion=meant,
        word=word,
        meant_vi=_format_number(meant, "vi"),
        meant_en=_format_number(meant, "en"),
        plain=str(meant),
    )


def _scientific(text: str, shown: str) -> ParsedCount:
    """ "1e3": scientific notation, as spreadsheets show long numbers. Said as such,
    with the whole number it stands for when it is one."""
    mantissa, _e, exponent = text.lower().partition("e")
    try:
        value = Decimal(mantissa.replace(",", ".")).scaleb(int(exponent))
    except ArithmeticError:
        value = None
    if value is not None and value == value.to_integral_value() and 0 <= value <= ABSOLUTE_MAX:
        meant = int(value)
        return _refuse(
            SCIENTIFIC,
            shown,
            _scientific_offer_vi,
            _scientific_offer_en,
            suggestion=meant,
            meant_vi=_format_number(meant, "vi"),
            meant_en=_format_number(meant, "en"),
            plain=str(meant),
        )
    return _refuse(SCIENTIFIC, shown, _scientific_vi, _scientific_en)


def _from_digits(number: str, shown: str) -> ParsedCount:
    """`number` is digits grouped by ".", "," or " " (already matched by `_NUMBER`)."""
    separators = set(re.sub(r"[0-9]", "", number))
    groups = re.split(r"[., ]", number)
    grouped_by_thousands = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])

    if "," in separators:
        if separators == {",", "."} and number.rfind(",") > number.rfind("."):
            # "1.793,5": Vietnamese decimal comma after a thousands dot.
            return _refuse(NOT_INTEGER, shown, _fraction_vi, _fraction_en)
        if separators == {","} and grouped_by_thousands:
            # "1,793": English thousands, or Vietnamese 1 point 793? Do not guess.
            suggestion = int("".join(groups))
            return _refuse(
                AMBIGUOUS,
                shown,
                _comma_thousands_vi,
                _comma_thousands_en,
                suggestion=suggestion,
                dotted=_format_number(suggestion, "vi"),
                plain=str(suggestion),
            )
        return _refuse(AMBIGUOUS, shown, _comma_vi, _comma_en)

    if len(separators) > 1:
        # "1 793.000": two kinds of grouping in one number.
        return _refuse(AMBIGUOUS, shown, _mixed_groups_vi, _mixed_groups_en)
    if len(groups) > 1 and not grouped_by_thousands:
        if separators == {"."}:
            if len(groups) == 2 and len(groups[1]) <= 2:
                # "1.79", "12.5": reads as a decimal, and a count has none.
                return _refuse(NOT_INTEGER, shown, _short_group_vi, _short_group_en)
            return _refuse(AMBIGUOUS, shown, _bad_dot_groups_vi, _bad_dot_groups_en)
        # "12 3": one number with a stray space, or two numbers?
        return _refuse(AMBIGUOUS, shown, _bad_space_groups_vi, _bad_space_groups_en)

    digits = "".join(groups)
    if len(digits.lstrip("0")) > len(str(ABSOLUTE_MAX)):
        return _refuse(TOO_LARGE, shown, _too_large_vi, _too_large_en)
    return _from_int(int(digits), shown)


def _unreadable(text: str, shown: str) -> ParsedCount:
    """Explain why `text` is not "<number>[ <counting word>]"."""
    if len(_NUMBERS_ANYWHERE.findall(text)) >= 2:
        # "12 lớp/633 học viên", "2021-2022".
        return _refuse(NOT_A_NUMBER, shown, _several_vi, _several_en)

    first, _, rest = text.partition(" ")
    if any(char.isdigit() for char in first):
        # "l206", "1O": a letter where a digit belongs.
        repaired = first.translate(_LETTER_FOR_DIGIT)
        unit_ok = not rest or bool(re.fullmatch(r"[^\W\d_][^\d]*", rest))
        if repaired != first and re.fullmatch(_NUMBER, repaired) and unit_ok:
            guess = _from_digits(repaired, shown)
            if guess.value is not None:
                letters = "".join(sorted({c for c in first if not c.isdigit()} - set(".,")))
                return _refuse(
                    TYPING_SLIP,
                    shown,
                    _slip_number_vi,
                    _slip_number_en,
                    suggestion=guess.value,
                    letters=letters,
                    guess_vi=_format_number(guess.value, "vi"),
                    guess_en=_format_number(guess.value, "en"),
                )
        # "1ớp": the word "lớp" with a digit typed for the letter.
        word = first.translate(_DIGIT_FOR_LETTER).lower()
        if word in _COUNTING_WORDS:
            return _refuse(TYPING_SLIP, shown, _slip_word_vi, _slip_word_en, word=word)
        if any(char.isalpha() for char in first):
            return _refuse(NOT_A_NUMBER, shown, _mixed_vi, _mixed_en)
    return _refuse(NOT_A_NUMBER, shown, _generic_vi, _generic_en)


# --- messages --------------------------------------------------------------------------


def _shown(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"  # as JSON writes it, never Python's "True"
    text = raw if isinstance(raw, str) else str(raw)
    text = text.strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _refuse(
    code: str,
    shown: str,
    message_vi: str,
    message_en: str,
    *,
    suggestion: int | None = None,
    **extra: str,
) -> ParsedCount:
    return ParsedCount(
        None,
        Problem(
            code=code,
            message_vi=message_vi.format(raw=shown, **extra),
            message_en=message_en.format(raw=shown, **extra),
            suggestion=suggestion,
        ),
    )


_negative_vi = "“{raw}” là số âm; số đếm không thể âm."
_negative_en = "“{raw}” is negative; a count cannot be negative."

_fraction_vi = "“{raw}” không phải số nguyên; số đếm phải là số nguyên."
_fraction_en = "“{raw}” is not a whole number; a count must be a whole number."

_too_large_vi = "“{raw}” quá lớn để là một số đếm."
_too_large_en = "“{raw}” is far too large to be a count."

_formula_vi = (
    "“{raw}” là công thức bảng tính, không phải số. "
    "Hãy dán giá trị (Paste Special → Values) thay vì công thức."
)
_formula_en = (
    "“{raw}” is a spreadsheet formula, not a number. "
    "Paste the value (Paste Special → Values) instead of the formula."
)

_comma_thousands_vi = (
    "“{raw}” không rõ nghĩa: dấu phẩy có thể là dấu thập phân hoặc dấu ngăn cách hàng nghìn. "
    "Nếu là số {plain}, hãy nhập “{dotted}” (dấu chấm ngăn cách hàng nghìn) hoặc “{plain}”."
)
_comma_thousands_en = (
    "“{raw}” is ambiguous: in Vietnamese the comma is the decimal mark, elsewhere it "
    "separates thousands. If you mean the whole number {plain}, type “{dotted}” (the "
    "Vietnamese thousands dot) or “{plain}”."
)

_comma_vi = (
    "“{raw}” không rõ nghĩa: dấu phẩy có thể là dấu thập phân (số đếm phải là số nguyên) "
    "hoặc dấu ngăn cách hàng nghìn. Hãy nhập số nguyên, dùng dấu chấm để ngăn cách "
    "hàng nghìn (ví dụ 1.500)."
)
_comma_en = (
    "“{raw}” is ambiguous: the comma may be a decimal mark (a count must be a whole "
    "number) or a thousands separator. Type a whole number, with a dot between "
    "thousands as Vietnamese writing does (for example 1.500)."
)

_short_group_vi = (
    "“{raw}” không phải số nguyên hợp lệ: dấu chấm dùng để ngăn cách hàng nghìn và phải "
    "có đúng 3 chữ số theo sau (ví dụ 1.793). Số đếm không có phần thập phân."
)
_short_group_en = (
    "“{raw}” is not a valid whole number: in Vietnamese writing the dot separates "
    "thousands and is followed by exactly three digits (for example 1.793). A count "
    "has no decimal part."
)

_bad_dot_groups_vi = (
    "“{raw}” không rõ nghĩa: mỗi dấu chấm ngăn cách hàng nghìn phải có đúng 3 chữ số "
    "theo sau (ví dụ 1.793 hoặc 12.378)."
)
_bad_dot_groups_en = (
    "“{raw}” is ambiguous: each thousands dot must be followed by exactly three digits "
    "(for example 1.793 or 12.378)."
)

_bad_space_groups_vi = (
    "“{raw}” không rõ là một số hay hai số: khoảng trắng chỉ được dùng để ngăn cách "
    "hàng nghìn, với đúng 3 chữ số theo sau (ví dụ 1 793)."
)
_bad_space_groups_en = (
    "“{raw}” could be one number or two: a space may only separate thousands, followed "
    "by exactly three digits (for example 1 793)."
)

_mixed_groups_vi = "“{raw}” dùng lẫn nhiều kiểu ngăn cách hàng nghìn; hãy nhập ví dụ 1.793."
_mixed_groups_en = "“{raw}” mixes thousands separators; type for example 1.793."

_several_vi = (
    "“{raw}” có nhiều hơn một số; mỗi ô chỉ nhập một số "
    "(ví dụ số lớp và số học viên nhập ở hai ô riêng)."
)
_several_en = (
    "“{raw}” holds more than one number; enter one number per field "
    "(for example classes and learners in two separate fields)."
)

_slip_number_vi = (
    "“{raw}” có vẻ gõ nhầm chữ “{letters}” thay cho chữ số; có phải là {guess_vi}? "
    "Hãy nhập lại chỉ bằng chữ số."
)
_slip_number_en = (
    "“{raw}” looks like a typing slip (the letter “{letters}” in place of a digit): did "
    "you mean {guess_en}? Please retype it using digits only."
)

_slip_word_vi = (
    "“{raw}” có vẻ là chữ “{word}” bị gõ nhầm chữ số thay cho chữ cái, không phải một số."
)
_slip_word_en = (
    "“{raw}” looks like the word “{word}” with a digit typed in place of a letter, not a number."
)

_mixed_vi = (
    "“{raw}” có lẫn chữ với số. Chỉ nhập chữ số, có thể kèm đơn vị sau một dấu cách "
    "(ví dụ “12 lớp”)."
)
_mixed_en = (
    "“{raw}” mixes letters and digits. Type digits only, optionally followed by the unit "
    "after a space (for example “12 lớp”)."
)

_generic_vi = "Không đọc được “{raw}” thành một số. Hãy nhập chữ số; nhập 0 nếu không có."
_generic_en = "“{raw}” cannot be read as a number. Type digits; type 0 if there were none."

_boolean_vi = "“{raw}” là giá trị đúng/sai, không phải số. Hãy nhập chữ số; nhập 0 nếu không có."
_boolean_en = "“{raw}” is a true/false value, not a number. Type digits; type 0 if there were none."

_magnitude_offer_vi = (
    "“{raw}” có chữ “{word}”; hệ thống không tự nhân số lên. Có phải {meant_vi}? "
    "Nếu đúng, hãy nhập {meant_vi} (chỉ bằng chữ số)."
)
_magnitude_offer_en = (
    "“{raw}” has the word “{word}”; numbers are never multiplied for you. Did you mean "
    "{meant_en}? If so, type {plain} (digits only)."
)
_magnitude_vi = "“{raw}” có chữ “{word}”; hãy nhập số đầy đủ, chỉ bằng chữ số."
_magnitude_en = "“{raw}” has the word “{word}”; type the whole number, in digits only."

_trailing_vi = (
    "Đọc được số {number_vi} kèm chữ “{words}”, không phải đơn vị đếm. "
    "Hãy chỉ nhập chữ số; ghi chú (nếu có) để ở ô giải trình."
)
_trailing_en = (
    "Read the number {number_en} followed by “{words}”, which is not a counting unit. "
    "Type digits only; put any remark in the explanation."
)

_wrong_unit_vi = (
    "“{raw}” ghi đơn vị “{word}”, nhưng chỉ tiêu này đếm “{expected_vi}”; "
    "có thể số này là của chỉ tiêu khác. Hãy nhập số {expected_vi}, chỉ bằng chữ số."
)
_wrong_unit_en = (
    "“{raw}” counts “{word}”, but this indicator counts {expected_en}; the number may "
    "belong to another indicator. Type the number of {expected_en}, in digits only."
)

_scientific_offer_vi = (
    "“{raw}” là số viết dạng lũy thừa (ký hiệu khoa học), thường do bảng tính tự đổi. "
    "Có phải {meant_vi}? Nếu đúng, hãy nhập {meant_vi}."
)
_scientific_offer_en = (
    "“{raw}” is scientific notation, as spreadsheets show long numbers. Did you mean "
    "{meant_en}? If so, type {plain}."
)
_scientific_vi = (
    "“{raw}” là số viết dạng lũy thừa (ký hiệu khoa học) và không phải số nguyên; "
    "hãy nhập số đầy đủ bằng chữ số."
)
_scientific_en = (
    "“{raw}” is scientific notation and not a whole number; type the whole number in digits."
)

_workbook_decimal_vi = (
    "Ô chứa số thập phân {raw}, nhưng chỉ tiêu này là số nguyên. Có lẽ bảng tính "
    "(đặt ngôn ngữ tiếng Anh) đã đọc dấu chấm ngăn cách hàng nghìn thành dấu thập "
    "phân: có phải {plain}? Hãy nhập lại {plain}, không có dấu chấm."
)
_workbook_decimal_en = (
    "The cell holds the decimal {raw}, but this indicator is a whole number. A "
    "spreadsheet set to English probably read a Vietnamese thousands dot as a decimal "
    "point: did you mean {plain}? Type {plain} again, without the dot."
)
