"""Seed 002 (H1 2024 review of the northern mountain & border cluster) as a report
context, with a small hand-built catalogue.

Classes, learners and the research/publication items are the seed's, school by
school (its slips "1ớp", "l206", "đề tại" read as meant). The seed gives staff
development and contest figures for the cluster only; they are spread over the
schools here (summing to the seed's totals) so the per-school table has them. The
cluster totals are recomputed from the schools, as the hub does; the seed's own
declared totals (238 classes, 12.378 learners) disagree with its parts, which the
findings table records.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from reviews.reports.context import (
    CompletenessRow,
    FindingRow,
    NarrativeItem,
    Narratives,
    ReportContext,
    SchoolFigures,
    ScoringRow,
)

SECTIONS = (
    SectionSpec("training", "Đào tạo, bồi dưỡng", "Training", 0),
    SectionSpec("research", "Nghiên cứu khoa học", "Research", 1),
    SectionSpec("publications", "Xuất bản", "Publications", 2),
    SectionSpec("staff", "Xây dựng đội ngũ", "Staff development", 3),
    SectionSpec("contest", "Cuộc thi", "Contests", 4),
)

# code, label vi, label en, unit, section, phrase vi, phrase en, extra
_INDICATORS = [
    ("training.classes", "Tổng số lớp", "Classes", "class", "training", "lớp", "classes"),
    ("training.learners", "Tổng số học viên", "Learners", "learner", "training", "học viên",
     "learners"),
    ("training.intermediate.classes", "Lớp TCLLCT-HC", "Intermediate classes", "class",
     "training", "lớp trung cấp lý luận chính trị - hành chính",
     "intermediate political theory classes"),
    ("research.projects.provincial", "Đề tài cấp tỉnh", "Provincial projects", "project",
     "research", "đề tài cấp tỉnh", "provincial-level research projects"),
    ("research.projects.school", "Đề tài cấp trường", "School projects", "project", "research",
     "đề tài cấp trường", "school-level research projects"),
    ("research.schemes", "Đề án", "Schemes", "scheme", "research", "đề án", "schemes"),
    ("research.conferences.provincial", "Hội thảo cấp tỉnh", "Provincial conferences", "event",
     "research", "hội thảo cấp tỉnh", "provincial-level conferences"),
    ("research.conferences.school", "Hội thảo cấp trường", "School conferences", "event",
     "research", "hội thảo cấp trường", "school-level conferences"),
    ("research.seminars.school", "Tọa đàm cấp trường", "School seminars", "event", "research",
     "tọa đàm cấp trường", "school-level seminars"),
    ("publications.proceedings", "Kỷ yếu", "Proceedings", "volume", "publications", "kỷ yếu",
     "volumes of proceedings"),
    ("publications.bulletin_issues", "Số bản tin", "Bulletin issues", "issue", "publications",
     "số Thông tin lý luận và thực tiễn", "issues of the school bulletin"),
    ("publications.monographs", "Sách chuyên khảo", "Monographs", "volume", "publications",
     "sách chuyên khảo", "monographs"),
    ("publications.journal_articles", "Bài đăng tạp chí", "Journal articles", "article",
     "publications", "bài đăng tạp chí", "journal articles"),
    ("staff.phd", "Đi học tiến sĩ", "Doctoral study", "person", "staff",
     "cán bộ đi đào tạo tiến sĩ", "staff members sent for doctoral study"),
    ("contest.entries_school", "Tác phẩm dự thi cấp trường", "Entries at school level", "work",
     "contest", "tác phẩm dự thi cấp trường", "works entered at school level"),
]  # fmt: skip


def catalogue() -> Catalogue:
    indicators = []
    for order, (code, label_vi, label_en, unit, section, phrase_vi, phrase_en) in enumerate(
        _INDICATORS
    ):
        indicators.append(
            IndicatorSpec(
                code=code,
                label_vi=label_vi,
                label_en=label_en,
                unit=unit,
                section=section,
                order=order,
                parent="training.classes" if code == "training.intermediate.classes" else None,
                split="programme" if code == "training.intermediate.classes" else "main",
                learners_code="training.learners" if code == "training.classes" else None,
                phrase_vi=phrase_vi,
                phrase_en=phrase_en,
            )
        )
    return Catalogue(version=2024, sections=SECTIONS, indicators=tuple(indicators))


LEAD = "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh"
HA_GIANG = "Trường Chính trị tỉnh Hà Giang"
LANG_SON = "Trường Chính trị Hoàng Văn Thụ tỉnh Lạng Sơn"
CAO_BANG = "Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng"
DIEN_BIEN = "Trường Chính trị tỉnh Điện Biên"

# name, English name, role, figures
SCHOOLS = [
    (LEAD, "Nguyen Van Cu Cadre Training School, Quang Ninh", "lead",
     {"training.classes": 97, "training.learners": 3864, "training.intermediate.classes": 12,
      "research.projects.provincial": 3, "research.projects.school": 6, "research.schemes": 2,
      "research.conferences.provincial": 1, "publications.bulletin_issues": 2,
      "publications.monographs": 1, "publications.journal_articles": 2,
      "staff.phd": 1, "contest.entries_school": 60}),
    (DIEN_BIEN, "Dien Bien Provincial Political School", "member",
     {"training.classes": 15, "training.learners": 1206, "research.projects.school": 4,
      "publications.proceedings": 1, "publications.bulletin_issues": 1,
      "publications.journal_articles": 4, "staff.phd": 1, "contest.entries_school": 40}),
    (HA_GIANG, "Ha Giang Provincial Political School", "standing_deputy",
     {"training.classes": 20, "training.learners": 1663, "research.projects.provincial": 1,
      "research.projects.school": 4, "research.conferences.provincial": 1,
      "research.conferences.school": 1, "research.seminars.school": 1,
      "publications.proceedings": 2, "publications.bulletin_issues": 3,
      "staff.phd": 1, "contest.entries_school": 50}),
    (CAO_BANG, "Hoang Dinh Giong Political School, Cao Bang", "member",
     {"training.classes": 14, "training.learners": 779, "research.projects.provincial": 0,
      "research.projects.school": None, "research.conferences.provincial": 2,
      "research.conferences.school": 3, "staff.phd": 0, "contest.entries_school": 45}),
    ("Trường Chính trị tỉnh Lai Châu", "Lai Chau Provincial Political School", "member",
     {"training.classes": 16, "training.learners": 819, "research.conferences.provincial": 1,
      "research.conferences.school": 1, "publications.proceedings": 1,
      "publications.bulletin_issues": 1, "publications.journal_articles": 5,
      "staff.phd": 1, "contest.entries_school": 41}),
    (LANG_SON, "Hoang Van Thu Political School, Lang Son", "deputy",
     {"training.classes": 21, "training.learners": 1131, "research.projects.provincial": 1,
      "research.projects.school": 1, "research.conferences.school": 1,
      "publications.proceedings": 1, "publications.bulletin_issues": 1,
      "staff.phd": 0, "contest.entries_school": 50}),
    ("Trường Chính trị tỉnh Lào Cai", "Lao Cai Provincial Political School", "member",
     {"training.classes": 24, "training.learners": 1254, "training.intermediate.classes": 9,
      "research.projects.provincial": 2, "research.projects.school": 7,
      "research.conferences.provincial": 3, "research.conferences.school": 1,
      "research.seminars.school": 2, "publications.bulletin_issues": 2,
      "publications.journal_articles": 20, "staff.phd": 1, "contest.entries_school": 60}),
    ("Trường Chính trị tỉnh Sơn La", "Son La Provincial Political School", "member",
     {"training.classes": 27, "training.learners": 1727, "research.projects.provincial": 2,
      "research.projects.school": 6, "research.conferences.provincial": 2,
      "staff.phd": 1, "contest.entries_school": 50}),
]  # fmt: skip

CLASSES = [97, 15, 20, 14, 16, 21, 24, 27]
LEARNERS = [3864, 1206, 1663, 779, 819, 1131, 1254, 1727]

NARRATIVES = Narratives(
    opening=[
        "Công tác chỉ đạo, điều hành của Ban Giám hiệu các trường có nhiều nét đổi mới, "
        "sáng tạo, quyết liệt, hiệu quả; chất lượng các đề tài, hội thảo, tọa đàm khoa học "
        "ngày càng được nâng lên",
    ],
    limitations=[
        "Tiến độ khai giảng các lớp ở một số trường còn chậm so với kế hoạch",
        "Công tác chuyển đổi số chưa thực sự rõ nét",
        NarrativeItem(
            text="Hoạt động của thư viện chưa có sự đổi mới, hiệu quả chưa cao",
            school="Trường Chính trị tỉnh Lai Châu",
            text_en="The library has not been renewed and is not yet effective",
        ),
    ],
    proposals=[
        "Quan tâm sâu sát hơn nữa, giúp đỡ các trường sớm đạt chuẩn mức 1, Trường Chính trị "
        "tỉnh Lào Cai đạt chuẩn mức 2 vào năm 2025",
        "Có sự chỉ đạo thống nhất về triển khai ứng dụng chuyển đổi số trong quản trị nhà trường",
        "Tháo gỡ khó khăn về cơ chế tự chủ tài chính.",
    ],
    next_tasks=[
        NarrativeItem(
            text="Tổ chức hoạt động giao lưu Cụm thi đua chào mừng kỷ niệm 75 năm truyền thống "
            "Học viện Chính trị quốc gia Hồ Chí Minh",
            text_en="Hold a cluster exchange to mark the 75th anniversary of the Academy",
            owner=HA_GIANG,
            month=9,
        ),
        NarrativeItem(
            text="Tổ chức tọa đàm khoa học cấp Cụm “Xây dựng văn hóa trường Đảng ở trường "
            "chính trị”",
            owner=HA_GIANG,
            month=9,
        ),
        NarrativeItem(
            text="Kiểm tra công tác thi đua, khen thưởng năm 2023, 2024 tại Trường Chính trị "
            "Hoàng Đình Giong tỉnh Cao Bằng",
            owner=LANG_SON,
            month=9,
        ),
        NarrativeItem(
            text="Tổ chức Hội nghị tổng kết phong trào thi đua năm 2024 của Cụm thi đua",
            text_en="Hold the cluster's 2024 year review meeting",
            owner=LEAD,
            month=11,
        ),
    ],
)


def schools(extra: int = 0) -> tuple[SchoolFigures, ...]:
    rows = [
        SchoolFigures(name=name, name_en=name_en, role=role, values=values)
        for name, name_en, role, values in SCHOOLS
    ]
    for index in range(extra):
        base = SCHOOLS[index % len(SCHOOLS)][3]
        rows.append(
            SchoolFigures(
                name=f"Trường Chính trị tỉnh Thử Nghiệm {index + 1}",
                name_en=f"Test Provincial Political School {index + 1}",
                values={code: (v + index if v else v) for code, v in base.items()},
            )
        )
    return tuple(rows)


def totals_of(rows: tuple[SchoolFigures, ...]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for school in rows:
        for code, value in school.values.items():
            if value is not None:
                totals[code] = totals.get(code, 0) + value
    return totals


def context(language: str = "vi", extra_schools: int = 0, **overrides) -> ReportContext:
    rows = schools(extra_schools)
    fields = dict(
        language=language,
        cluster_name_vi="Cụm thi đua các trường chính trị khu vực miền núi, biên giới phía Bắc",
        cluster_name_en="Northern Mountain and Border Emulation Cluster",
        period_code="2024-H1",
        lead_school_name=LEAD,
        lead_school_name_en="Nguyen Van Cu Cadre Training School, Quang Ninh",
        lead_school_province="Quảng Ninh",
        issue_date=date(2024, 6, 25),
        catalogue=catalogue(),
        schools=rows,
        totals=totals_of(rows),
        narratives=NARRATIVES,
        completeness=[
            CompletenessRow(
                school=school.name,
                status="accepted" if i != 3 else "submitted",
                # Stored in UTC: 02:30 UTC is 09:30 in Vietnam, as the documents show it.
                submitted_at=datetime(2024, 6, 10 + i, 2, 30, tzinfo=UTC),
                late=i == 3,
            )
            for i, school in enumerate(rows)
        ],
        findings=[
            FindingRow(
                None,
                "Tổng số lớp do Cụm công bố (238) khác tổng của các trường (234); "
                "tổng học viên công bố (12.378) khác tổng của các trường (12.443).",
            ),
            FindingRow(DIEN_BIEN, "Số liệu gốc ghi “15 1ớp/l206 học viên”: đã đọc là 15/1.206."),
        ],
        recipients=[
            "Học viện Chính trị quốc gia Hồ Chí Minh (Vụ Các trường chính trị)",
            "Các trường trong Cụm thi đua",
            "Lưu: VT",
        ],
        signer_name="Phạm Thùy Dương",
        fingerprint="sha256:0f3c9a",
    )
    fields.update(overrides)
    return ReportContext(**fields)


def year_context(language: str = "vi") -> ReportContext:
    rows = schools()
    return context(
        language,
        period_code="2024-Y",
        issue_date=date(2024, 11, 28),
        scoring=[
            ScoringRow(school=row.name, rank=rank, score=100 - rank * 1.5)
            for rank, row in enumerate(rows, start=1)
        ],
        narratives=Narratives(
            scoring=["Cụm thống nhất đề nghị Học viện tặng Cờ thi đua cho " + LEAD],
        ),
    )
