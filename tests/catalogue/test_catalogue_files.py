"""The indicator catalogue files: structure, labels, bounds and versioning.

Pure tests: they read catalogue/data/*.yaml through catalogue.spec only.
"""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from pathlib import Path

import pytest

from catalogue.spec import (
    DATA_DIR,
    UNITS,
    Catalogue,
    IndicatorSpec,
    available_versions,
    check_catalogue,
    load_catalogue,
    parse_catalogue,
    version_for_year,
)

CATALOGUE_FILES = sorted(DATA_DIR.glob("indicators-*.yaml"))

# Codes other parts of the hub rely on by name (the contract in the brief).
FIXED_CODES = {
    "training.classes",
    "training.learners",
    "training.intermediate.classes",
    "training.intermediate.learners",
    "training.advanced.classes",
    "training.advanced.learners",
    "training.short_courses.classes",
    "training.short_courses.learners",
    "research.projects.ministry",
    "research.projects.provincial",
    "research.projects.school",
    "research.schemes",
    "research.conferences.provincial",
    "research.conferences.school",
    "research.seminars.provincial",
    "research.seminars.school",
    "publications.proceedings",
    "publications.bulletin_issues",
    "publications.monographs",
    "publications.journal_articles",
}
# Codes added by version 2025 (issue 11's contract); every later version keeps them.
CONTRACT_2025 = {
    "theses",
    "articles",
    "articles.journal",
    "articles.bulletin",
    "articles.conference_papers",
    "training.degree.classes",
    "training.degree.learners",
    "training.co_organised.classes",
    "training.co_organised.learners",
}
# Top-level codes named by the contract, with the section they sit in (every other
# code starts with its section).
TOP_LEVEL_CODES = {"theses": "training", "articles": "publications"}
REQUIRED = {"training.classes", "training.learners", "research.projects", "research.conferences"}
STOCKS = {
    "staff.lecturers",
    "staff.senior_lecturers",
    "staff.principal_lecturers",
    "staff.junior_lecturers",
    "standards.indicators_met",
    "standards.level_met",
    "standards.target_level",
}
# Noun phrases Vietnamese reports put after a count (seed 002's wording).
REPORT_PHRASES_VI = {
    "đề tài cấp tỉnh",
    "đề tài cấp trường",
    "đề án",
    "hội thảo cấp tỉnh",
    "tọa đàm cấp trường",
    "kỷ yếu",
    "sách chuyên khảo",
    "bài đăng tạp chí",
    "tiến sĩ",
    "thạc sĩ",
    "lượt bồi dưỡng",
    "tác phẩm dự thi cấp trường",
}
VIETNAMESE_LETTER = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
CODE_PATTERN = re.compile(r"^[a-z]+(\.[a-z_]+)*$")
CODE_IN_TEXT = re.compile(r"\b[a-z]+(?:\.[a-z_]+)+\b")


def _twin(code: str) -> str:
    """training.x.classes.y -> training.x.learners.y"""
    return ".".join("learners" if part == "classes" else part for part in code.split("."))


@pytest.fixture(scope="module", params=CATALOGUE_FILES, ids=lambda path: path.stem)
def catalogue(request: pytest.FixtureRequest) -> Catalogue:
    return parse_catalogue(request.param)


def test_there_are_catalogue_files() -> None:
    assert [path.name for path in CATALOGUE_FILES] == [
        "indicators-2022.yaml",
        "indicators-2024.yaml",
        "indicators-2025.yaml",
    ]


def test_file_parses_and_passes_the_check(catalogue: Catalogue) -> None:
    check_catalogue(catalogue)
    path = DATA_DIR / f"indicators-{catalogue.version}.yaml"
    assert path.exists(), "the version in the file matches its name"
    assert [indicator.order for indicator in catalogue.indicators] == list(
        range(len(catalogue.indicators))
    )


def test_fixed_codes_exist(catalogue: Catalogue) -> None:
    # A retired fixed code must name the active code that records the same figure.
    expected = {catalogue.successor(code) or code for code in FIXED_CODES}
    assert expected - set(catalogue.by_code) == set()
    if catalogue.version >= 2025:
        assert CONTRACT_2025 - set(catalogue.by_code) == set()


