"""The prose and the builders against the project's own catalogue (catalogue/data),
with nested parts: projects by level, staff sent to study by level, essay-contest
works sent on."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from catalogue.spec import load_catalogue
from reviews.reports import SchoolFigures, build_docx, build_paragraphs, build_pdf, build_xlsx
from tests.reports import seed002

LEAD = {
    "training.classes": 97,
    "training.learners": 3864,
    "training.intermediate.classes": 12,
    "training.intermediate.learners": 700,
    "training.closed.classes": 20,
    "research.projects": 9,
    "research.projects.provincial": 3,
    "research.projects.school": 6,
    "research.schemes": 2,
    "research.conferences": 1,
    "research.conferences.provincial": 1,
    "publications.bulletin_issues": 2,
    "publications.monographs": 1,
    "publications.journal_articles": 2,
    "staff.lecturers": 60,
    "standards.indicators_met": 26,
}
CAO_BANG = {
    "training.classes": 14,
    "training.learners": 779,
    "research.projects": 0,
    "research.conferences": 5,
    "research.conferences.provincial": 2,
    "research.conferences.school": 3,
}
STAFF_AND_CONTEST = {
    "staff.sent_to_study": 24,
    "staff.sent_to_study.doctorate": 6,
    "staff.sent_to_study.master": 12,
    "staff.sent_to_study.advanced_theory": 4,
    "staff.sent_to_study.advanced_theory.regular": 3,
    "staff.sent_to_study.advanced_theory.completion": 1,
    "staff.sent_to_study.intermediate_theory": 2,
    "staff.training_attendances": 186,
    "staff.field_research": 2,
    "staff.demonstration_lectures": 99,
    "staff.demonstration_lectures.faculty": 89,
    "staff.demonstration_lectures.school": 10,
    "contest.works_school": 396,
    "contest.works_sent_on": 36,
    "contest.works_not_sent_on": 360,
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(2024)


def context(catalogue, language="vi"):
    schools = (
        SchoolFigures(seed002.LEAD, "lead", {**LEAD, **STAFF_AND_CONTEST}, seed002.SCHOOLS[0][1]),
        SchoolFigures(seed002.CAO_BANG, "member", CAO_BANG, seed002.SCHOOLS[3][1]),
    )
    return seed002.context(
        language, catalogue=catalogue, schools=schools, totals=seed002.totals_of(schools)
    )


def test_school_lines_tell_parts_not_parents(catalogue):
    texts = [p.text for p in build_paragraphs(context(catalogue))]
    phrase = {spec.code: spec.phrase_vi for spec in catalogue.indicators}
    assert (
        f"(1) {seed002.LEAD}: 97 lớp/3.864 học viên; "
        f"03 {phrase['research.projects.provincial']}; 06 {phrase['research.projects.school']}; "
        f"02 {phrase['research.schemes']}; 01 {phrase['research.conferences.provincial']}; "
        f"02 {phrase['publications.bulletin_issues']}; 01 {phrase['publications.monographs']}; "
        f"02 {phrase['publications.journal_articles']};" in texts
    )
    assert (
        f"(2) {seed002.CAO_BANG}: 14 lớp/779 học viên; "
        f"02 {phrase['research.conferences.provincial']}; "
        f"03 {phrase['research.conferences.school']}." in texts
    )


def test_staff_and_contest_paragraph(catalogue):
    body = " ".join(p.text for p in build_paragraphs(context(catalogue)))
    phrase = {spec.code: spec.phrase_vi for spec in catalogue.indicators}
    assert (
        f"24 {phrase['staff.sent_to_study']} (06 {phrase['staff.sent_to_study.doctorate']}, "
        f"12 {phrase['staff.sent_to_study.master']}, "
        f"04 {phrase['staff.sent_to_study.advanced_theory']}, "
        f"02 {phrase['staff.sent_to_study.intermediate_theory']}); "
        f"186 {phrase['staff.training_attendances']}; 02 {phrase['staff.field_research']}; "
        f"89 {phrase['staff.demonstration_lectures.faculty']}; "
        f"10 {phrase['staff.demonstration_lectures.school']}." in body
    )
    assert f"396 {phrase['contest.works_school']}; 36 {phrase['contest.works_sent_on']}." in body
    # Snapshots (lecturers) and the standard-school criteria stay in the annex.
    assert phrase["standards.indicators_met"] not in body
    assert "60 " not in body


def test_english_with_real_phrases(catalogue):
    texts = [p.text for p in build_paragraphs(context(catalogue, "en"))]
    lead = next(t for t in texts if t.startswith("(1) "))
    assert lead.startswith(
        "(1) Nguyen Van Cu Cadre Training School, Quang Ninh: 97 classes/3,864 learners; "
        "3 provincial-level research projects; 6 school-level research projects; 2 schemes; "
        "1 provincial-level conference; 2 issues of"
    )
    assert lead.endswith("1 monograph; 2 journal articles;")


def test_builders_take_the_whole_catalogue(catalogue):
    ctx = context(catalogue)
    build_docx(ctx)
    build_pdf(ctx)
    sheet = load_workbook(io.BytesIO(build_xlsx(ctx)))["Tổng hợp"]
    assert sheet.max_column == 1 + len(catalogue.indicators)
