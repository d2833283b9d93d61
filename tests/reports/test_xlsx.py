"""The workbook reopened with openpyxl: numbers as numbers, totals = column sums,
frozen panes, formula injection neutralised."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from reviews.reports import FindingRow, SchoolFigures, build_xlsx
from reviews.reports.xlsx_builder import safe_text
from tests.reports import seed002


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_sheets_and_summary_layout(xlsx_vi, ctx_vi):
    book = workbook(xlsx_vi)
    assert book.sheetnames == ["Tổng hợp", "Tình hình nộp", "Phát hiện"]
    sheet = book["Tổng hợp"]
    assert sheet.freeze_panes == "B3"
    codes = [cell.value for cell in sheet[2]][1:]
    assert codes == [spec.code for spec in ctx_vi.catalogue.indicators]
    labels = [cell.value for cell in sheet[1]]
    assert labels[0] == "Trường" and labels[1] == "Tổng số lớp"
    assert sheet.column_dimensions["A"].width >= 40
    names = [sheet.cell(row=r, column=1).value for r in range(3, 11)]
    assert names[0] == "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh (Cụm trưởng)"
    assert names[1] == "Trường Chính trị tỉnh Điện Biên"
    assert sheet.cell(row=11, column=1).value == "Tổng cộng"
    # Below the totals: one note per total that is a lower bound, saying why.
    partial = [c for c in range(2, sheet.max_column + 1) if sheet.cell(row=11, column=c).comment]
    assert partial
    assert sheet.max_row == 11 + len(partial)
    notes = [sheet.cell(row=r, column=1).value for r in range(12, sheet.max_row + 1)]
    assert all("là số tối thiểu (tổng của cột)" in note for note in notes)


def test_numbers_are_numbers_and_totals_are_column_sums(xlsx_vi):
    sheet = workbook(xlsx_vi)["Tổng hợp"]
    codes = [cell.value for cell in sheet[2]]
    for column in range(2, sheet.max_column + 1):
        values = [sheet.cell(row=r, column=column).value for r in range(3, 11)]
        assert all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values)
        total = sheet.cell(row=11, column=column)
        present = [v for v in values if v is not None]
        # "Tổng cộng" is the sum of the column above, never a figure over blanks...
        assert total.value == (sum(present) if present else None), codes[column - 1]
        # ...and a column with blanks beside figures is marked a lower bound, with why.
        blanks = [r for r in range(3, 11) if sheet.cell(row=r, column=column).value is None]
        if present and blanks:
            assert total.number_format.startswith('"≥ "'), codes[column - 1]
            assert "trường chưa đủ số liệu" in total.comment.text
        elif present:
            assert total.comment is None, codes[column - 1]
    classes = codes.index("training.classes") + 1
    learners = codes.index("training.learners") + 1
    assert [sheet.cell(row=r, column=classes).value for r in range(3, 11)] == seed002.CLASSES
    assert [sheet.cell(row=r, column=learners).value for r in range(3, 11)] == seed002.LEARNERS
    assert sheet.cell(row=11, column=classes).value == sum(seed002.CLASSES)
    assert sheet.cell(row=11, column=learners).value == sum(seed002.LEARNERS)
    # Cao Bằng: a reported zero stays 0, a missing figure stays empty.
    provincial = codes.index("research.projects.provincial") + 1
    school_level = codes.index("research.projects.school") + 1
    assert sheet.cell(row=6, column=provincial).value == 0
    assert sheet.cell(row=6, column=school_level).value is None


def test_completeness_and_findings_sheets(xlsx_vi):
    book = workbook(xlsx_vi)
    sheet = book["Tình hình nộp"]
    assert [c.value for c in sheet[1]] == [
        "TT", "Trường", "Tình trạng", "Mã tình trạng", "Thời điểm nộp", "Nộp muộn",
    ]  # fmt: skip
    row = [c.value for c in sheet[5]]
    assert row[:4] == [4, "Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng", "Đã nộp", "submitted"]
    assert row[4] == datetime(2024, 6, 13, 9, 30)
    assert row[5] == "Có"
    findings = book["Phát hiện"]
    assert findings.cell(row=2, column=2).value == "Toàn Cụm"
    assert "(238)" in findings.cell(row=2, column=3).value
    assert findings.cell(row=3, column=2).value == "Trường Chính trị tỉnh Điện Biên"


def test_english_sheet_names():
    book = workbook(build_xlsx(seed002.context("en")))
    assert book.sheetnames == ["Summary", "Submissions", "Findings"]
    sheet = book["Summary"]
    assert sheet.cell(row=1, column=1).value == "School"
    assert sheet.cell(row=3, column=1).value.startswith("Nguyen Van Cu Cadre Training School")
    assert sheet.cell(row=11, column=1).value == "Total"


def test_scoring_sheet_for_year_report():
    book = workbook(build_xlsx(seed002.year_context()))
    assert book.sheetnames[-1] == "Chấm điểm"
    sheet = book["Chấm điểm"]
    assert [c.value for c in sheet[2]] == [
        1, "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh", 98.5,
    ]  # fmt: skip


def test_formula_injection_is_neutralised():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("Trường A") == "Trường A"
    evil = [
        '=HYPERLINK("http://evil.example","x")',
        "+SUM(A1:A9)",
        "-2+3",
        "@cmd",
        "\tTab",
    ]
    schools = (*seed002.schools(), SchoolFigures(name=evil[0], values={"training.classes": 1}))
    ctx = seed002.context(
        schools=schools,
        totals=seed002.totals_of(schools),
        findings=[FindingRow(evil[0], text) for text in evil[1:]],
    )
    book = workbook(build_xlsx(ctx))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book["Tổng hợp"].cell(row=11, column=1).value == "'" + evil[0]
    findings = book["Phát hiện"]
    assert [findings.cell(row=r, column=3).value for r in range(2, 6)] == [
        "'" + text for text in evil[1:]
    ]
    assert findings.cell(row=2, column=2).value == "'" + evil[0]


def test_deterministic(ctx_vi, xlsx_vi):
    assert build_xlsx(ctx_vi) == xlsx_vi
