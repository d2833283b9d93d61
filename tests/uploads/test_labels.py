"""Matching the indicator labels people type to catalogue codes."""

from __future__ import annotations

import unicodedata

import pytest

from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from submissions.labels import LabelIndex, normalise_label


def _catalogue() -> Catalogue:
    sections = (
        SectionSpec("training", "Đào tạo, bồi dưỡng", "Training", 0),
        SectionSpec("research", "Nghiên cứu khoa học", "Research", 1),
    )
    rows = [
        ("tc_classes", "Số lớp trung cấp LLCT-HC", "Intermediate classes", "class", "training"),
        (
            "tc_learners",
            "Số học viên trung cấp LLCT-HC",
            "Intermediate learners",
            "learner",
            "training",
        ),
        ("projects_province", "Đề tài cấp tỉnh", "Provincial projects", "project", "research"),
        # "hội thảo" (conference) and "hội thao" (sports day) differ only by a diacritic.
        ("conf_province", "Hội thảo cấp tỉnh", "Provincial conferences", "event", "research"),
        ("sports_province", "Hội thao cấp tỉnh", "Provincial sports days", "event", "research"),
        # Two indicators that really share a label (different sections).
        ("seminar_a", "Tọa đàm khoa học", "Seminars (faculty)", "event", "research"),
        ("seminar_b", "Toạ đàm khoa học", "Seminars (school)", "event", "research"),
    ]
    indicators = tuple(
        IndicatorSpec(code, vi, en, unit, section, order)
        for order, (code, vi, en, unit, section) in enumerate(rows)
    )
    return Catalogue(version=2024, sections=sections, indicators=indicators)


@pytest.fixture(scope="module")
def index() -> LabelIndex:
    return LabelIndex(_catalogue())


def test_normalise_label_folds_case_diacritics_spacing_and_punctuation() -> None:
    assert normalise_label("  Số lớp   TCLLCT–HC (tập trung) ") == "so lop tcllct hc tap trung"
    assert normalise_label("ĐỀ TÀI cấp tỉnh") == "de tai cap tinh"
    assert normalise_label("đề tài") == normalise_label("DE TAI")
    assert normalise_label("Số lớp/học viên; tổng") == "so lop hoc vien tong"
    assert normalise_label("") == ""


def test_normalise_label_equal_for_composed_and_decomposed_unicode() -> None:
    composed = unicodedata.normalize("NFC", "Học viên được bồi dưỡng")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert normalise_label(composed) == normalise_label(decomposed)
    assert normalise_label("Ｓố\u00a0lớp") == "so lop"  # full-width letter, no-break space


@pytest.mark.parametrize(
    "text",
    [
        "Số lớp trung cấp LLCT-HC",
        "số lớp trung cấp llct-hc",
        "  Số   lớp trung cấp LLCT – HC ",
        unicodedata.normalize("NFD", "Số lớp trung cấp LLCT-HC"),
        "So lop trung cap LLCT HC",  # typed without diacritics
        "SO LOP TRUNG CAP LLCT-HC",
        "Intermediate classes",  # the English label
        "intermediate  CLASSES",
        "1.1. Số lớp trung cấp LLCT-HC",  # numbered as in a report
        "a) Số lớp trung cấp LLCT-HC",
        "- Số lớp trung cấp LLCT-HC",
        "Số lớp trung cấp LLCT-HC (lớp)",  # unit hint
    ],
)
def test_match_tolerates_variants(index: LabelIndex, text: str) -> None:
    assert index.match(text) == "tc_classes"


def test_match_other_labels(index: LabelIndex) -> None:
    assert index.match("De tai cap tinh") == "projects_province"
    assert index.match("Provincial projects") == "projects_province"
    assert index.match("Số học viên trung cấp LLCT-HC") == "tc_learners"


@pytest.mark.parametrize(
    "text",
    [
        "Hội thảo cấp tỉnh",  # exact diacritics do not settle it: see LabelIndex
        "Hội thao cấp tỉnh",
        "Hoi thao cap tinh",
        "Tọa đàm khoa học",  # the two tone-mark placements of one word
        "Toạ đàm khoa học",
        "toa dam khoa hoc",
    ],
)
def test_labels_shared_after_normalisation_are_refused_as_ambiguous(
    index: LabelIndex, text: str
) -> None:
    found = index.lookup(text)
    assert found.code is None
    assert len(found.ambiguous) == 2
    assert index.match(text) is None
    assert index.is_ambiguous(text)


def test_ambiguous_labels_are_listed(index: LabelIndex) -> None:
    assert index.ambiguous_labels == {
        "hoi thao cap tinh": ("conf_province", "sports_province"),
        "toa dam khoa hoc": ("seminar_a", "seminar_b"),
    }
    assert index.lookup("Hội thao cấp tỉnh").ambiguous == ("conf_province", "sports_province")


def test_distinct_english_labels_still_match_when_vietnamese_ones_collide(
    index: LabelIndex,
) -> None:
    assert index.match("Seminars (school)") == "seminar_b"
    assert index.match("provincial sports days") == "sports_province"


@pytest.mark.parametrize("text", ["", "   ", None, "Số lớp cao cấp", "Tổng cộng", "123"])
def test_unknown_labels_match_nothing(index: LabelIndex, text: str | None) -> None:
    found = index.lookup(text)
    assert found.code is None
    assert found.ambiguous == ()
    assert not found.found
