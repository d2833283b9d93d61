"""The page preview: the same document as an escaped HTML fragment."""

from __future__ import annotations

from reviews.reports import NarrativeItem, Narratives, SchoolFigures, render_html
from tests.reports import seed002


def test_preview_has_the_document(ctx_vi):
    html = render_html(ctx_vi)
    assert html.startswith('<article class="cr-doc" lang="vi"')
    assert 'data-fingerprint="sha256:0f3c9a"' in html
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quảng Ninh, ngày 25 tháng 6 năm 2024",
        ">BÁO CÁO<",
        "tổng số 234 lớp với 12.443 học viên",
        "(4) Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng: 14 lớp/779 học viên; "
        "02 hội thảo cấp tỉnh; 03 hội thảo cấp trường;",
        "Nơi nhận:",
        "PHỤ LỤC",
        "<tfoot><tr><td></td><td>Tổng cộng</td>",
    ):
        assert expected in html, expected
    assert "<style>" not in html
    assert "<style>" in render_html(ctx_vi, with_style=True)


def test_preview_escapes_everything():
    evil = '<script>alert("x")</script>'
    schools = (*seed002.schools(), SchoolFigures(name=evil, values={"training.classes": 2}))
    ctx = seed002.context(
        schools=schools,
        totals=seed002.totals_of(schools),
        narratives=Narratives(limitations=[NarrativeItem(text=f"A & B {evil}")]),
        fingerprint='"><img src=x onerror=alert(1)>',
    )
    html = render_html(ctx)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "A &amp; B" in html


def test_english_preview():
    html = render_html(seed002.context("en"))
    assert 'lang="en"' in html
    assert "COMMUNIST PARTY OF VIETNAM" in html
    assert "97 classes/3,864 learners" in html