def test_codes_follow_the_dotted_scheme(catalogue: Catalogue) -> None:
    section_codes = {section.code for section in catalogue.sections}
    assert section_codes >= {
        "training",
        "research",
        "publications",
        "staff",
        "contest",
        "standards",
    }
    for indicator in catalogue.indicators:
        assert CODE_PATTERN.match(indicator.code), indicator.code
        head = indicator.code.split(".")[0]
        if head in TOP_LEVEL_CODES:
            assert indicator.section == TOP_LEVEL_CODES[head], indicator.code
        else:
            assert "." in indicator.code, indicator.code
            assert head == indicator.section, indicator.code
        assert indicator.unit in UNITS


def test_every_classes_indicator_has_its_learners_twin(catalogue: Catalogue) -> None:
    classes = [i for i in catalogue.indicators if "classes" in i.code.split(".")]
    assert classes
    for indicator in classes:
        twin = _twin(indicator.code)
        assert indicator.unit == "class", indicator.code
        assert indicator.learners_code == twin, indicator.code
        learners = catalogue[twin]
        assert learners.unit == "learner"
        assert learners.split == indicator.split
        assert learners.kind == indicator.kind
        expected_parent = _twin(indicator.parent) if indicator.parent else None
        assert learners.parent == expected_parent, twin
    # and the other way round: no learners figure without its classes figure
    for indicator in catalogue.indicators:
        if indicator.unit == "learner":
            assert indicator.code.replace("learners", "classes") in catalogue, indicator.code
        if indicator.unit == "class":
            assert indicator.learners_code, indicator.code
        if indicator.learners_code:
            assert indicator.unit == "class", indicator.code


def test_every_split_group_has_at_least_two_children(catalogue: Catalogue) -> None:
    for parent, groups in catalogue.splits.items():
        for split, children in groups.items():
            assert split != "main", f"{parent}: children must name their split"
            assert len(children) >= 2, (parent, split, [c.code for c in children])


def test_children_are_like_their_parent_and_come_after_it(catalogue: Catalogue) -> None:
    for indicator in catalogue.indicators:
        if not indicator.parent:
            assert indicator.split == "main", indicator.code
            continue
        parent = catalogue[indicator.parent]
        assert indicator.order > parent.order, indicator.code
        assert (indicator.unit, indicator.section, indicator.kind) == (
            parent.unit,
            parent.section,
            parent.kind,
        ), indicator.code
        assert indicator.max_value <= parent.max_value, indicator.code


def test_labels_and_phrases_are_bilingual(catalogue: Catalogue) -> None:
    for section in catalogue.sections:
        assert section.label_vi.strip() and section.label_en.strip()
        assert VIETNAMESE_LETTER.search(section.label_vi), section.code
    for indicator in catalogue.indicators:
        for text in (
            indicator.label_vi,
            indicator.label_en,
            indicator.phrase_vi,
            indicator.phrase_en,
        ):
            assert text.strip() == text and text, indicator.code
        assert VIETNAMESE_LETTER.search(indicator.label_vi), indicator.code
        assert VIETNAMESE_LETTER.search(indicator.phrase_vi), indicator.code
        assert indicator.label_vi != indicator.label_en, indicator.code
    labels = [indicator.label_vi for indicator in catalogue.indicators]
    assert len(labels) == len(set(labels)), "two indicators share a Vietnamese label"
    labels_en = [indicator.label_en for indicator in catalogue.indicators]
    assert len(labels_en) == len(set(labels_en)), "two indicators share an English label"


def test_report_phrases_are_available(catalogue: Catalogue) -> None:
    phrases = {indicator.phrase_vi for indicator in catalogue.indicators}
    assert REPORT_PHRASES_VI - phrases == set()


