"""The template a school downloads for one period (XLSX, or CSV), pre-filled
with the figures already entered."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from catalogue.spec import UNITS, Catalogue, IndicatorSpec
from core.formatting import format_number
from submissions.spreadsheets.base import (
    _FIRST_DATA_ROW,
    _HEADERS_EN,
    _HEADERS_VI,
    _VALUE_COLUMN,
    CSV_COLUMNS,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_SHEET,
    neutralise_text,
)

# --- Templates -------------------------------------------------------------------


@dataclass(frozen=True)
class _TemplateRow:
    indicator: IndicatorSpec
    section: str
    unit: str
    value: int | None
    depth: int
    #: What the value cell says instead of a number ("không có số liệu"...), or "".
    mark_text: str = ""


# The words a value cell uses for a figure's state (read back by `base.read_mark`).
MARK_WORDS: dict[str, dict[str, str]] = {
    "vi": {"not_reported": "không có số liệu", "not_applicable": "không áp dụng"},
    "en": {"not_reported": "not reported", "not_applicable": "not applicable"},
}


def _template_rows(
    catalogue: Catalogue,
    values: dict[str, int | None],
    language: str,
    marks: Mapping[str, str] | None = None,
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
                mark_text=""
                if value is not None
                else MARK_WORDS["en" if english else "vi"].get(
                    (marks or {}).get(indicator.code, ""), ""
                ),
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
        (
            "8. Nếu chỉ tiêu không áp dụng với trường, ghi “không áp dụng”; nếu tài liệu gốc "
            "không nêu số này, ghi “không có số liệu” (không bao giờ được tính là 0; cần giải "
            "trình trên trang báo cáo trước khi gửi). Không ghi “N/A”, “không”, “-”.",
            False,
        ),
        (
            "9. Định nghĩa của mỗi chỉ tiêu (tính gì, không tính gì) nằm trong ghi chú của ô "
            "tên chỉ tiêu (cột C tiếng Việt, cột D tiếng Anh): di chuột vào ô để xem.",
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
        (
            "8. If an indicator does not apply to your school, write “not applicable”; if the "
            "source does not state the figure, write “not reported” (never counted as 0; explain "
            "it on the report page before submitting). Do not write “N/A”, “no” or “-”.",
            False,
        ),
        (
            "9. Each indicator's definition (what counts, what does not) is in the comment of "
            "its label cell (column C in Vietnamese, column D in English): hover to read it.",
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
    marks: Mapping[str, str] | None = None,
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
    the instructions start with. ``marks`` (code → "not_reported" | "not_applicable")
    pre-fill the value cell with the mark's words. Each label cell carries its
    indicator's definition as a comment (C Vietnamese, D English). The whole-number
    validation only warns, so the words of a mark can be typed; the upload is the check.
    """
    rows = _template_rows(catalogue, values, language, marks)
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
            definition = {
                3: row.indicator.definition_vi,
                4: row.indicator.definition_en or row.indicator.definition_vi,
            }.get(column)
            if definition:
                cell.comment = Comment(
                    neutralise_text(definition), "Cụm Hub", width=360, height=160
                )
        value_cell = ws.cell(
            row=number,
            column=6,
            value=row.value if row.value is not None else row.mark_text or None,
        )
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
                # A warning, not a stop: "không có số liệu" / "không áp dụng" are typed
                # here too; the upload refuses anything else.
                errorStyle="warning",
                errorTitle="Giá trị không hợp lệ",
                error=(
                    f"Nhập số nguyên từ 0 đến {format_number(maximum, 'vi')}, để trống, "
                    "hoặc ghi “không áp dụng” / “không có số liệu”. / "
                    "Enter a whole number from 0 to "
                    f"{format_number(maximum, 'en')}, leave blank, or write “not applicable” / "
                    "“not reported”."
                ),
                showInputMessage=True,
                promptTitle="Giá trị / Value",
                prompt=f"Số nguyên 0 – {format_number(maximum, 'vi')}; "
                "để trống nếu chưa có số liệu.",
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
    marks: Mapping[str, str] | None = None,
) -> bytes:
    """The same rows as the XLSX template, as UTF-8 CSV with a BOM (so Excel shows
    Vietnamese correctly). A CSV carries no period: the caller names the file with
    it, e.g. `so-lieu-<school>-<period>.csv`."""
    del school_name, period_code  # a CSV has nowhere to carry them without breaking columns
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _template_rows(catalogue, values, language, marks):
        writer.writerow(
            [
                neutralise_text(row.indicator.code),
                neutralise_text(row.section),
                neutralise_text(row.indicator.label_vi),
                neutralise_text(row.indicator.label_en),
                neutralise_text(row.unit),
                row.mark_text if row.value is None else str(int(row.value)),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
