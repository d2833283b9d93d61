"""The DOCX parsed back with python-docx: text, Party-format layout, fonts, annex."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from reviews.reports import build_docx
from tests.reports import seed002


def body_paragraphs(document):
    return [p for p in document.paragraphs if p.text.strip()]


def all_runs(document):
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


def run_with(document, text):
    matches = [run for run in all_runs(document) if run.text == text]
    assert matches, f"no run {text!r}"
    return matches[0]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_totals_sentence_and_school_lines(document_vi):
    texts = [p.text for p in body_paragraphs(document_vi)]
    classes, learners = sum(seed002.CLASSES), sum(seed002.LEARNERS)
    assert learners == 12443
    sentence = (
        "Trong 6 tháng đầu năm 2024, các trường đã tổ chức đào tạo, bồi dưỡng tổng số "
        f"{classes} lớp với {learners // 1000}.{learners % 1000:03d} học viên "
        "(tổng hợp từ số liệu các trường)."
    )
    assert any(t.startswith(sentence) for t in texts)
    for number, (name, _en, _role, values) in enumerate(seed002.SCHOOLS, start=1):
        learners_vi = f"{values['training.learners']:,}".replace(",", ".")
        prefix = f"({number}) {name}: {values['training.classes']} lớp/{learners_vi} học viên"
        line = next(t for t in texts if t.startswith(prefix))
        for code, value in values.items():
            phrase = seed002.catalogue()[code].phrase_vi
            if code.startswith(("research.", "publications.")) and value:
                assert f"{value:02d} {phrase}" in line
        assert " 00 " not in line
    cao_bang = next(t for t in texts if t.startswith("(4) "))
    assert "đề tài" not in cao_bang
    assert "1.206 học viên" in next(t for t in texts if t.startswith("(2) "))


def test_body_runs_are_times_new_roman_14pt_justified(document_vi):
    paragraphs = [p for p in body_paragraphs(document_vi) if p.text[:2] in ("(1", "(2", "(8")]
    assert len(paragraphs) >= 3
    for paragraph in paragraphs:
        assert paragraph.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert paragraph.paragraph_format.first_line_indent > 0
        for run in paragraph.runs:
            assert run.font.name == "Times New Roman"
            assert run.font.size == Pt(14)
            fonts = run._element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
            assert fonts.get(qn("w:hAnsi")) == "Times New Roman"
    normal = document_vi.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)


def test_header_block_title_and_date(document_vi):
    party = run_with(document_vi, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.font.bold and party.font.underline
    title = run_with(document_vi, "BÁO CÁO")
    assert title.font.bold
    date_line = run_with(document_vi, "Quảng Ninh, ngày 25 tháng 6 năm 2024")
    assert date_line.font.italic
    run_with(document_vi, "Số 01-BC/CTĐ")
    header = document_vi.tables[0]
    issuer = flat(header.cell(0, 0).text)
    assert issuer.startswith("HỌC VIỆN CHÍNH TRỊ QUỐC GIA HỒ CHÍ MINH")
    assert "CỤM THI ĐUA CÁC TRƯỜNG CHÍNH TRỊ KHU VỰC MIỀN NÚI, BIÊN GIỚI PHÍA BẮC" in issuer
    issuer_runs = [r for r in header.cell(0, 0).paragraphs[1].runs if r.text]
    assert all(r.font.bold for r in issuer_runs)
    # The header table has no borders.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(edge.get(qn("w:val")) == "nil" for edge in borders)
    texts = [p.text for p in document_vi.paragraphs]
    subject = texts[texts.index("BÁO CÁO") + 1]
    assert flat(subject) == (
        "Sơ kết phong trào thi đua 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm 2024"
    )


def test_page_setup_a4_party_margins_and_page_numbers(document_vi):
    section = document_vi.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.top_margin.cm, 1) == 2.0
    assert round(section.bottom_margin.cm, 1) == 2.0
    assert round(section.left_margin.cm, 1) == 3.0
    assert 1.5 <= round(section.right_margin.cm, 1) <= 2.0
    # Page numbers from page 2 on: a PAGE field in the header, none on the first page.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    annex = document_vi.sections[1]
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert round(annex.page_width.cm, 1) == 29.7
    assert not annex.different_first_page_header_footer


def test_recipients_and_signer(document_vi):
    label = run_with(document_vi, "Nơi nhận:")
    assert label.font.bold and label.font.italic and label.font.size == Pt(12)
    recipient = run_with(document_vi, "- Các trường trong Cụm thi đua,")
    assert recipient.font.size == Pt(11)
    run_with(document_vi, "- Lưu: VT.")
    for text in ("T/M CỤM THI ĐUA", "CỤM TRƯỞNG", "Phạm Thùy Dương"):
        assert run_with(document_vi, text).font.bold
    run_with(document_vi, "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh")


def table_rows(table):
    return [[flat(cell.text) for cell in row.cells] for row in table.rows]


def find_table(document, first_header_cells):
    for table in document.tables:
        rows = table_rows(table)
        if rows and rows[0][: len(first_header_cells)] == first_header_cells:
            yield rows


def test_annex_tables(document_vi):
    training = next(
        rows for rows in find_table(document_vi, ["TT", "Trường"]) if "Tổng số lớp" in rows[0]
    )
    assert training[0] == ["TT", "Trường", "Tổng số lớp", "Tổng số học viên", "Lớp TCLLCT-HC"]
    assert training[1] == [
        "1",
        "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh (Cụm trưởng)",
        "97",
        "3.864",
        "12",
    ]
    assert training[2][2:] == ["15", "1.206", "–"]
    # Lâm Châu's TCLLCT-HC classes are blank: that total is a lower bound, said so.
    assert training[-1] == ["", "Tổng cộng", "234", "12.443", "≥ 21"]
    assert len(training) == 1 + 8 + 1
    research = next(
        rows for rows in find_table(document_vi, ["TT", "Trường"]) if "Đề tài cấp tỉnh" in rows[0]
    )
    column = research[0].index("Đề tài cấp tỉnh")
    assert research[4][column] == "0"  # Cao Bằng reported a zero
    # Schools left "Đề tài cấp tỉnh" blank: the total is the column's sum, a minimum.
    assert research[-1][column] == "≥ 9"

    completeness = next(find_table(document_vi, ["TT", "Trường", "Tình trạng"]))
    assert completeness[4] == [
        "4",
        "Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng",
        "Đã nộp",
        "13/06/2024 09:30",
        "Có",
    ]
    findings = next(find_table(document_vi, ["TT", "Trường", "Nội dung"]))
    assert findings[1][1] == "Toàn Cụm"
    assert "(238)" in findings[1][2]
    assert findings[2][1] == "Trường Chính trị tỉnh Điện Biên"


def test_english_version(document_en):
    texts = [flat(p.text) for p in body_paragraphs(document_en)]
    assert "REPORT" in texts
    assert (
        "In the first half of 2024, the schools ran a total of 234 classes with 12,443 learners"
        " (computed from the schools' figures)." in " ".join(texts)
    )
    assert any(t.endswith(" The results of each school were as follows:") for t in texts)
    assert any(
        t.startswith("(1) Nguyen Van Cu Cadre Training School, Quang Ninh: 97 classes/3,864")
        for t in texts
    )
    run_with(document_en, "COMMUNIST PARTY OF VIETNAM")
    assert run_with(document_en, "Quảng Ninh, 25 June 2024").font.italic
    run_with(document_en, "Recipients:")
    assert document_en.core_properties.language == "en-GB"


def test_deterministic(ctx_vi, docx_vi):
    assert build_docx(ctx_vi) == docx_vi