def test_bounds_refuse_typing_slips(catalogue: Catalogue) -> None:
    for indicator in catalogue.indicators:
        assert 0 < indicator.max_value < 1_000_000, indicator.code
        if indicator.unit == "class":
            # "20212" classes (a year typed into a count) must be refused
            assert indicator.max_value < 20212, indicator.code
            learners = catalogue[indicator.learners_code or ""]
            assert learners.max_value > indicator.max_value
    assert catalogue["training.classes"].max_value == 2000
    assert catalogue["training.learners"].max_value == 100_000
    assert catalogue["standards.indicators_met"].max_value == 55
    assert catalogue["standards.target_level"].max_value == 2
    assert catalogue["standards.level_met"].max_value == 2


def test_required_kind_and_direction(catalogue: Catalogue) -> None:
    assert {i.code for i in catalogue.indicators if i.required} == REQUIRED
    assert {i.code for i in catalogue.indicators if i.kind == "stock"} == STOCKS
    # No indicator here is worse when higher (see the file header).
    assert all(indicator.higher_is_better for indicator in catalogue.indicators)


def test_retired_codes_are_not_active(catalogue: Catalogue) -> None:
    assert set(catalogue.retired) & set(catalogue.by_code) == set()


# --- versioning -----------------------------------------------------------------------


def test_the_version_in_force_for_a_year() -> None:
    assert available_versions() == [2022, 2024, 2025]
    assert load_catalogue(2022).version == 2022
    assert load_catalogue(2023).version == 2022
    assert load_catalogue(2024).version == 2024
    assert load_catalogue(2025).version == 2025
    assert load_catalogue(2031).version == 2025
    # periods before the first catalogue (seed 003 is 2020) use the first version
    assert version_for_year(2020) == available_versions()[0]
    assert load_catalogue(2020).version == 2022


# Fields that carry no structure: definitions may be added to an older version
# without making it a new one.
NOT_STRUCTURAL = {"order", "definition_vi", "definition_en"}


def _comparable(indicator: IndicatorSpec) -> dict[str, object]:
    data = asdict(indicator)
    for name in NOT_STRUCTURAL:
        data.pop(name)
    return data


def _changed_fields(old: Catalogue, new: Catalogue) -> dict[str, set[str]]:
    return {
        code: {
            f.name
            for f in fields(IndicatorSpec)
            if f.name not in NOT_STRUCTURAL
            and getattr(old[code], f.name) != getattr(new[code], f.name)
        }
        for code in set(old.by_code) & set(new.by_code)
        if _comparable(old[code]) != _comparable(new[code])
    }


