"""Spreadsheet templates for a school's figures, and the parsing of what comes back.

Most schools fill a spreadsheet rather than the web form. This module:

* builds the template a school downloads for one period (XLSX, or CSV for anyone
  whose tools choke on XLSX), pre-filled with the figures already entered;
* checks an uploaded file by its content before any parser touches it (size, zip
  bomb, macros, legacy formats, encodings);
* reads a school's upload (the template, any "row per indicator" sheet, or a
  "wide" sheet of one header row and one data row) into values and problems;
* reads the department's bulk file (long format: school, period, indicator,
  value) for backfilling history.

Everything here is pure (bytes in, dataclasses out): no Django, no database. The
caller applies nothing when `errors` is non-empty (uploads are all-or-nothing).

Numbers are read by `submissions.numbers.parse_count`, which knows Vietnamese
number writing ("1.793", "03", "2.546 học viên").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from catalogue.spec import UNITS, Catalogue, IndicatorSpec
from submissions.labels import LabelIndex, normalise_label
from submissions.numbers import parse_count

__all__ = [
    "CSV_COLUMNS",
    "INSTRUCTIONS_SHEET",
    "MAX_BULK_COLUMNS",
    "MAX_BULK_ROWS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "META_SHEET",
    "PERIOD_CODE_RE",
    "TEMPLATE_FORMAT",
    "TEMPLATE_SHEET",
    "BulkParse",
    "BulkRow",
    "UploadParse",
    "UploadProblem",
    "UploadRefused",
    "build_template_csv",
    "build_template_xlsx",
    "iter_problems",
    "neutralise_text",
    "parse_bulk_upload",
    "parse_values_upload",
    "sniff_kind",
]

Kind = Literal["xlsx", "csv"]

# --- Safety limits ---------------------------------------------------------------

#: Largest upload accepted, in bytes (the template is ~15 kB).
MAX_BYTES = 5 * 1024 * 1024
#: Most rows (blank ones included) read from a school's sheet. The template has one
#: row per indicator (~150) plus two header rows.
MAX_ROWS = 5_000
#: Most rows in the department's bulk file. 63 schools x ~200 indicators x 2
#: periods is ~25,000 rows, which MAX_ROWS would refuse.
MAX_BULK_ROWS = 50_000
#: Most columns read from a school's sheet (the wide layout has one per indicator).
MAX_COLUMNS = 1_000
#: Most columns read from the bulk file (it needs four).
MAX_BULK_COLUMNS = 50
#: Zip bomb guard: total declared uncompressed size of all members of an XLSX.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: Zip bomb guard: uncompressed/compressed ratio allowed for a member of at least
#: RATIO_CHECK_MIN_BYTES (small members legitimately compress very well). Real
#: worksheets compress 5-30x.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024
#: Most members in an XLSX zip (a real one has 10-30).
MAX_ZIP_MEMBERS = 500
#: Rows searched for the header row.
HEADER_SCAN_ROWS = 20
#: Problems reported before the rest are summarised in one line.
MAX_REPORTED_PROBLEMS = 300

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

# Header words, compared after `normalise_label` (case, diacritics, punctuation).
_VALUES_HEADERS: dict[str, frozenset[str]] = {
    "code": frozenset({"code", "ma", "ma chi tieu", "ma so", "indicator code", "ma chi so"}),
    "section": frozenset({"section", "nhom", "nhom chi tieu", "linh vuc", "muc"}),
    "label_vi": frozenset(
        {
            "label vi",
            "chi tieu",
            "ten chi tieu",
            "noi dung",
            "indicator vietnamese",
            "label vietnamese",
            "chi tieu tieng viet",
        }
    ),
    "label_en": frozenset(
        {"label en", "indicator", "indicator english", "label english", "chi tieu tieng anh"}
    ),
    "unit": frozenset({"unit", "don vi", "don vi tinh", "dvt"}),
    "value": frozenset({"value", "gia tri", "so lieu", "so luong", "ket qua"}),
    # A one-school file in the long format (school, period, indicator, value) reads as
    # this layout too; its period column is then checked against the upload's period.
    "period": frozenset({"period", "ky", "ky bao cao", "period code", "ma ky"}),
    "school": frozenset(
        {"school", "truong", "ten truong", "ma truong", "school name", "school code"}
    ),
}
_BULK_HEADERS: dict[str, frozenset[str]] = {
    "school": frozenset(
        {"school", "truong", "ten truong", "ma truong", "school name", "school code"}
    ),
    "period": frozenset({"period", "ky", "ky bao cao", "period code", "ma ky"}),
    "indicator": frozenset(
        {"indicator", "chi tieu", "ma chi tieu", "indicator code", "code", "ten chi tieu"}
    ),
    "value": frozenset({"value", "gia tri", "so lieu"}),
}
# Cells of a wide header row that are not indicators.
_WIDE_CONTEXT_HEADERS: dict[str, frozenset[str]] = {
    "school": _BULK_HEADERS["school"],
    "period": _BULK_HEADERS["period"],
    "ignored": frozenset({"stt", "tt", "so thu tu", "no", "nam", "year", "ghi chu", "note"}),
}
_WIDE_HEADER_WORDS: frozenset[str] = frozenset().union(*_WIDE_CONTEXT_HEADERS.values())


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

    def display(self, language: str = "vi") -> str:
        vi = language == "vi"
        parts = []
        if self.sheet:
            parts.append(f"Trang “{self.sheet}”" if vi else f"Sheet “{self.sheet}”")
        if self.row is not None:
            parts.append(f"dòng {self.row}" if vi else f"row {self.row}")
        if self.column:
            parts.append(f"cột {self.column}" if vi else f"column {self.column}")
        if self.code:
            parts.append(f"({self.code})")
        where = ", ".join(parts)
        message = self.message_vi if vi else self.message_en
        return f"{where}: {message}" if where else message


@dataclass
class UploadParse:
    """A school's upload, read. `values` holds only indicators present in the file:
    None means the cell was blank (distinct from an indicator the file lacks)."""

    values: dict[str, int | None] = field(default_factory=dict)
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


# --- Small helpers ---------------------------------------------------------------


def _fmt_vi(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _fmt_en(number: int) -> str:
    return f"{number:,}"


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
                    f"… và {_fmt_vi(self.dropped)} vấn đề khác cùng loại.",
                    f"… and {_fmt_en(self.dropped)} more.",
                )
            )
            self.dropped = 0


# --- Templates -------------------------------------------------------------------


@dataclass(frozen=True)
class _TemplateRow:
    indicator: IndicatorSpec
    section: str
    unit: str
    value: int | None
    depth: int


def _template_rows(
    catalogue: Catalogue, values: dict[str, int | None], language: str
) -> list[_TemplateRow]:
    english = language == "en"
    sections = {section.code: section for section in catalogue.sections}
    by_code = catalogue.by_code

    def depth(indicator: IndicatorSpec) -> int:
        level, parent, seen = 0, indicator.parent, {indicator.code}
        while parent and parent in by_code and parent not in seen:
            seen.add(parent)
            level += 1
            parent = by_code[parent].parent
        return level

    def sort_key(indicator: IndicatorSpec) -> tuple[int, int]:
        section = sections.get(indicator.section)
        return (section.order if section else len(sections), indicator.order)

    rows = []
    for indicator in sorted(catalogue.indicators, key=sort_key):
        section = sections.get(indicator.section)
        section_label = (
            (section.label_en if english else section.label_vi) if section else indicator.section
        )
        unit_vi, unit_en = UNITS.get(indicator.unit, (indicator.unit, indicator.unit))
        value = values.get(indicator.code)
        rows.append(
            _TemplateRow(
                indicator=indicator,
                section=section_label,
                unit=unit_en if english else unit_vi,
                value=value,
                depth=depth(indicator),
            )
        )
    return rows


def _instructions(
    *, school_name: str, period_code: str, catalogue: Catalogue, language: str
) -> list[tuple[str, bool]]:
    """(line, is_heading) pairs for the instructions sheet; Vietnamese then English,
    or English first when the template is built in English."""
    vi = [
        ("HƯỚNG DẪN NHẬP SỐ LIỆU", True),
        (f"Trường: {school_name}", False),
        (
            f"Kỳ báo cáo: {period_code}   •   Danh mục chỉ tiêu: phiên bản {catalogue.version}",
            False,
        ),
        ("", False),
        (
            f"1. Chỉ nhập vào cột “Giá trị” (cột {_VALUE_COLUMN}) của trang “{TEMPLATE_SHEET}”; "
            "các cột khác bị khóa.",
            False,
        ),
        (
            "2. Mỗi dòng là một chỉ tiêu. Nhập số nguyên không âm, ví dụ 1793 hoặc 1.793 "
            "(dấu chấm phân cách hàng nghìn). Không nhập số thập phân, chữ hay công thức.",
            False,
        ),
        (
            "3. Để trống ô nếu chưa có số liệu; nhập 0 nếu số liệu bằng không. "
            "Ô trống và số 0 được hiểu khác nhau.",
            False,
        ),
        ("4. Không thêm, xóa hay đổi thứ tự dòng; không sửa cột “Mã chỉ tiêu”.", False),
        (
            "5. Tệp mẫu này chỉ dùng cho kỳ báo cáo ghi ở trên. Tải tệp lên đúng kỳ; "
            "tệp của kỳ khác sẽ bị từ chối.",
            False,
        ),
        (
            "6. Lưu dưới dạng Excel (.xlsx). Nếu lưu CSV, chọn “CSV UTF-8”. "
            "Không lưu dạng .xls hoặc .xlsm (có macro).",
            False,
        ),
        (
            "7. Khi tải lên, hệ thống kiểm tra toàn bộ tệp: nếu có lỗi, không số liệu nào được "
            "ghi và danh sách lỗi (trang, dòng, cột) được hiển thị để sửa.",
            False,
        ),
    ]
    en = [
        ("HOW TO FILL IN THIS TEMPLATE", True),
        (f"School: {school_name}", False),
        (f"Period: {period_code}   •   Indicator catalogue: version {catalogue.version}", False),
        ("", False),
        (
            f"1. Type only in the “Value” column (column {_VALUE_COLUMN}) of the "
            f"“{TEMPLATE_SHEET}” sheet; the other columns are locked.",
            False,
        ),
        (
            "2. One row per indicator. Enter a whole number, not negative, e.g. 1793 or 1.793 "
            "(a dot separates thousands). No decimals, words or formulas.",
            False,
        ),
        (
            "3. Leave a cell blank when the figure is not known yet; enter 0 when it is zero. "
            "Blank and 0 mean different things.",
            False,
        ),
        ("4. Do not add, delete or reorder rows, and do not edit the “Code” column.", False),
        (
            "5. This template is for the period above only. Upload it to that period; a file "
            "made for another period is refused.",
            False,
        ),
        (
            "6. Save as Excel (.xlsx). If you save as CSV, choose “CSV UTF-8”. Do not save as "
            ".xls or macro-enabled .xlsm.",
            False,
        ),
        (
            "7. The whole file is checked on upload: if anything is wrong, nothing is saved and "
            "the problems are listed with sheet, row and column so you can fix them.",
            False,
        ),
    ]
    first, second = (en, vi) if language == "en" else (vi, en)
    return [*first, ("", False), *second]


def build_template_xlsx(
    *,
    catalogue: Catalogue,
    school_name: str,
    period_code: str,
    values: dict[str, int | None],
    language: str = "vi",
) -> bytes:
    """The XLSX a school fills for one period.

    Sheet "Số liệu": row 1 Vietnamese headers, row 2 English headers, then one row
    per indicator, grouped by section in catalogue order: A code, B section, C
    Vietnamese label (indented under its parent), D English label, E unit, F value
    (pre-filled; blank stays blank). Only F is unlocked, with whole-number
    validation 0..max_value; the sheet and the workbook structure are protected
    (no password: it prevents slips, it is not a secret). Sheet "Hướng dẫn":
    instructions in Vietnamese and English. Very hidden sheet "_meta": format,
    period, catalogue_version, school, language, read back on upload to refuse
    another period's template. Document properties carry period and school. No
    formulas anywhere; text that a spreadsheet would run is neutralised.
    `language` ("vi" or "en") picks the section and unit words and which language
    the instructions start with.
    """
    rows = _template_rows(catalogue, values, language)
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET

    thin = Side(style="thin", color="B7B7B7")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="1F4E78")
    header_fill_en = PatternFill("solid", fgColor="DDEBF7")
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    section_fills = (PatternFill("solid", fgColor="FFFFFF"), PatternFill("solid", fgColor="F2F2F2"))
    unlocked = Protection(locked=False)

    for column, (vi, en) in enumerate(zip(_HEADERS_VI, _HEADERS_EN, strict=True), start=1):
        top = ws.cell(row=1, column=column, value=neutralise_text(vi))
        top.font = Font(bold=True, color="FFFFFF")
        top.fill = header_fill
        top.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        top.border = border
        bottom = ws.cell(row=2, column=column, value=neutralise_text(en))
        bottom.font = Font(italic=True, color="1F4E78")
        bottom.fill = header_fill_en
        bottom.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        bottom.border = border

    validations: dict[int, DataValidation] = {}
    section_index, previous_section = -1, None
    for offset, row in enumerate(rows):
        number = _FIRST_DATA_ROW + offset
        if row.indicator.section != previous_section:
            section_index, previous_section = section_index + 1, row.indicator.section
        fill = section_fills[section_index % 2]
        texts = (
            row.indicator.code,
            row.section,
            row.indicator.label_vi,
            row.indicator.label_en,
            row.unit,
        )
        for column, text in enumerate(texts, start=1):
            cell = ws.cell(row=number, column=column, value=neutralise_text(text or ""))
            cell.fill = fill
            cell.border = border
            cell.alignment = Alignment(
                vertical="top",
                wrap_text=column in (2, 3, 4),
                indent=row.depth if column in (3, 4) else 0,
            )
        value_cell = ws.cell(row=number, column=6, value=row.value)
        value_cell.protection = unlocked
        value_cell.fill = input_fill
        value_cell.border = border
        value_cell.number_format = "#,##0"
        value_cell.alignment = Alignment(horizontal="right", vertical="top")

        maximum = row.indicator.max_value
        validation = validations.get(maximum)
        if validation is None:
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1="0",
                formula2=str(maximum),
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop",
                errorTitle="Giá trị không hợp lệ",
                error=(
                    f"Nhập số nguyên từ 0 đến {_fmt_vi(maximum)}, hoặc để trống. "
                    f"/ Enter a whole number from 0 to {_fmt_en(maximum)}, or leave blank."
                ),
                showInputMessage=True,
                promptTitle="Giá trị / Value",
                prompt=f"Số nguyên 0 – {_fmt_vi(maximum)}; để trống nếu chưa có số liệu.",
            )
            validations[maximum] = validation
            ws.add_data_validation(validation)
        validation.add(f"{_VALUE_COLUMN}{number}")

    for letter, width in zip("ABCDEF", (26, 24, 48, 40, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{_FIRST_DATA_ROW}"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # "&" starts a header/footer code in spreadsheet programs; "&&" prints one "&".
    ws.oddHeader.center.text = f"{school_name} — {period_code}".replace("&", "&&")
    _protect(ws, allow_resize=True)

    guide = wb.create_sheet(INSTRUCTIONS_SHEET)
    guide.column_dimensions["A"].width = 110
    lines = _instructions(
        school_name=school_name, period_code=period_code, catalogue=catalogue, language=language
    )
    for number, (line, heading) in enumerate(lines, start=1):
        cell = guide.cell(row=number, column=1, value=neutralise_text(line) or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if heading:
            cell.font = Font(bold=True, size=13, color="1F4E78")
    _protect(guide, allow_resize=True)

    meta = wb.create_sheet(META_SHEET)
    for number, (key, value) in enumerate(
        (
            ("format", TEMPLATE_FORMAT),
            ("period", period_code),
            ("catalogue_version", str(catalogue.version)),
            ("school", school_name),
            ("language", language),
        ),
        start=1,
    ):
        meta.cell(row=number, column=1, value=key)
        # Stored as text so "2024" stays "2024" and a school name is never a formula.
        meta.cell(row=number, column=2, value=neutralise_text(value)).data_type = "s"
    meta.sheet_state = "veryHidden"
    _protect(meta, allow_resize=False)

    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    properties = wb.properties
    properties.title = f"Số liệu {period_code} — {school_name}"
    properties.subject = f"Số liệu kỳ {period_code} / Figures for {period_code}"
    properties.creator = "Cụm Hub"
    properties.keywords = f"{period_code}; {school_name}; catalogue {catalogue.version}"
    properties.description = (
        f"Mẫu nhập số liệu kỳ {period_code} của {school_name}. "
        f"Template for {school_name}'s figures, period {period_code}."
    )
    properties.category = TEMPLATE_FORMAT
    properties.lastModifiedBy = "Cụm Hub"
    wb.custom_doc_props.append(StringProperty(name="cum_hub_period", value=period_code))
    wb.custom_doc_props.append(StringProperty(name="cum_hub_school", value=school_name))
    wb.custom_doc_props.append(
        IntProperty(name="cum_hub_catalogue_version", value=int(catalogue.version))
    )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _protect(ws: Any, *, allow_resize: bool) -> None:
    """Lock the sheet (no password: this prevents slips, it is not a secret)."""
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = not allow_resize  # False means "allowed" in OOXML terms
    protection.formatRows = not allow_resize
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def build_template_csv(
    *,
    catalogue: Catalogue,
    school_name: str,
    period_code: str,
    values: dict[str, int | None],
    language: str = "vi",
) -> bytes:
    """The same rows as the XLSX template, as UTF-8 CSV with a BOM (so Excel shows
    Vietnamese correctly). A CSV carries no period: the caller names the file with
    it, e.g. `so-lieu-<school>-<period>.csv`."""
    del school_name, period_code  # a CSV has nowhere to carry them without breaking columns
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _template_rows(catalogue, values, language):
        writer.writerow(
            [
                neutralise_text(row.indicator.code),
                neutralise_text(row.section),
                neutralise_text(row.indicator.label_vi),
                neutralise_text(row.indicator.label_en),
                neutralise_text(row.unit),
                "" if row.value is None else str(int(row.value)),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- Content sniffing ------------------------------------------------------------


def sniff_kind(data: bytes, filename: str) -> Kind:
    """ "xlsx" or "csv" from the CONTENT (the name is used in messages only).

    Raises UploadRefused for anything else: too big, empty, legacy .xls (or an
    encrypted workbook, which is an OLE file too), macro-enabled workbooks even when
    renamed, other zips (.docx, .ods), zip bombs, binaries, text not in UTF-8.
    """
    name = filename or "tệp"
    if not data:
        raise UploadRefused(f"Tệp “{name}” rỗng.", f"The file “{name}” is empty.")
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise UploadRefused(
            f"Tệp “{name}” lớn hơn {limit} MB.", f"The file “{name}” is larger than {limit} MB."
        )
    if data.startswith(_OLE_MAGIC):
        raise UploadRefused(
            f"Tệp “{name}” là tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu; "
            "hệ thống không đọc được. Hãy mở tệp, bỏ mật khẩu nếu có, rồi “Lưu thành” "
            "Sổ làm việc Excel (.xlsx).",
            f"“{name}” is a legacy Excel 97–2003 (.xls) or password-protected workbook, "
            "which cannot be read. Open it, remove any password and “Save As” an Excel "
            "Workbook (.xlsx).",
        )
    if data.startswith(b"PK"):
        _check_xlsx_zip(data, name)
        return "xlsx"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _encoding_refusal(name, "UTF-16")
    if data.startswith(b"%PDF"):
        raise UploadRefused(
            f"Tệp “{name}” là PDF; hãy tải lên tệp Excel (.xlsx) hoặc CSV.",
            f"“{name}” is a PDF; upload an Excel (.xlsx) or CSV file.",
        )
    if b"\x00" in data or _looks_binary(data[:8192]):
        raise UploadRefused(
            f"Tệp “{name}” không phải tệp Excel (.xlsx) hay CSV.",
            f"“{name}” is neither an Excel (.xlsx) nor a CSV file.",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_refusal(name, "") from exc
    return "csv"


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > max(2, len(head) // 100)


def _encoding_refusal(name: str, found: str) -> UploadRefused:
    found_vi = f" (tệp đang là {found})" if found else ""
    found_en = f" (this one is {found})" if found else ""
    return UploadRefused(
        f"Tệp CSV “{name}” phải dùng bảng mã UTF-8 (có hoặc không có BOM){found_vi}. "
        "Trong Excel, chọn “Lưu thành” → “CSV UTF-8 (phân cách bằng dấu phẩy)”. "
        "Các bảng mã khác (Windows-1258, TCVN3, UTF-16) không được nhận.",
        f"The CSV file “{name}” must be UTF-8 (with or without BOM){found_en}. In Excel, "
        "choose “Save As” → “CSV UTF-8 (Comma delimited)”. Other encodings "
        "(Windows-1258, TCVN3, UTF-16) are not accepted.",
    )


def _check_xlsx_zip(data: bytes, name: str) -> None:
    """Refuse a zip that is not a plain XLSX, or that would inflate too much,
    reading only the central directory (and [Content_Types].xml, bounded)."""
    not_xlsx = UploadRefused(
        f"Tệp “{name}” không phải sổ làm việc Excel (.xlsx) hợp lệ.",
        f"“{name}” is not a valid Excel workbook (.xlsx).",
    )
    bomb = UploadRefused(
        f"Tệp “{name}” giải nén ra quá lớn (nghi là “bom nén”); hệ thống không mở.",
        f"“{name}” would decompress to too much data (a zip bomb?); it was not opened.",
    )
    macro = UploadRefused(
        f"Tệp “{name}” là sổ làm việc có macro (.xlsm); vì an toàn, hệ thống không nhận. "
        "Hãy “Lưu thành” Sổ làm việc Excel (.xlsx).",
        f"“{name}” is a macro-enabled workbook (.xlsm), refused for safety. "
        "“Save As” an Excel Workbook (.xlsx).",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise not_xlsx from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise bomb
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size >= RATIO_CHECK_MIN_BYTES and (
                info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise bomb
        if total > MAX_UNCOMPRESSED_BYTES:
            raise bomb
        names = {info.filename for info in infos}
        if any(entry.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for entry in names):
            raise macro
        if "mimetype" in names and "content.xml" in names:
            raise UploadRefused(
                f"Tệp “{name}” là bảng tính OpenDocument (.ods); hãy lưu thành Excel (.xlsx).",
                f"“{name}” is an OpenDocument spreadsheet (.ods); save it as Excel (.xlsx).",
            )
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise not_xlsx
        if any(info.flag_bits & 0x1 for info in infos):
            raise not_xlsx  # encrypted members
        content_types = archive.getinfo("[Content_Types].xml")
        if content_types.file_size > 1024 * 1024:
            raise not_xlsx
        try:
            declared = archive.read(content_types).lower()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise not_xlsx from exc
        if b"macroenabled" in declared or b"vbaproject" in declared:
            raise macro


# --- Reading cells ---------------------------------------------------------------


@dataclass
class _Table:
    """A sheet's cells as rows of Python values; rows[i] is spreadsheet row i + 1."""

    kind: Kind
    sheet: str
    rows: list[list[Any]]
    #: (row, column), both 1-based, of cells that hold a formula.
    formulas: set[tuple[int, int]] = field(default_factory=set)
    #: CSV only: the header row's texts, to name columns in problems.
    header: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def column_name(self, index: int) -> str:
        """Name of the 0-based column `index` as its user sees it."""
        if self.kind == "csv" and index < len(self.header) and self.header[index]:
            return self.header[index]
        return get_column_letter(index + 1)

    def cell(self, row: int, index: int) -> Any:
        cells = self.rows[row - 1]
        return cells[index] if index < len(cells) else None


