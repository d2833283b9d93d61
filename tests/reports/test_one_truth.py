"""One truth in the report (issue 11, points 1, 2 and 9): every "Tổng cộng" is the sum
of the column above it or says it is a lower bound and why; declared figures are in
their own rows, never a column's total; the body names every headline total, saying
which are computed, which declared, which partial. Built on the 2025 catalogue."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from catalogue.spec import load_catalogue
from reviews.reports import SchoolFigures, build_docx, build_paragraphs, build_xlsx
from tests.reports import seed002

# A typed everything it has; its research projects and conferences only by level (the
# parents roll up from the parts, partially: the other levels are blank).
A = {
    "training.classes": 10,
    "training.learners": 300,
    "theses": 5,
    "articles": 7,
    "research.projects.provincial": 2,
    "research.projects.school": 3,
    "research.conferences.provincial": 10,
}
# B typed the parents.
B = {
    "training.classes": 5,
    "training.learners": 100,
    "theses": 4,
    "research.projects": 4,
    "research.conferences": 3,
}
# C has no figures at all.
DECLARED = {"training.classes": 238, "training.learners": 12378, "staff.training_attendances": 6}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(2025)


def context(catalogue, language="vi"):
    schools = (
        SchoolFigures(seed002.LEAD, "lead", A, seed002.SCHOOLS[0][1]),
        SchoolFigures(seed002.CAO_BANG, "member", B, seed002.SCHOOLS[3][1]),
        SchoolFigures(seed002.SCHOOLS[1][0], "member", {}, seed002.SCHOOLS[1][1]),
    )
    return seed002.context(
        language,
        catalogue=catalogue,
        schools=schools,
        totals=seed002.totals_of(schools),
        declared=DECLARED,
        period_code="2025-H1",
        issue_date=seed002.date(2025, 6, 25),
        completeness=(),
        findings=(),
    )


@pytest.fixture(scope="module")
def document(catalogue):
    return Document(io.BytesIO(build_docx(context(catalogue))))


def number(text: str) -> int | None:
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits else None


def figure_tables(document):
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][:2] == ["TT", "Trường"] and rows[-1][1] == "Tổng cộng":
            yield rows


def test_every_total_is_its_column_sum_or_says_why(document):
    notes = " ".join(p.text for p in document.paragraphs)
    tables = list(figure_tables(document))
    assert tables
    checked = 0
    for rows in tables:
        header, body, total = rows[0], rows[1:-1], rows[-1]
        for column in range(2, len(header)):
            cells = [row[column] for row in body]
            shown = [number(cell) for cell in cells if cell != "–"]
            short = any(cell == "–" or cell.startswith("≥") for cell in cells)
            if not shown:
                # No total over a column of dashes.
                assert total[column] == "–", header[column]
                continue
            assert number(total[column]) == sum(shown), header[column]
            if short:
                assert total[column].startswith("≥ "), header[column]
                assert f"“{header[column]}”: Tổng cộng {total[column]} là số tối thiểu" in notes
            else:
                assert not total[column].startswith("≥"), header[column]
            checked += 1
    assert checked >= 6


def test_a_parent_is_never_smaller_than_its_part(document):
    totals = {}
    for rows in figure_tables(document):
        for column in range(2, len(rows[0])):
            totals[rows[0][column]] = number(rows[-1][column])
    assert totals["Hội thảo khoa học (tất cả các cấp)"] >= totals["Hội thảo cấp tỉnh"] == 10
    # A's conferences roll up from the provincial part: "≥ 10"; the cluster's 13.
    assert totals["Hội thảo khoa học (tất cả các cấp)"] == 13


def test_declared_figures_are_in_their_own_rows_not_totals(document, catalogue):
    label = catalogue.by_code["training.classes"].label_vi
    training = next(rows for rows in figure_tables(document) if label in rows[0])
    column = training[0].index(label)
    assert training[-1][column] == "≥ 15"  # the column's sum, not the declared 238
    declared = next(
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in document.tables
        if table.rows[0].cells[1].text == "Chỉ tiêu"
    )
    assert declared[0] == ["TT", "Chỉ tiêu", "Cụm công bố", "Tổng hợp từ các trường", "Chênh lệch"]
    by_label = {row[1]: row[2:] for row in declared[1:]}
    assert by_label[catalogue.by_code["training.classes"].label_vi] == ["238", "≥ 15", "–"]
    assert by_label[catalogue.by_code["staff.training_attendances"].label_vi][0] == "6"
    captions = [p.text for p in document.paragraphs]
    assert any(
        "Số liệu do báo cáo cụm công bố, không chia theo trường" in text for text in captions
    )


def test_body_states_every_headline_total(catalogue):
    body = " ".join(p.text for p in build_paragraphs(context(catalogue)))
    assert (
        "tổng số ít nhất 15 lớp (1 trường chưa đủ số liệu) với ít nhất 400 học viên "
        "(1 trường chưa đủ số liệu) (tổng hợp từ số liệu các trường)" in body
    )
    assert "Tổng hợp từ số liệu các trường, toàn Cụm có:" in body
    assert "ít nhất 09 khóa luận, tiểu luận tốt nghiệp (1 trường chưa đủ số liệu)" in body
    assert "ít nhất 07 bài viết khoa học (2 trường chưa đủ số liệu)" in body
    # Projects by level; A's are a lower bound (two levels blank).
    assert "ít nhất 09 đề tài nghiên cứu khoa học (2 trường chưa đủ số liệu), gồm:" in body
    assert "đề tài cấp tỉnh" in body and "đề tài cấp trường" in body
    assert "ít nhất 13 hội thảo khoa học (2 trường chưa đủ số liệu)" in body
    assert "Theo báo cáo của cụm (số liệu chung của cả Cụm, không chia theo trường):" in body
    assert "238 lớp" in body and "12.378 học viên" in body


def test_english_body_and_older_catalogue_say_what_is_absent():
    ctx = seed002.context("vi")  # a catalogue without theses, articles, projects
    body = " ".join(p.text for p in build_paragraphs(ctx))
    assert "khóa luận, tiểu luận tốt nghiệp: không có trong danh mục năm 2024" in body
    english = " ".join(p.text for p in build_paragraphs(seed002.context("en")))
    assert "Computed from the schools' figures, the cluster has:" in english
    assert "not in the 2024 catalogue" in english


def test_xlsx_totals_and_declared_row(catalogue):
    sheet = load_workbook(io.BytesIO(build_xlsx(context(catalogue))))["Tổng hợp"]
    codes = [cell.value for cell in sheet[2]]
    total_row = 3 + 3
    assert sheet.cell(row=total_row, column=1).value == "Tổng cộng"
    for column in range(2, sheet.max_column + 1):
        values = [sheet.cell(row=r, column=column).value for r in range(3, total_row)]
        present = [v for v in values if v is not None]
        total = sheet.cell(row=total_row, column=column)
        assert total.value == (sum(present) if present else None), codes[column - 1]
    declared_row = total_row + 1
    assert (
        sheet.cell(row=declared_row, column=1).value
        == "Số liệu do báo cáo cụm công bố, không chia theo trường"
    )
    classes = codes.index("training.classes") + 1
    assert sheet.cell(row=total_row, column=classes).value == 15
    assert sheet.cell(row=declared_row, column=classes).value == 238
    assert sheet.cell(row=total_row, column=classes).number_format.startswith('"≥ "')
