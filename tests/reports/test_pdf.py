"""The PDF read back with pypdf: Vietnamese text with diacritics, totals, layout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviews.reports import build_pdf
from reviews.reports.fonts import FontNotFoundError, find_serif_family, missing_vietnamese
from tests.reports import seed002


def text_of(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_vietnamese_text_and_totals(pdf_vi):
    _, pages = text_of(pdf_vi)
    text = " ".join(pages)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "Quảng Ninh, ngày 25 tháng 6 năm 2024",
        "học viên",
        "Trường Chính trị tỉnh Điện Biên",
        "Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng: 14 lớp/779 học viên",
        "tổng số 234 lớp với 12.443 học viên",
        "97 lớp/3.864 học viên; 03 đề tài cấp tỉnh; 06 đề tài cấp trường; 02 đề án",
        "(dự kiến tháng 9/2024, do Trường Chính trị tỉnh Hà Giang chủ trì)",
        "Nơi nhận:",
        "T/M CỤM THI ĐUA",
        "Phạm Thùy Dương",
        "PHỤ LỤC",
        "Tổng cộng",
        "12.443",
    ):
        assert expected in text, expected
    assert "00 đề tài" not in text


def test_layout_a4_landscape_annex_and_page_numbers(pdf_vi):
    reader, pages = text_of(pdf_vi)
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)
    last = reader.pages[-1].mediabox
    assert (round(float(last.width)), round(float(last.height))) == (842, 595)
    # No number on page 1; "2", "3", ... at the top of the others.
    assert not pages[0].startswith("1 ")
    for number, page in enumerate(pages[1:], start=2):
        assert page.split(" ", 1)[0] == str(number)


def test_font_is_embedded_serif(pdf_vi):
    reader, _ = text_of(pdf_vi)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("LiberationSerif" in n or "DejaVuSerif" in n for n in names), names


def test_english_version(pdf_en):
    _, pages = text_of(pdf_en)
    text = " ".join(pages)
    assert "COMMUNIST PARTY OF VIETNAM" in text
    assert "REPORT" in text
    assert "a total of 234 classes with 12,443 learners" in text
    assert "Quảng Ninh, 25 June 2024" in text
    assert "3 provincial-level research projects" in text


def test_year_report_has_scoring():
    _, pages = text_of(build_pdf(seed002.year_context()))
    text = " ".join(pages)
    assert "KẾT QUẢ CHẤM ĐIỂM, BÌNH XÉT THI ĐUA NĂM 2024" in text
    assert "Bảng 4. Kết quả chấm điểm, xếp hạng" in text


def test_deterministic(ctx_vi, pdf_vi):
    assert build_pdf(ctx_vi) == pdf_vi


def test_font_finder_reports_clearly(tmp_path):
    with pytest.raises(FontNotFoundError, match="fonts-liberation2"):
        find_serif_family([tmp_path])


def test_font_finder_checks_vietnamese_coverage():
    family = find_serif_family()
    for face in (family.regular, family.bold, family.italic, family.bold_italic):
        assert missing_vietnamese(face) == ""
    old = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
    if old.is_file() and missing_vietnamese(old):
        # Debian's fonts-liberation 1.07 lacks Vietnamese: never picked alone.
        with pytest.raises(FontNotFoundError, match="missing Vietnamese"):
            find_serif_family([old.parent])


def test_font_finder_falls_back_to_upright_faces(tmp_path):
    source = find_serif_family()
    (tmp_path / "LiberationSerif-Regular.ttf").symlink_to(source.regular)
    (tmp_path / "LiberationSerif-Bold.ttf").symlink_to(source.bold)
    family = find_serif_family([tmp_path])
    assert not family.has_italic
    assert family.italic == family.regular and family.bold_italic == family.bold