def _header_comment(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return " ".join(lines)


def test_2024_differs_from_2022_exactly_as_its_header_says() -> None:
    old = parse_catalogue(DATA_DIR / "indicators-2022.yaml")
    new = parse_catalogue(DATA_DIR / "indicators-2024.yaml")
    added = set(new.by_code) - set(old.by_code)
    removed = set(old.by_code) - set(new.by_code)
    changed = _changed_fields(old, new)
    assert added == {"staff.digital_skills_attendances"}
    assert removed == set()
    assert new.retired == ()
    assert changed == {
        "publications.bulletin_issues": {"label_vi", "label_en", "phrase_vi", "phrase_en"}
    }
    assert new["publications.bulletin_issues"].label_vi == "Số Thông tin lý luận và thực tiễn"
    assert old.sections == new.sections

    header = _header_comment(DATA_DIR / "indicators-2024.yaml")
    mentioned = set(CODE_IN_TEXT.findall(header))
    assert added | set(changed) <= mentioned
    assert mentioned <= set(new.by_code), "the header names only real codes"
    assert "No indicator is retired" in header
    # the common indicators keep their relative order
    common = [i.code for i in new.indicators if i.code in old]
    assert common == [i.code for i in old.indicators]
    # the new indicator sits where the header says
    codes = [i.code for i in new.indicators]
    assert (
        codes[codes.index("staff.digital_skills_attendances") - 1] == "staff.training_attendances"
    )


INTERMEDIATE_RELABELLED = {
    "training.intermediate.classes.full_time",
    "training.intermediate.classes.part_time",
    "training.intermediate.classes.carried_over",
    "training.intermediate.classes.new",
    "training.intermediate.learners.full_time",
    "training.intermediate.learners.part_time",
    "training.intermediate.learners.carried_over",
    "training.intermediate.learners.new",
}
REPARENTED = {
    "training.intermediate.classes": "training.degree.classes",
    "training.intermediate.learners": "training.degree.learners",
    "training.advanced.classes": "training.degree.classes",
    "training.advanced.learners": "training.degree.learners",
    "training.postgraduate.classes": "training.degree.classes",
    "training.postgraduate.learners": "training.degree.learners",
}


def test_2025_differs_from_2024_exactly_as_its_header_says() -> None:
    old = parse_catalogue(DATA_DIR / "indicators-2024.yaml")
    new = parse_catalogue(DATA_DIR / "indicators-2025.yaml")
    added = set(new.by_code) - set(old.by_code)
    removed = set(old.by_code) - set(new.by_code)
    assert added == CONTRACT_2025 | {
        "training.own.classes",
        "training.own.learners",
        "training.intermediate.political_theory.classes",
        "training.intermediate.political_theory.learners",
        "training.intermediate.political_theory_administration.classes",
        "training.intermediate.political_theory_administration.learners",
    }
    assert removed == {"publications.journal_articles"}
    assert new.retired == ("publications.journal_articles",)
    assert new.successor("publications.journal_articles") == "articles.journal"
    # the successor means what the retired code meant
    journal, retired = new["articles.journal"], old["publications.journal_articles"]
    assert (journal.unit, journal.label_vi, journal.phrase_vi, journal.max_value) == (
        retired.unit,
        retired.label_vi,
        retired.phrase_vi,
        retired.max_value,
    )
    changed = _changed_fields(old, new)
    assert changed == {
        **{
            code: {"parent"}
            for code in REPARENTED
            if code.startswith(("training.adv", "training.post"))
        },
        "training.intermediate.classes": {"parent", "label_vi", "label_en", "phrase_vi"},
        "training.intermediate.learners": {"parent", "label_vi", "label_en", "phrase_vi"},
        **{code: {"label_vi", "phrase_vi"} for code in INTERMEDIATE_RELABELLED},
    }
    for code, parent in REPARENTED.items():
        assert new[code].parent == parent and new[code].split == "programme", code
    assert old.sections == new.sections

    header = _header_comment(DATA_DIR / "indicators-2025.yaml")
    mentioned = set(CODE_IN_TEXT.findall(header)) | {
        code for code in TOP_LEVEL_CODES if re.search(rf"\b{code}\b", header)
    }
    assert added | set(changed) | removed <= mentioned
    assert mentioned <= set(new.by_code) | set(new.retired), "the header names only real codes"
    assert "One indicator is retired: publications.journal_articles" in header
    # the common indicators keep their relative order
    common = [i.code for i in new.indicators if i.code in old]
    assert common == [i.code for i in old.indicators if i.code in new]
    codes = [i.code for i in new.indicators]
    assert codes[codes.index("theses") - 1] == "training.closed.learners"
    # the articles take the retired code's place in the publications section
    old_codes = [i.code for i in old.indicators]
    before = old_codes[old_codes.index("publications.journal_articles") - 1]
    position = codes.index(before) + 1
    assert codes[position : position + 4] == [
        "articles",
        "articles.journal",
        "articles.bulletin",
        "articles.conference_papers",
    ]


DEFINITION_CODE = re.compile(r"\b[a-z]+(?:\.[a-z_]+)+\b")


def test_every_indicator_is_defined_in_terms_of_its_own_version(catalogue: Catalogue) -> None:
    """Each version's definitions (added to 2022 and 2024 as well, without any
    structural change) name only that version's codes: a 2024 definition never points
    a school at a 2025 indicator."""
    known = set(catalogue.by_code) | set(catalogue.retired)
    for indicator in catalogue.indicators:
        assert indicator.definition_vi and indicator.definition_en, indicator.code
        named = set(
            DEFINITION_CODE.findall(indicator.definition_vi + " " + indicator.definition_en)
        )
        assert named <= known, (indicator.code, named - known)
