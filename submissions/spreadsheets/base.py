"""What every spreadsheet module shares: the template's layout names, the
results (problems, parses) and the small text helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from catalogue.rollup import Mark
from core.formatting import format_number
from core.language import pick
from submissions.labels import normalise_label
from submissions.spreadsheets.limits import (
    MAX_REPORTED_PROBLEMS,
)

Kind = Literal["xlsx", "csv"]

# --- Template layout -------------------------------------------------------------

TEMPLATE_SHEET = "Số liệu"
INSTRUCTIONS_SHEET = "Hướng dẫn"
META_SHEET = "_meta"
TEMPLATE_FORMAT = "cum-hub/values/1"
CSV_COLUMNS = ("code", "section", "label_vi", "label_en", "unit", "value")
_HEADERS_VI = ("Mã chỉ tiêu", "Nhóm", "Chỉ tiêu", "Chỉ tiêu (tiếng Anh)", "Đơn vị", "Giá trị")
_HEADERS_EN = ("Code", "Section", "Indicator (Vietnamese)", "Indicator", "Unit", "Value")
_FIRST_DATA_ROW = 3
_VALUE_COLUMN = "F"

PERIOD_CODE_RE = re.compile(r"^\d{4}-(H1|Y|Q[1-4])$")

# A text cell starting with one of these is read as a formula by spreadsheet
# programs (CSV injection); tab and carriage return are in OWASP's list too.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")

# A value cell may say a figure's state instead of a number, in these words only
# (compared after `normalise_label`). "N/A" is not among them: it reads "not
# applicable" to some and "not available" to others, so it is refused.
MARK_TEXTS: dict[str, Mark] = {
    "khong co so lieu": "not_reported",
    "not reported": "not_reported",
    "khong ap dung": "not_applicable",
    "not applicable": "not_applicable",
}
# Words that suggest a state without naming one exactly ("không", "chưa có", "N/A",
# "none"): refused with the three ways to say it, never guessed.
_MARKISH_WORDS = frozenset(
    {"khong", "ko", "k", "chua", "not", "no", "none", "nil", "na", "n", "a", "kad", "kcsl"}
)


def read_mark(text: str) -> Mark | Literal["ambiguous"] | None:
    """The state a value cell's text names, "ambiguous" for a text that seems to name
    one without doing so exactly, None for anything else (a number, a blank)."""
    key = normalise_label(text)
    if key in MARK_TEXTS:
        return MARK_TEXTS[key]
    words = key.split()
    if words and not any(char.isdigit() for char in key) and set(words) & _MARKISH_WORDS:
        return "ambiguous"
    return None


MARK_AMBIGUOUS_VI = (
    "Không rõ “{text}” nghĩa là gì. Hãy ghi số (0 nếu không có), “không áp dụng”, "
    "hoặc “không có số liệu” (tài liệu gốc không nêu)."
)
MARK_AMBIGUOUS_EN = (
    "“{text}” is ambiguous. Write a number (0 if there were none), “not applicable”, or "
    "“not reported” (the source does not state it)."
)

# --- Results ---------------------------------------------------------------------


@dataclass(frozen=True)
class UploadProblem:
    """One problem, located the way the person who fills the sheet sees it.

    `row` is the 1-based spreadsheet row; `column` is a letter ("F") for XLSX and
    the header name ("value") for CSV. Both are None for file-wide problems.
    """

    sheet: str
    row: int | None
    column: str | None
    code: str | None
    message_vi: str
    message_en: str

    def message(self, language: str) -> str:
        """The message in `language` ("vi" or "en"); where it is comes with the fields."""
        return pick(self.message_vi, self.message_en, language)


@dataclass
class UploadParse:
    """A school's upload, read. `values` holds only indicators present in the file:
    None means the cell was blank (distinct from an indicator the file lacks)."""

    values: dict[str, int | None] = field(default_factory=dict)
    #: Cells that say "không áp dụng" / "không có số liệu" (their value is None).
    marks: dict[str, Mark] = field(default_factory=dict)
    errors: list[UploadProblem] = field(default_factory=list)
    warnings: list[UploadProblem] = field(default_factory=list)
    kind: Kind | None = None
    layout: Literal["template", "wide"] | None = None
    #: What the template's hidden "_meta" sheet says (period, catalogue_version,
    #: school, format), empty for CSV and foreign workbooks.
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class BulkRow:
    school: str
    period: str
    code: str
    value: int | None
    row_number: int
    #: "not_reported" / "not_applicable" when the cell says so (value None).
    mark: Mark | None = None


@dataclass
class BulkParse:
    rows: list[BulkRow] = field(default_factory=list)
    errors: list[UploadProblem] = field(default_factory=list)
    warnings: list[UploadProblem] = field(default_factory=list)
    kind: Kind | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class UploadRefused(ValueError):
    """The file is refused as a whole, before its cells are read."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en

    def message(self, language: str) -> str:
        return pick(self.message_vi, self.message_en, language)


# --- Small helpers ---------------------------------------------------------------


def neutralise_text(text: str) -> str:
    """Prefix a single quote to text a spreadsheet would run as a formula."""
    if text and text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def _unquote(text: str) -> str:
    """Undo `neutralise_text` on text read back from a cell."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(_FORMULA_TRIGGERS):
        return text[1:]
    return text


def _cell_text(raw: Any) -> str:
    """A code or label cell as text ('' for blank)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return _unquote(str(raw).strip())


class _Problems:
    """Collects problems, summarising beyond MAX_REPORTED_PROBLEMS."""

    def __init__(self, target: list[UploadProblem], sheet: str) -> None:
        self.target = target
        self.sheet = sheet
        self.dropped = 0

    def add(
        self,
        row: int | None,
        column: str | None,
        code: str | None,
        message_vi: str,
        message_en: str,
    ) -> None:
        if len(self.target) >= MAX_REPORTED_PROBLEMS:
            self.dropped += 1
            return
        self.target.append(UploadProblem(self.sheet, row, column, code, message_vi, message_en))

    def close(self) -> None:
        if self.dropped:
            self.target.append(
                UploadProblem(
                    self.sheet,
                    None,
                    None,
                    None,
                    f"… và {format_number(self.dropped, 'vi')} vấn đề khác cùng loại.",
                    f"… and {format_number(self.dropped, 'en')} more.",
                )
            )
            self.dropped = 0