def _too_many_rows(name: str, limit: int) -> UploadRefused:
    return UploadRefused(
        f"“{name}” có hơn {_fmt_vi(limit)} dòng; hãy kiểm tra lại tệp.",
        f"“{name}” has more than {_fmt_en(limit)} rows; check the file.",
    )


def _too_many_columns(name: str, limit: int) -> UploadRefused:
    return UploadRefused(
        f"“{name}” có hơn {_fmt_vi(limit)} cột; hãy kiểm tra lại tệp.",
        f"“{name}” has more than {_fmt_en(limit)} columns; check the file.",
    )


def _trim(cells: Iterable[Any]) -> list[Any]:
    """The row without its trailing blank cells (so a blank row is [])."""
    row = list(cells)
    end = len(row)
    while end and (
        row[end - 1] is None or (isinstance(row[end - 1], str) and not row[end - 1].strip())
    ):
        end -= 1
    del row[end:]
    return row


def _read_table(
    data: bytes,
    *,
    kind: Kind,
    filename: str,
    max_rows: int,
    max_columns: int,
    prefer_sheet: str | None,
) -> _Table:
    if kind == "csv":
        return _read_csv(data, filename=filename, max_rows=max_rows, max_columns=max_columns)
    return _read_xlsx(
        data,
        filename=filename,
        max_rows=max_rows,
        max_columns=max_columns,
        prefer_sheet=prefer_sheet,
    )


