"""The report body: the seed 002 manner, only the items a school has, natural grammar."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from reviews.reports.context import (
    NarrativeItem,
    Narratives,
    ReportContext,
    ReportContextError,
    SchoolFigures,
)
from reviews.reports.prose import (
    PARAGRAPH_KINDS,
    build_paragraphs,
    default_subject,
    singular_en,
    totals_sentence,
)
from tests.reports import seed002


def texts(ctx) -> list[str]:
    return [p.text for p in build_paragraphs(ctx)]


def school_lines(ctx) -> list[str]:
    names = [ctx.name_of(s) for s in ctx.schools]
    return [
        p.text
        for p in build_paragraphs(ctx)
        if p.kind == "item" and any(p.text.split(") ", 1)[-1].startswith(n) for n in names)
    ]


def test_opening_names_cluster_period_and_movement(ctx_vi):
    opening = texts(ctx_vi)[0]
    assert "Dân chủ - Kỷ cương - Sáng tạo - Nêu gương - Chất lượng - Hiệu quả" in opening
    assert "trong 6 tháng đầu năm 2024" in opening
    assert "08 trường thuộc Cụm thi đua các trường chính trị khu vực miền núi" in opening


def test_totals_sentence_sums_the_schools(ctx_vi):
    classes, learners = sum(seed002.CLASSES), sum(seed002.LEARNERS)
    learners_vi = f"{learners:,}".replace(",", ".")
    assert totals_sentence(ctx_vi) == (
        "Trong 6 tháng đầu năm 2024, các trường đã tổ chức đào tạo, bồi dưỡng tổng số "
        f"{classes} lớp với {learners_vi} học viên (tổng hợp từ số liệu các trường)."
    )


def test_each_school_numbered_with_only_its_items(ctx_vi):
    lines = school_lines(ctx_vi)
    assert len(lines) == 8
    assert lines[0] == (
        "(1) Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh: 97 lớp/3.864 học viên; "
        "03 đề tài cấp tỉnh; 06 đề tài cấp trường; 02 đề án; 01 hội thảo cấp tỉnh; "
        "02 số Thông tin lý luận và thực tiễn; 01 sách chuyên khảo; 02 bài đăng tạp chí;"
    )
    # Cao Bằng has no research projects (a 0 and a None): never "00 đề tài".
    assert lines[3] == (
        "(4) Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng: 14 lớp/779 học viên; "
        "02 hội thảo cấp tỉnh; 03 hội thảo cấp trường;"
    )
    assert lines[7].endswith("02 hội thảo cấp tỉnh.")
    for line in lines:
        assert " 00 " not in line and ": 00" not in line
        # The programme breakdown goes to the annex, staff and contest to the cluster.
        assert "trung cấp" not in line and "tiến sĩ" not in line and "tác phẩm" not in line


def test_cluster_paragraph_has_staff_and_contest_totals(ctx_vi):
    body = " ".join(texts(ctx_vi))
    assert "06 cán bộ đi đào tạo tiến sĩ" in body
    assert "396 tác phẩm dự thi cấp trường" in body


def test_limitations_proposals_and_tasks(ctx_vi):
    paragraphs = build_paragraphs(ctx_vi)
    assert {p.kind for p in paragraphs} <= set(PARAGRAPH_KINDS)
    headings = [p.text for p in paragraphs if p.kind == "heading1"]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA 6 THÁNG ĐẦU NĂM 2024",
        "II. HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
        "IV. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2024",
    ]
    body = [p.text for p in paragraphs]
    assert "- Hoạt động của thư viện chưa có sự đổi mới, hiệu quả chưa cao " \
        "(Trường Chính trị tỉnh Lai Châu)." in body  # fmt: skip
    assert "- Tháo gỡ khó khăn về cơ chế tự chủ tài chính." in body
    assert (
        "(1) Tổ chức hoạt động giao lưu Cụm thi đua chào mừng kỷ niệm 75 năm truyền thống "
        "Học viện Chính trị quốc gia Hồ Chí Minh (dự kiến tháng 9/2024, do Trường Chính trị "
        "tỉnh Hà Giang chủ trì)." in body
    )
    assert body[-1].endswith("xem xét, chỉ đạo./.")


def test_english_reads_in_english(ctx_en):
    lines = school_lines(ctx_en)
    assert lines[0] == (
        "(1) Nguyen Van Cu Cadre Training School, Quang Ninh: 97 classes/3,864 learners; "
        "3 provincial-level research projects; 6 school-level research projects; 2 schemes; "
        "1 provincial-level conference; 2 issues of the school bulletin; 1 monograph; "
        "2 journal articles;"
    )
    assert "1 volume of proceedings; 1 issue of the school bulletin" in lines[1]
    assert totals_sentence(ctx_en) == (
        "In the first half of 2024, the schools ran a total of 234 classes with 12,443 learners"
        " (computed from the schools' figures)."
    )
    body = " ".join(texts(ctx_en))
    assert "6 staff members sent for doctoral study" in body
    assert "(planned for November 2024, led by Nguyen Van Cu Cadre Training School" in body
    assert "KEY TASKS FOR THE SECOND HALF OF 2024" in body
    assert " lớp" not in " ".join(lines)


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("provincial-level research projects", "provincial-level research project"),
        ("issues of the school bulletin", "issue of the school bulletin"),
        ("staff members sent for doctoral study", "staff member sent for doctoral study"),
        ("monographs", "monograph"),
        ("classes", "class"),
        ("master's degrees", "master's degree"),
        ("people", "person"),
        ("sets of training materials", "set of training materials"),
        ("proceedings", "proceedings"),
        ("studies", "study"),
        ("prizes", "prize"),
    ],
)
def test_singular_en(plural, singular):
    assert singular_en(plural) == singular


def test_year_report_totals_scoring_and_next_year_tasks():
    ctx = seed002.year_context()
    body = texts(ctx)
    assert totals_sentence(ctx).startswith("Trong năm 2024, các trường đã tổ chức")
    assert default_subject(ctx) == (
        "Tổng kết phong trào thi đua năm 2024, phương hướng nhiệm vụ năm 2025"
    )
    assert "- Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh: 98,5 điểm, xếp thứ 1;" in body
    assert any(t.startswith("II. KẾT QUẢ CHẤM ĐIỂM, BÌNH XÉT THI ĐUA NĂM 2024") for t in body)
    tasks = seed002.context(
        period_code="2024-Y",
        narratives=Narratives(next_tasks=[NarrativeItem("Ký giao ước thi đua", month=3)]),
    )
    assert "(1) Ký giao ước thi đua (dự kiến tháng 3/2025)." in texts(tasks)


def test_parent_listed_only_without_parts():
    section = SectionSpec("research", "Nghiên cứu khoa học", "Research", 0)
    training = SectionSpec("training", "Đào tạo", "Training", 1)
    specs = (
        IndicatorSpec("research.projects", "Đề tài", "Projects", "project", "research", 0,
                      phrase_vi="đề tài", phrase_en="research projects"),
        IndicatorSpec("research.projects.province", "Cấp tỉnh", "Provincial", "project",
                      "research", 1, parent="research.projects", phrase_vi="đề tài cấp tỉnh",
                      phrase_en="provincial-level research projects"),
    )  # fmt: skip
    catalogue = Catalogue(2024, (section, training), specs)
    ctx = ReportContext(
        language="vi",
        cluster_name_vi="Cụm thi đua số 1",
        cluster_name_en="Cluster 1",
        period_code="2024-H1",
        lead_school_name="Trường A",
        lead_school_province="Hà Nội",
        issue_date=date(2024, 6, 25),
        catalogue=catalogue,
        schools=(
            SchoolFigures(
                "Trường A", values={"research.projects": 5, "research.projects.province": 2}
            ),
            SchoolFigures("Trường B", values={"research.projects": 4}),
            SchoolFigures("Trường C", values={}),
        ),
    )  # fmt: skip
    lines = [p.text for p in build_paragraphs(ctx) if p.kind == "item"]
    assert lines == [
        "(1) Trường A: 02 đề tài cấp tỉnh;",
        "(2) Trường B: 04 đề tài;",
        "(3) Trường C: chưa có số liệu.",
    ]
    # No classes indicator in the catalogue: no totals sentence, no crash.
    assert totals_sentence(ctx) is None


def test_context_checks_and_cleans():
    with pytest.raises(ReportContextError):
        seed002.context(language="fr")
    with pytest.raises(ReportContextError):
        seed002.context(period_code="2024-H3")
    with pytest.raises(ReportContextError):
        seed002.context(period_kind="year")
    ctx = seed002.context(period_code="2024-Q2")
    assert ctx.period_kind == "quarter" and ctx.year == 2024
    assert totals_sentence(ctx).startswith("Trong quý II năm 2024,")
    school = SchoolFigures("Trường X", values={"a": float("nan"), "b": 3.0, "c": None})
    assert school.values == {"a": None, "b": 3, "c": None}
    with pytest.raises(ReportContextError):
        SchoolFigures("Trường X", values={"a": 2.5})
