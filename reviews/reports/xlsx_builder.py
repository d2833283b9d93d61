"""The report's figures as a workbook for people who keep working on them.

Sheets (English names when the context is English):
- "Tổng hợp" / "Summary": one row per school, one column per catalogue indicator (all
  of them, in catalogue order, so the layout is the same every period); row 1 the
  labels, row 2 the indicator codes; then the schools and a totals row. Figures are
  numbers (empty cell: not reported). Header rows and the school column are frozen.
- "Tình hình nộp" / "Submissions": the completeness table.
- "Phát hiện" / "Findings": the consistency findings.
- "Chấm điểm" / "Scoring": only when scoring rows are given.

Text that a spreadsheet could take for a formula (starting with = + - @, a tab or a
carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from core.timezone import local

from .context import ReportContext, in_report_language
from .document import (
    clean_text,
    in_document,
    label_of,
    partial_note,
    role_label,
    status_label,
)
from .prose import sorted_scoring, subject_line
from .reproducible_zip import normalise_zip

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMAT = "#,##0"
# A lower bound (some parts or schools short of figures): the number, shown "≥ 8".
PARTIAL_FORMAT = '"≥ "#,##0'
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def safe_text(value: str) -> str:
    """Neutralise formula (CSV) injection: "=cmd|..." becomes "'=cmd|..."."""
    text = clean_text(str(value))
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _header(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=safe_text(label))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP_CENTER


def _summary(workbook: Workbook, ctx: ReportContext) -> None:
    sheet = workbook.active
    sheet.title = _("Tổng hợp")
    specs = list(ctx.catalogue.indicators)
    _header(sheet, 1, [in_document("Trường")] + [ctx.pick(s.label_vi, s.label_en) for s in specs])
    _header(sheet, 2, [in_document("Mã chỉ tiêu")] + [s.code for s in specs])
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
    for row_index, school in enumerate(ctx.schools, start=3):
        role = role_label(school.role)
        name = ctx.name_of(school) + (f" ({role})" if role else "")
        sheet.cell(row=row_index, column=1, value=safe_text(name)).alignment = WRAP_TOP
        for column, spec in enumerate(specs, start=2):
            figure = ctx.figure_of(school, spec.code)
            if figure.value is not None:
                cell = sheet.cell(row=row_index, column=column, value=figure.value)
                cell.number_format = NUMBER_FORMAT
                if figure.state == "partial":
                    # A lower bound: shown "≥ 8", the blank parts in the cell's note.
                    cell.number_format = PARTIAL_FORMAT
                    cell.comment = Comment(
                        safe_text(
                            _("Chưa đủ số liệu, còn thiếu: %(parts)s")
                            % {"parts": ", ".join(label_of(ctx, c) for c in figure.missing)}
                        ),
                        "Cụm Hub",
                    )
    # "Tổng cộng" is the sum of the column above; "≥ n" with the reason when some
    # school is short of figures; empty over a column with no figure.
    total_row = 3 + len(ctx.schools)
    label = sheet.cell(row=total_row, column=1, value=_("Tổng cộng"))
    label.font = HEADER_FONT
    notes = []
    for column, spec in enumerate(specs, start=2):
        total = ctx.figure(spec.code)
        if total.value is not None:
            cell = sheet.cell(row=total_row, column=column, value=total.value)
            cell.number_format = NUMBER_FORMAT
            cell.font = HEADER_FONT
            if total.state == "partial":
                note = partial_note(ctx, spec.code, total)
                cell.number_format = PARTIAL_FORMAT
                cell.comment = Comment(safe_text(note), "Cụm Hub")
                notes.append(note)
    next_row = total_row + 1
    if ctx.declared:
        declared = sheet.cell(
            row=next_row,
            column=1,
            value=_("Số liệu do báo cáo cụm công bố, không chia theo trường"),
        )
        declared.font = Font(italic=True)
        declared.alignment = WRAP_TOP
        for column, spec in enumerate(specs, start=2):
            value = ctx.declared.get(spec.code)
            if value is not None:
                cell = sheet.cell(row=next_row, column=column, value=value)
                cell.number_format = NUMBER_FORMAT
                cell.font = Font(italic=True)
        next_row += 1
    for note in notes:
        sheet.cell(row=next_row, column=1, value=safe_text(note)).font = Font(italic=True)
        next_row += 1
    sheet.freeze_panes = "B3"
    sheet.column_dimensions["A"].width = 52
    for column in range(2, len(specs) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.row_dimensions[1].height = 48


def _completeness(workbook: Workbook, ctx: ReportContext) -> None:
    sheet = workbook.create_sheet(_("Tình hình nộp"))
    _header(
        sheet,
        1,
        [
            in_document("TT"),
            in_document("Trường"),
            _("Tình trạng"),
            _("Mã tình trạng"),
            _("Thời điểm nộp"),
            _("Nộp muộn"),
        ],
    )
    for index, row in enumerate(ctx.completeness, start=1):
        line = index + 1
        sheet.cell(row=line, column=1, value=index)
        sheet.cell(row=line, column=2, value=safe_text(ctx.school_display_name(row.school)))
        sheet.cell(row=line, column=3, value=safe_text(status_label(row.status)))
        sheet.cell(row=line, column=4, value=safe_text(row.status))
        if row.submitted_at is not None:
            # Excel has no time zones: the hub's wall-clock time (core.timezone.local).
            shown = local(row.submitted_at).replace(tzinfo=None)
            cell = sheet.cell(row=line, column=5, value=shown)
            cell.number_format = DATETIME_FORMAT
        late = in_document("Có") if row.late else in_document("Không")
        sheet.cell(row=line, column=6, value=late)
    sheet.freeze_panes = "C2"
    for letter, width in zip("ABCDEF", (6, 52, 20, 14, 18, 10), strict=True):
        sheet.column_dimensions[letter].width = width


def _findings(workbook: Workbook, ctx: ReportContext) -> None:
    sheet = workbook.create_sheet(_("Phát hiện"))
    _header(sheet, 1, [in_document("TT"), in_document("Trường"), in_document("Nội dung")])
    cluster = _("Toàn Cụm")
    for index, row in enumerate(ctx.findings, start=1):
        line = index + 1
        sheet.cell(row=line, column=1, value=index)
        school = ctx.school_display_name(row.school) if row.school else cluster
        sheet.cell(row=line, column=2, value=safe_text(school)).alignment = WRAP_TOP
        sheet.cell(row=line, column=3, value=safe_text(row.message)).alignment = WRAP_TOP
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (6, 45, 100), strict=True):
        sheet.column_dimensions[letter].width = width


def _scoring(workbook: Workbook, ctx: ReportContext) -> None:
    sheet = workbook.create_sheet(_("Chấm điểm"))
    _header(sheet, 1, [in_document("Xếp hạng"), in_document("Trường"), in_document("Điểm")])
    for line, row in enumerate(sorted_scoring(ctx), start=2):
        sheet.cell(row=line, column=1, value=row.rank)
        sheet.cell(row=line, column=2, value=safe_text(ctx.school_display_name(row.school)))
        if row.score is not None:
            score = row.score if isinstance(row.score, int) else float(row.score)
            sheet.cell(row=line, column=3, value=score).number_format = "0.00"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (10, 52, 10), strict=True):
        sheet.column_dimensions[letter].width = width


@in_report_language
def build_xlsx(context: ReportContext) -> bytes:
    workbook = Workbook()
    _summary(workbook, context)
    _completeness(workbook, context)
    _findings(workbook, context)
    if context.scoring:
        _scoring(workbook, context)
    stamp = datetime(context.issue_date.year, context.issue_date.month, context.issue_date.day)
    props = workbook.properties
    props.creator = context.lead_school
    props.lastModifiedBy = context.lead_school
    props.created = stamp
    props.modified = stamp
    props.title = subject_line(context)
    props.subject = context.cluster_name
    props.keywords = context.period_code
    props.identifier = context.fingerprint or None
    props.language = context.language
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the clock.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return normalise_zip(buffer.getvalue(), context.issue_date)