def _read_csv(data: bytes, *, filename: str, max_rows: int, max_columns: int) -> _Table:
    text = data.decode("utf-8-sig")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel in a Vietnamese locale saves "CSV" with semicolons (comma is the decimal
    # mark there); pick the delimiter the header line uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    sheet = filename or "CSV"
    rows: list[list[Any]] = []
    try:
        for number, record in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            if number > max_rows:
                raise _too_many_rows(sheet, max_rows)
            if len(record) > max_columns:
                raise _too_many_columns(sheet, max_columns)
            rows.append(_trim(record))
    except csv.Error as exc:
        raise UploadRefused(
            f"Không đọc được tệp CSV “{sheet}”: {exc}.", f"Cannot read the CSV “{sheet}”: {exc}."
        ) from exc
    return _Table(kind="csv", sheet=sheet, rows=rows)


def _read_xlsx(
    data: bytes,
    *,
    filename: str,
    max_rows: int,
    max_columns: int,
    prefer_sheet: str | None,
) -> _Table:
    name = filename or "tệp"
    unreadable = UploadRefused(
        f"Không đọc được sổ làm việc “{name}”; hãy mở và lưu lại bằng Excel (.xlsx).",
        f"Cannot read the workbook “{name}”; open it and save it again as .xlsx.",
    )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it ignores (conditional formats, slicers).
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises a zoo of errors on malformed parts
        raise unreadable from exc
    try:
        ws = _pick_sheet(workbook, prefer_sheet)
        if ws is None:
            raise UploadRefused(
                f"Sổ làm việc “{name}” không có trang tính nào.",
                f"The workbook “{name}” has no worksheet.",
            )
        title = ws.title
        # Dimension guard: a declared "A1:XFD1048576" would make openpyxl pad a
        # million empty rows. Refuse before reading any cell.
        if ws.max_row is not None and ws.max_row > max_rows:
            raise _too_many_rows(title, max_rows)
        if ws.max_column is not None and ws.max_column > max_columns:
            raise _too_many_columns(title, max_columns)
        if (ws.max_row or 0) <= 1 and (ws.max_column or 0) <= 1:
            # Some writers declare "A1" whatever the content; openpyxl would then
            # cut every row to one cell. Read without the declared size instead.
            ws.reset_dimensions()
        # Rows are padded to `width` cells: bounded, whatever a stray far cell says.
        width = ws.max_column or max_columns
        try:
            rows = _collect_rows(ws, title=title, max_rows=max_rows, width=width)
            meta = _read_meta(workbook)
        except UploadRefused:
            raise
        except Exception as exc:
            raise unreadable from exc
    finally:
        workbook.close()
    table = _Table(kind="xlsx", sheet=title, rows=rows, meta=meta)
    try:
        if _has_formula_elements(data):
            table.formulas = _formula_cells(data, title=title, max_rows=max_rows, width=width)
    except Exception as exc:
        raise unreadable from exc
    return table


def _pick_sheet(workbook: Any, prefer: str | None) -> Any:
    sheets = list(workbook.worksheets)
    if prefer:
        wanted = normalise_label(prefer)
        for ws in sheets:
            if normalise_label(ws.title) == wanted:
                return ws
    skip = {normalise_label(INSTRUCTIONS_SHEET), normalise_label(META_SHEET), "instructions"}
    for ws in sheets:
        if ws.sheet_state == "visible" and normalise_label(ws.title) not in skip:
            return ws
    return sheets[0] if sheets else None


def _collect_rows(ws: Any, *, title: str, max_rows: int, width: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for number, cells in enumerate(
        ws.iter_rows(min_row=1, max_row=max_rows + 1, max_col=width, values_only=True), start=1
    ):
        if number > max_rows:
            raise _too_many_rows(title, max_rows)
        rows.append(_trim(cells))
    # Rows trailing after the last non-blank one carry nothing.
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _read_meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    meta: dict[str, str] = {}
    for cells in workbook[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if len(cells) >= 2 and cells[0] is not None and cells[1] is not None:
            meta[str(cells[0]).strip()] = _cell_text(cells[1])
    if meta.get("format", "").split("/")[:2] != TEMPLATE_FORMAT.split("/")[:2]:
        return {}
    return meta


def _has_formula_elements(data: bytes) -> bool:
    """Cheap pre-check: does any worksheet XML contain an <f> element? Only then is
    the workbook read a second time to find which cells hold formulas."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                tail = b""
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        if _FORMULA_ELEMENT.search(tail + chunk):
                            return True
                        tail = chunk[-64:]
    return False


def _formula_cells(data: bytes, *, title: str, max_rows: int, width: int) -> set[tuple[int, int]]:
    """Coordinates of formula cells, from a read with data_only=False (formulas are
    read as text, never evaluated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    try:
        found = set()
        ws = workbook[title]
        for cells in ws.iter_rows(min_row=1, max_row=max_rows, max_col=width):
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    found.add((cell.row, cell.column))
        return found
    finally:
        workbook.close()


# --- Values --------------------------------------------------------------------


@dataclass(frozen=True)
class _CellRead:
    """A cell read for use: its value, or None with `failed` when a problem was
    already reported for it."""

    value: Any
    failed: bool = False


def _read_cell(
    table: _Table,
    row: int,
    index: int,
    code: str | None,
    problems: _Problems,
    notes: _Problems,
) -> _CellRead:
    raw = table.cell(row, index)
    if (row, index + 1) in table.formulas:
        column = table.column_name(index)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            problems.add(
                row,
                column,
                code,
                "Ô có công thức không có giá trị (công thức không có giá trị đã lưu); "
                "hãy nhập số trực tiếp, hoặc mở tệp bằng Excel và lưu lại.",
                "The cell holds a formula with no saved result; type the number instead, "
                "or open the file in Excel and save it again.",
            )
            return _CellRead(None, failed=True)
        notes.add(
            row,
            column,
            code,
            f"Ô có công thức; đã dùng kết quả lưu trong tệp ({raw}).",
            f"The cell holds a formula; its saved result ({raw}) was used.",
        )
    return _CellRead(raw)


def _parse_value(
    raw: Any,
    indicator: IndicatorSpec,
    *,
    row: int,
    column: str,
    problems: _Problems,
) -> tuple[bool, int | None]:
    """(ok, value) for a value cell; problems reported on failure."""
    code = indicator.code

    def fail(message_vi: str, message_en: str) -> tuple[bool, int | None]:
        problems.add(row, column, code, message_vi, message_en)
        return False, None

    if raw is None:
        return True, None
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        return fail(
            "Ô giá trị đã bị Excel hiểu là ngày/giờ; hãy định dạng ô là số và nhập lại "
            "(ví dụ 1793).",
            "Excel took the value for a date or time; format the cell as a number and type "
            "it again (e.g. 1793).",
        )
    if isinstance(raw, str):
        raw = _unquote(raw.strip())
        if not raw:
            return True, None
    # Text ("1.793", "03", "2.546 học viên") and numbers alike; refusals carry the
    # raw text in their message.
    parsed = parse_count(raw)
    if parsed.error is not None:
        return fail(parsed.error.message_vi, parsed.error.message_en)
    if parsed.value is None:
        return True, None
    value = parsed.value
    if value > indicator.max_value:
        return fail(
            f"{_fmt_vi(value)} vượt quá mức tối đa {_fmt_vi(indicator.max_value)} của chỉ tiêu "
            "này; có gõ nhầm không?",
            f"{_fmt_en(value)} is above this indicator's maximum of "
            f"{_fmt_en(indicator.max_value)}; a typing slip?",
        )
    return True, value


def _header_keys(cells: list[Any], vocabulary: dict[str, frozenset[str]]) -> dict[str, int]:
    """Header key -> 0-based column, for the cells of one row (first one wins)."""
    found: dict[str, int] = {}
    for index, raw in enumerate(cells):
        if raw is None:
            continue
        key = normalise_label(_cell_text(raw))
        for name, words in vocabulary.items():
            if key in words and name not in found:
                found[name] = index
                break
    return found


def _is_header_like(cells: list[Any], vocabulary: dict[str, frozenset[str]]) -> bool:
    texts = [normalise_label(_cell_text(raw)) for raw in cells if _cell_text(raw)]
    words = frozenset().union(*vocabulary.values())
    return len(texts) >= 2 and all(text in words for text in texts)


class _Resolver:
    """Indicator code from a code cell or a label, with the reasons when it fails."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.labels = LabelIndex(catalogue)
        self.lower_codes = {code.casefold(): code for code in catalogue.by_code}
        self.retired = {code.casefold() for code in catalogue.retired}

    def code(self, text: str) -> str | None:
        if text in self.catalogue.by_code:
            return text
        return self.lower_codes.get(text.casefold())

    def code_problem(self, text: str) -> tuple[str, str]:
        if text.casefold() in self.retired:
            return (
                f"Mã chỉ tiêu “{text}” đã ngừng sử dụng trong danh mục phiên bản "
                f"{self.catalogue.version}.",
                f"The indicator code “{text}” is retired in catalogue version "
                f"{self.catalogue.version}.",
            )
        return (
            f"Mã chỉ tiêu “{text}” không có trong danh mục (phiên bản {self.catalogue.version}).",
            f"Unknown indicator code “{text}” (catalogue version {self.catalogue.version}).",
        )

    def label_problem(self, text: str, ambiguous: tuple[str, ...]) -> tuple[str, str]:
        if ambiguous:
            listed = ", ".join(ambiguous)
            return (
                f"Tên chỉ tiêu “{text}” khớp với nhiều chỉ tiêu ({listed}); hãy ghi mã chỉ tiêu.",
                f"The label “{text}” matches several indicators ({listed}); give the code.",
            )
        return (
            f"Không nhận ra chỉ tiêu “{text}”; hãy ghi mã chỉ tiêu hoặc đúng tên trong mẫu.",
            f"Unknown indicator “{text}”; give its code or its label as in the template.",
        )

    def any(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        """Code from text that may be a code or a label: (code, ambiguous codes)."""
        code = self.code(text)
        if code:
            return code, ()
        found = self.labels.lookup(text)
        return found.code, found.ambiguous


def parse_values_upload(
    *,
    data: bytes,
    filename: str,
    catalogue: Catalogue,
    period_code: str | None = None,
) -> UploadParse:
    """Read one school's figures for one period from an XLSX or CSV upload.

    Accepts the template layout (a header row naming at least a value column and a
    code or label column; one row per indicator) and the wide layout (one header row
    of codes or labels, one data row). Never raises for a bad file: every problem is
    in `errors` (nothing should be applied then) or `warnings`.
    """
    result = UploadParse()
    try:
        result.kind = sniff_kind(data, filename)
        table = _read_table(
            data,
            kind=result.kind,
            filename=filename,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
            prefer_sheet=TEMPLATE_SHEET,
        )
    except UploadRefused as refusal:
        result.errors.append(
            UploadProblem(filename, None, None, None, refusal.message_vi, refusal.message_en)
        )
        return result

    result.meta = dict(table.meta)
    problems = _Problems(result.errors, table.sheet)
    notes = _Problems(result.warnings, table.sheet)
    _check_meta(table.meta, catalogue, period_code, problems, notes)
    resolver = _Resolver(catalogue)

    header_row, columns = _find_template_header(table)
    if header_row is not None:
        result.layout = "template"
        _parse_template_rows(
            table, header_row, columns, resolver, period_code, result, problems, notes
        )
    else:
        wide_row = _find_wide_header(table, resolver)
        if wide_row is None:
            problems.add(
                None,
                None,
                None,
                "Không nhận ra bố cục của tệp: cần một dòng tiêu đề có cột “Mã chỉ tiêu” "
                "(hoặc “Chỉ tiêu”) và cột “Giá trị”, hoặc một dòng mã/tên chỉ tiêu và một "
                "dòng số liệu. Hãy dùng tệp mẫu tải từ hệ thống.",
                "The file's layout is not recognised: it needs a header row with a “Code” "
                "(or “Indicator”) column and a “Value” column, or one row of indicator codes "
                "or labels above one row of values. Use the template from the hub.",
            )
        else:
            result.layout = "wide"
            _parse_wide(table, wide_row, resolver, period_code, result, problems, notes)
    problems.close()
    notes.close()
    return result


def _check_meta(
    meta: dict[str, str],
    catalogue: Catalogue,
    period_code: str | None,
    problems: _Problems,
    notes: _Problems,
) -> None:
    if not meta:
        return
    found_period = meta.get("period")
    if period_code and found_period and found_period != period_code:
        problems.add(
            None,
            None,
            None,
            f"Tệp này là mẫu của kỳ {found_period}, không phải kỳ {period_code}. "
            f"Hãy tải mẫu của kỳ {period_code} hoặc tải tệp lên đúng kỳ {found_period}.",
            f"This file is the template for period {found_period}, not {period_code}. "
            f"Download the {period_code} template, or upload this file to {found_period}.",
        )
    found_version = meta.get("catalogue_version")
    if found_version and found_version != str(catalogue.version):
        notes.add(
            None,
            None,
            None,
            f"Tệp được tạo theo danh mục chỉ tiêu phiên bản {found_version}; danh mục hiện "
            f"hành là phiên bản {catalogue.version}.",
            f"The file was made for catalogue version {found_version}; the current one is "
            f"version {catalogue.version}.",
        )


def _find_template_header(table: _Table) -> tuple[int | None, dict[str, int]]:
    for number in range(1, min(len(table.rows), HEADER_SCAN_ROWS) + 1):
        cells = table.rows[number - 1]
        columns = _header_keys(cells, _VALUES_HEADERS)
        if "value" in columns and columns.keys() & {"code", "label_vi", "label_en"}:
            table.header = [_cell_text(raw) for raw in cells]
            return number, columns
    return None, {}


def _parse_template_rows(
    table: _Table,
    header_row: int,
    columns: dict[str, int],
    resolver: _Resolver,
    period_code: str | None,
    result: UploadParse,
    problems: _Problems,
    notes: _Problems,
) -> None:
    first = header_row + 1
    # A second header row (the template's English one) is skipped; it may name
    # columns the first did not.
    while first <= len(table.rows) and _is_header_like(table.rows[first - 1], _VALUES_HEADERS):
        for name, index in _header_keys(table.rows[first - 1], _VALUES_HEADERS).items():
            columns.setdefault(name, index)
        first += 1

    value_index = columns["value"]
    value_column = table.column_name(value_index)
    seen: dict[str, int] = {}
    for number in range(first, len(table.rows) + 1):
        if not table.rows[number - 1]:
            continue
        if "period" in columns and period_code:
            found = _cell_text(table.cell(number, columns["period"])).upper()
            if found and found != period_code:
                problems.add(
                    number,
                    table.column_name(columns["period"]),
                    None,
                    f"Dòng này ghi kỳ {found}, không phải kỳ {period_code}.",
                    f"This row is for period {found}, not {period_code}.",
                )
                continue
        code = None
        if "code" in columns:
            read = _read_cell(table, number, columns["code"], None, problems, notes)
            if read.failed:
                continue
            text = _cell_text(read.value)
            if text:
                code = resolver.code(text)
                if code is None:
                    problems.add(
                        number,
                        table.column_name(columns["code"]),
                        None,
                        *resolver.code_problem(text),
                    )
                    continue
        value_read = _read_cell(table, number, value_index, code, problems, notes)
        if code is None:
            code, described = _code_from_labels(table, number, columns, resolver, problems, notes)
            if code is None:
                value_given = bool(_cell_text(value_read.value))
                if described is None:
                    if value_given:
                        problems.add(
                            number,
                            value_column,
                            None,
                            "Có giá trị nhưng dòng không có mã hay tên chỉ tiêu.",
                            "A value on a row with neither an indicator code nor a label.",
                        )
                else:
                    column, message_vi, message_en, ambiguous = described
                    if value_given or ambiguous:
                        problems.add(number, column, None, message_vi, message_en)
                    else:
                        # A heading or note row ("I. ĐÀO TẠO") with nothing to save.
                        notes.add(
                            number,
                            column,
                            None,
                            message_vi + " Dòng không có giá trị nên được bỏ qua.",
                            message_en + " The row has no value and was skipped.",
                        )
                continue
        elif "label_vi" in columns:
            _check_label_agrees(table, number, columns["label_vi"], code, resolver, notes)
        if code in seen:
            problems.add(
                number,
                table.column_name(columns.get("code", columns.get("label_vi", value_index))),
                code,
                f"Chỉ tiêu {code} xuất hiện hai lần trong tệp "
                f"(dòng {seen[code]} và dòng {number}).",
                f"Indicator {code} appears twice in the file (rows {seen[code]} and {number}).",
            )
            continue
        seen[code] = number
        if value_read.failed:
            continue
        ok, value = _parse_value(
            value_read.value,
            resolver.catalogue[code],
            row=number,
            column=value_column,
            problems=problems,
        )
        if ok:
            result.values[code] = value


def _code_from_labels(
    table: _Table,
    number: int,
    columns: dict[str, int],
    resolver: _Resolver,
    problems: _Problems,
    notes: _Problems,
) -> tuple[str | None, tuple[str, str, str, bool] | None]:
    """Code from the row's Vietnamese label, else its English one.

    Returns (code, None) on success; (None, (column, message_vi, message_en,
    ambiguous)) when a label was given but matched nothing usable; (None, None)
    when the row has no label at all.
    """
    first_failure: tuple[str, str, str, bool] | None = None
    for key in ("label_vi", "label_en"):
        if key not in columns:
            continue
        read = _read_cell(table, number, columns[key], None, problems, notes)
        text = _cell_text(read.value)
        if not text:
            continue
        code, ambiguous = resolver.any(text)
        if code is not None:
            return code, None
        if first_failure is None or (ambiguous and not first_failure[3]):
            first_failure = (
                table.column_name(columns[key]),
                *resolver.label_problem(text, ambiguous),
                bool(ambiguous),
            )
    return None, first_failure


def _check_label_agrees(
    table: _Table, number: int, index: int, code: str, resolver: _Resolver, notes: _Problems
) -> None:
    """Warn when a row's code and its Vietnamese label name different indicators:
    the sign of rows pasted out of order. The code wins."""
    text = _cell_text(table.cell(number, index))
    if not text:
        return
    other = resolver.labels.match(text)
    if other is not None and other != code:
        notes.add(
            number,
            table.column_name(index),
            code,
            f"Mã {code} nhưng tên chỉ tiêu là của {other}; đã dùng theo mã {code}.",
            f"Code {code} but the label is {other}'s; the code {code} was used.",
        )


def _find_wide_header(table: _Table, resolver: _Resolver) -> int | None:
    for number in range(1, min(len(table.rows), HEADER_SCAN_ROWS) + 1):
        matched = unknown = 0
        for raw in table.rows[number - 1]:
            text = _cell_text(raw)
            if not text or normalise_label(text) in _WIDE_HEADER_WORDS:
                continue
            code, ambiguous = resolver.any(text)
            if code or ambiguous:
                matched += 1
            else:
                unknown += 1
        if matched and matched >= unknown:
            return number
    return None


def _row_is_indicator_header(cells: list[Any], resolver: _Resolver) -> bool:
    texts = [_cell_text(raw) for raw in cells if _cell_text(raw)]
    return bool(texts) and all(
        resolver.any(text)[0] or normalise_label(text) in _WIDE_HEADER_WORDS for text in texts
    )


def _parse_wide(
    table: _Table,
    header_row: int,
    resolver: _Resolver,
    period_code: str | None,
    result: UploadParse,
    problems: _Problems,
    notes: _Problems,
) -> None:
    header_cells = table.rows[header_row - 1]
    table.header = [_cell_text(raw) for raw in header_cells]
    data_rows = [
        number
        for number in range(header_row + 1, len(table.rows) + 1)
        if table.rows[number - 1] and not _row_is_indicator_header(table.rows[number - 1], resolver)
    ]
    if not data_rows:
        problems.add(
            header_row + 1,
            None,
            None,
            "Không có dòng số liệu dưới dòng tên chỉ tiêu.",
            "There is no row of values under the row of indicators.",
        )
        return
    if len(data_rows) > 1:
        problems.add(
            data_rows[1],
            None,
            None,
            "Tệp dạng ngang chỉ được có một dòng số liệu (một trường, một kỳ). Để nhập nhiều "
            "trường hoặc nhiều kỳ, dùng chức năng nhập hàng loạt.",
            "A wide file may hold one row of values only (one school, one period). Use the "
            "bulk upload for several schools or periods.",
        )
        return
    number = data_rows[0]
    seen: dict[str, str] = {}
    for index, raw in enumerate(header_cells):
        text = _cell_text(raw)
        if not text:
            continue
        column = table.column_name(index)
        key = normalise_label(text)
        if key in _WIDE_CONTEXT_HEADERS["period"]:
            found = _cell_text(table.cell(number, index))
            if period_code and found and found.upper() != period_code:
                problems.add(
                    number,
                    column,
                    None,
                    f"Tệp ghi kỳ {found}, không phải kỳ {period_code}.",
                    f"The file is for period {found}, not {period_code}.",
                )
            continue
        if key in _WIDE_HEADER_WORDS:
            continue
        code, ambiguous = resolver.any(text)
        read = _read_cell(table, number, index, code, problems, notes)
        if code is None:
            blank = not _cell_text(read.value)
            message_vi, message_en = resolver.label_problem(text, ambiguous)
            if blank and not ambiguous:
                notes.add(
                    header_row,
                    column,
                    None,
                    message_vi + " Cột không có giá trị nên được bỏ qua.",
                    message_en + " The column has no value and was skipped.",
                )
            else:
                problems.add(header_row, column, None, message_vi, message_en)
            continue
        if code in seen:
            problems.add(
                header_row,
                column,
                code,
                f"Chỉ tiêu {code} xuất hiện hai lần (cột {seen[code]} và cột {column}).",
                f"Indicator {code} appears twice (columns {seen[code]} and {column}).",
            )
            continue
        seen[code] = column
        if read.failed:
            continue
        ok, value = _parse_value(
            read.value, resolver.catalogue[code], row=number, column=column, problems=problems
        )
        if ok:
            result.values[code] = value


# --- Bulk (department) ---------------------------------------------------------


def parse_bulk_upload(
    *,
    data: bytes,
    filename: str,
    catalogues_by_year: Callable[[int], Catalogue],
) -> BulkParse:
    """Read the long format `school,period,indicator,value` (Vietnamese headers
    `trường,kỳ,chỉ tiêu,giá trị` too, in any case and order, extra columns ignored).

    `indicator` holds a code or a label of the catalogue in force for the period's
    year. A blank value is kept as None. Never raises for a bad file.
    """
    result = BulkParse()
    try:
        result.kind = sniff_kind(data, filename)
        table = _read_table(
            data,
            kind=result.kind,
            filename=filename,
            max_rows=MAX_BULK_ROWS,
            max_columns=MAX_BULK_COLUMNS,
            prefer_sheet=None,
        )
    except UploadRefused as refusal:
        result.errors.append(
            UploadProblem(filename, None, None, None, refusal.message_vi, refusal.message_en)
        )
        return result
    problems = _Problems(result.errors, table.sheet)
    notes = _Problems(result.warnings, table.sheet)

    header_row, columns = None, {}
    best_row, best = 1, dict[str, int]()
    for number in range(1, min(len(table.rows), HEADER_SCAN_ROWS) + 1):
        found = _header_keys(table.rows[number - 1], _BULK_HEADERS)
        if len(found) == len(_BULK_HEADERS):
            header_row, columns = number, found
            break
        if len(found) > len(best):
            best_row, best = number, found
    if header_row is None:
        names_vi = {"school": "trường", "period": "kỳ", "indicator": "chỉ tiêu", "value": "giá trị"}
        missing = [key for key in _BULK_HEADERS if key not in best]
        problems.add(
            best_row,
            None,
            None,
            "Không tìm thấy dòng tiêu đề “trường, kỳ, chỉ tiêu, giá trị” "
            f"(hoặc “school, period, indicator, value”); thiếu cột: "
            f"{', '.join(names_vi[key] for key in missing)}.",
            "No header row “school, period, indicator, value” "
            f"(or “trường, kỳ, chỉ tiêu, giá trị”) was found; missing: {', '.join(missing)}.",
        )
        problems.close()
        return result
    table.header = [_cell_text(raw) for raw in table.rows[header_row - 1]]
    names = {key: table.column_name(index) for key, index in columns.items()}

    resolvers: dict[int, _Resolver | None] = {}
    seen: dict[tuple[str, str, str], int] = {}
    school_keys: dict[str, str] = {}
    for number in range(header_row + 1, len(table.rows) + 1):
        if not table.rows[number - 1]:
            continue
        cells = {
            key: _read_cell(table, number, index, None, problems, notes)
            for key, index in columns.items()
        }
        if any(read.failed for read in cells.values()):
            continue
        school = _cell_text(cells["school"].value)
        period = _cell_text(cells["period"].value).upper()
        indicator_text = _cell_text(cells["indicator"].value)
        failed = False
        if not school:
            problems.add(number, names["school"], None, "Thiếu tên trường.", "School is missing.")
            failed = True
        if not PERIOD_CODE_RE.match(period):
            shown = period or "(trống)"
            problems.add(
                number,
                names["period"],
                None,
                f"Mã kỳ “{shown}” sai dạng; cần NNNN-H1, NNNN-Y hoặc NNNN-Q1..Q4 (ví dụ 2024-H1).",
                f"Period “{period or '(blank)'}” is malformed; expected YYYY-H1, YYYY-Y or "
                "YYYY-Q1..Q4 (e.g. 2024-H1).",
            )
            continue
        year = int(period[:4])
        if year not in resolvers:
            try:
                resolvers[year] = _Resolver(catalogues_by_year(year))
            except Exception:  # the caller's lookup may raise anything for a bad year
                resolvers[year] = None
        resolver = resolvers[year]
        if resolver is None:
            problems.add(
                number,
                names["period"],
                None,
                f"Không có danh mục chỉ tiêu cho năm {year}.",
                f"There is no indicator catalogue for {year}.",
            )
            continue
        if not indicator_text:
            problems.add(
                number, names["indicator"], None, "Thiếu chỉ tiêu.", "Indicator is missing."
            )
            continue
        code, ambiguous = resolver.any(indicator_text)
        if code is None:
            if resolver.code(indicator_text) is None and indicator_text.casefold() in (
                resolver.retired
            ):
                message = resolver.code_problem(indicator_text)
            else:
                message = resolver.label_problem(indicator_text, ambiguous)
            problems.add(number, names["indicator"], None, *message)
            continue
        if failed:
            continue
        school_key = school_keys.get(school)
        if school_key is None:
            school_key = school_keys[school] = normalise_label(school)
        key = (school_key, period, code)
        if key in seen:
            problems.add(
                number,
                names["indicator"],
                code,
                f"Trùng dòng {seen[key]}: cùng trường, kỳ {period} và chỉ tiêu {code}.",
                f"Same school, period {period} and indicator {code} as row {seen[key]}.",
            )
            continue
        seen[key] = number
        ok, value = _parse_value(
            cells["value"].value,
            resolver.catalogue[code],
            row=number,
            column=names["value"],
            problems=problems,
        )
        if ok:
            result.rows.append(BulkRow(school, period, code, value, number))
    problems.close()
    notes.close()
    return result


def iter_problems(parse: UploadParse | BulkParse) -> Iterator[tuple[str, UploadProblem]]:
    """("error" | "warning", problem) in report order, for views and exports."""
    for problem in parse.errors:
        yield "error", problem
    for problem in parse.warnings:
        yield "warning", problem
