"""The validation rules, on a hand-built slice of the catalogue and the seeds' real figures.

Seed 003 (Vĩnh Phúc, 2020): 62 classes/6.481 learners; in plan 58/6.124 and outside
plan 4/357 add up; the seven programmes' classes add up to 62 but their learners
(88 + 633 + 50 + 740 + 444 + 2.157 + 2.500) do not add up to 6.481.
Seed 001 (Thanh Hóa, 2022): 47 intermediate classes/3.058 learners, of which 21/1.502
carried over and 24/1.556 new: the learners add up, the classes do not (21 + 24 = 45).
"""

from __future__ import annotations

import pytest

from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from core.formatting import format_number
from submissions.validation import (
    Finding,
    blocking_findings,
    check_completeness,
    check_consistency,
    check_outliers,
    findings_for_submit,
    validate_entries,
    validate_entry,
)

# (code suffix, Vietnamese name, English name) of the programmes in seed 003.
PROGRAMMES = [
    ("postgrad", "cao học liên kết", "Postgraduate (joint)"),
    ("intermediate", "trung cấp LLCT-HC", "Intermediate political theory"),
    ("lecturers", "bồi dưỡng giảng viên", "Lecturer course"),
    ("dept_leaders", "bồi dưỡng lãnh đạo cấp phòng", "Department leader course"),
    ("specialist", "bồi dưỡng chuyên viên", "Specialist course"),
    ("party_work", "bồi dưỡng công tác Đảng, đoàn thể cơ sở", "Grassroots Party work course"),
    ("plan91", "bồi dưỡng theo Kế hoạch 91-KH/TU", "Plan 91-KH/TU course"),
]


def build_catalogue() -> Catalogue:
    specs: list[dict[str, object]] = [
        dict(
            code="train.classes",
            label_vi="Tổng số lớp",
            label_en="Total classes",
            unit="class",
            required=True,
            max_value=2_000,
            learners_code="train.learners",
        ),
        dict(
            code="train.learners",
            label_vi="Tổng số học viên",
            label_en="Total learners",
            unit="learner",
            required=True,
            max_value=100_000,
        ),
    ]
    for measure, unit, vi, en in (
        ("classes", "class", "Số lớp", "classes"),
        ("learners", "learner", "Số học viên", "learners"),
    ):
        for suffix, where_vi, where_en in (
            ("in_plan", "trong kế hoạch", "In-plan"),
            ("outside_plan", "ngoài kế hoạch", "Outside-plan"),
        ):
            specs.append(
                dict(
                    code=f"train.{measure}.{suffix}",
                    label_vi=f"{vi} {where_vi}",
                    label_en=f"{where_en} {en}",
                    unit=unit,
                    parent=f"train.{measure}",
                    split="plan",
                )
            )
        for suffix, name_vi, name_en in PROGRAMMES:
            specs.append(
                dict(
                    code=f"train.{measure}.{suffix}",
                    label_vi=f"{vi} {name_vi}",
                    label_en=f"{name_en} {en}",
                    unit=unit,
                    parent=f"train.{measure}",
                    split="programme",
                )
            )
        for suffix, when_vi, when_en in (
            ("carried", "chuyển sang", "carried over"),
            ("new", "mở mới", "opened this period"),
        ):
            specs.append(
                dict(
                    code=f"train.{measure}.intermediate.{suffix}",
                    label_vi=f"{vi} trung cấp {when_vi}",
                    label_en=f"Intermediate {en} {when_en}",
                    unit=unit,
                    parent=f"train.{measure}.intermediate",
                    split="origin",
                )
            )
    specs.append(
        dict(
            code="research.school_projects",
            label_vi="Đề tài cấp trường",
            label_en="School-level projects",
            unit="project",
            section="research",
            required=True,
        )
    )
    specs.append(
        dict(
            code="research.conferences",
            label_vi="Hội thảo khoa học",
            label_en="Scientific conferences",
            unit="event",
            section="research",
        )
    )
    indicators = []
    for order, spec in enumerate(specs):
        spec.setdefault("section", "training")
        indicators.append(IndicatorSpec(order=order, **spec))  # type: ignore[arg-type]
    # Every classes part knows its learners twin.
    indicators = [
        _with_learners(indicator) if indicator.code.startswith("train.classes.") else indicator
        for indicator in indicators
    ]
    return Catalogue(
        version=2020,
        sections=(
            SectionSpec("training", "Đào tạo, bồi dưỡng", "Training and courses", 0),
            SectionSpec("research", "Nghiên cứu khoa học", "Research", 1),
        ),
        indicators=tuple(indicators),
        retired=("train.old_course",),
    )


def _with_learners(indicator: IndicatorSpec) -> IndicatorSpec:
    from dataclasses import replace

    return replace(indicator, learners_code=indicator.code.replace("classes", "learners"))


CATALOGUE = build_catalogue()

SEED_003_CLASSES = {
    "postgrad": 1,
    "intermediate": 8,
    "lecturers": 1,
    "dept_leaders": 7,
    "specialist": 4,
    "party_work": 16,
    "plan91": 25,
}
SEED_003_LEARNERS = {
    "postgrad": 88,
    "intermediate": 633,
    "lecturers": 50,
    "dept_leaders": 740,
    "specialist": 444,
    "party_work": 2157,
    "plan91": 2500,
}


def seed_003_values() -> dict[str, int | None]:
    values: dict[str, int | None] = {
        "train.classes": 62,
        "train.classes.in_plan": 58,
        "train.classes.outside_plan": 4,
        "train.learners": 6481,
        "train.learners.in_plan": 6124,
        "train.learners.outside_plan": 357,
        "research.school_projects": 10,
    }
    values.update({f"train.classes.{key}": value for key, value in SEED_003_CLASSES.items()})
    values.update({f"train.learners.{key}": value for key, value in SEED_003_LEARNERS.items()})
    return values


def seed_001_values() -> dict[str, int | None]:
    return {
        "train.classes.intermediate": 47,
        "train.classes.intermediate.carried": 21,
        "train.classes.intermediate.new": 24,
        "train.learners.intermediate": 3058,
        "train.learners.intermediate.carried": 1502,
        "train.learners.intermediate.new": 1556,
    }


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [finding.message_en for finding in findings]
    return findings[0]


# --- the catalogue slice itself -----------------------------------------------------------


def test_catalogue_slice_has_the_three_splits() -> None:
    splits = CATALOGUE.splits
    assert set(splits["train.learners"]) == {"plan", "programme"}
    assert set(splits["train.classes.intermediate"]) == {"origin"}
    assert len(splits["train.learners"]["programme"]) == 7
    assert CATALOGUE["train.classes.plan91"].learners_code == "train.learners.plan91"


# --- saving: entry errors ---------------------------------------------------------------------


def test_valid_entry_is_read() -> None:
    assert validate_entry(catalogue=CATALOGUE, code="train.learners", raw="6.481") == (6481, None)
    assert validate_entry(catalogue=CATALOGUE, code="train.classes", raw="62 lớp") == (62, None)


def test_blank_entry_is_allowed_when_saving() -> None:
    assert validate_entry(catalogue=CATALOGUE, code="train.classes", raw="") == (None, None)
    assert validate_entry(catalogue=CATALOGUE, code="train.classes", raw=None) == (None, None)


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("-3", "negative"),
        (-3, "negative"),
        (12.5, "not_integer"),
        ("1,5", "ambiguous"),
        ("1.79", "not_integer"),
        ("abc", "not_a_number"),
        ("l206", "typing_slip"),
        ("=SUM(A1)", "formula"),
        ("20212", "too_large"),  # "20212" for 2022: far beyond the bound of 2.000 classes
    ],
)
def test_entry_errors_block_saving(raw: object, rule: str) -> None:
    value, finding = validate_entry(catalogue=CATALOGUE, code="train.classes", raw=raw)
    assert value is None
    assert finding is not None
    assert finding.kind == "error"
    assert finding.blocking
    assert finding.rule == rule
    assert finding.code == "train.classes"
    assert finding.message_vi.startswith("Tổng số lớp: ")
    assert finding.message_en.startswith("Total classes: ")


def test_value_above_bound_names_the_bound_in_both_languages() -> None:
    _value, finding = validate_entry(catalogue=CATALOGUE, code="train.classes", raw="20212")
    assert finding is not None
    assert finding.numbers == {"value": 20212, "max_value": 2000}
    assert "20.212" in finding.message_vi
    assert "2.000" in finding.message_vi
    assert "20,212" in finding.message_en
    assert "2,000" in finding.message_en


def test_value_at_bound_is_accepted() -> None:
    assert validate_entry(catalogue=CATALOGUE, code="train.classes", raw=2000) == (2000, None)


def test_unknown_code_is_an_error() -> None:
    value, finding = validate_entry(catalogue=CATALOGUE, code="train.nope", raw="3")
    assert value is None
    assert finding is not None
    assert (finding.kind, finding.blocking, finding.rule) == ("error", True, "unknown_code")
    assert "train.nope" in finding.message_vi
    assert "not in the catalogue" in finding.message_en


def test_retired_code_says_it_is_no_longer_collected() -> None:
    _value, finding = validate_entry(catalogue=CATALOGUE, code="train.old_course", raw="3")
    assert finding is not None
    assert finding.rule == "unknown_code"
    assert "no longer collected" in finding.message_en
    assert "không còn" in finding.message_vi


def test_validate_entries_reads_all_and_reports_every_error() -> None:
    values, findings = validate_entries(
        catalogue=CATALOGUE,
        raw_values={
            "train.classes": "62",
            "train.learners": "6.481",
            "train.classes.in_plan": "",
            "train.classes.outside_plan": "-4",
            "train.learners.in_plan": "6,124",
            "unknown.code": 1,
        },
    )
    # Refused and unknown codes are left out, so a refusal is never read as a blank.
    assert values == {"train.classes": 62, "train.learners": 6481, "train.classes.in_plan": None}
    assert [finding.code for finding in findings] == [
        "train.classes.outside_plan",
        "train.learners.in_plan",
        "unknown.code",
    ]
    assert [finding.rule for finding in findings] == ["negative", "ambiguous", "unknown_code"]
    assert all(finding.blocking and finding.kind == "error" for finding in findings)


def test_validate_entries_clean() -> None:
    values, findings = validate_entries(catalogue=CATALOGUE, raw_values={"train.classes": 62.0})
    assert values == {"train.classes": 62}
    assert findings == []


# --- submitting: consistency ------------------------------------------------------------------


def test_seed_003_programmes_do_not_add_up_to_the_declared_learners() -> None:
    findings = check_consistency(catalogue=CATALOGUE, values=seed_003_values(), explanations={})
    finding = only(findings)  # plan/outside plan adds up, the classes add up

    parts = sum(SEED_003_LEARNERS.values())
    assert parts == 6612
    assert finding.code == "train.learners"
    assert finding.kind == "consistency"
    assert finding.rule == "sum_mismatch"
    assert finding.blocking
    assert not finding.explained
    assert finding.numbers["declared"] == 6481
    assert finding.numbers["sum"] == parts
    assert finding.numbers["difference"] == parts - 6481
    assert finding.numbers["train.learners.party_work"] == 2157
    assert set(finding.related) == {f"train.learners.{key}" for key in SEED_003_LEARNERS}
    assert finding.message_vi.startswith(
        "Tổng số học viên (6.612 theo các chương trình) khác số đã khai (6.481)"
    )
    assert "131" in finding.message_vi
    assert "Số học viên bồi dưỡng công tác Đảng, đoàn thể cơ sở 2.157" in finding.message_vi
    assert "by programme add up to 6,612, not the declared 6,481" in finding.message_en
    assert "Grassroots Party work course learners 2,157" in finding.message_en


def test_seed_003_plan_split_adds_up() -> None:
    values = seed_003_values()
    assert values["train.learners.in_plan"] + values["train.learners.outside_plan"] == 6481  # type: ignore[operator]
    findings = check_consistency(catalogue=CATALOGUE, values=values, explanations={})
    assert all("train.learners.in_plan" not in finding.related for finding in findings)
    assert all("train.classes.plan91" not in finding.related for finding in findings)


def test_seed_001_carried_over_plus_new_classes_do_not_add_up() -> None:
    findings = check_consistency(catalogue=CATALOGUE, values=seed_001_values(), explanations={})
    finding = only(findings)  # the learners (1.502 + 1.556 = 3.058) add up: no finding
    assert finding.code == "train.classes.intermediate"
    assert finding.rule == "sum_mismatch"
    assert finding.numbers["declared"] == 47
    assert finding.numbers["sum"] == 21 + 24
    assert finding.numbers["difference"] == -2
    assert "45 theo chuyển sang và mở mới" in finding.message_vi
    assert "khác số đã khai (47)" in finding.message_vi
    assert "ít hơn 2" in finding.message_vi
    assert "carried over and new add up to 45, not the declared 47" in finding.message_en


def test_parent_blank_means_nothing_to_compare() -> None:
    values = seed_003_values()
    values["train.learners"] = None
    findings = check_consistency(catalogue=CATALOGUE, values=values, explanations={})
    assert findings == []


def test_partial_children_already_exceeding_the_total() -> None:
    values = {
        "train.classes": 62,
        "train.classes.party_work": 30,
        "train.classes.plan91": 25,
        "train.classes.dept_leaders": 10,
    }
    finding = only(check_consistency(catalogue=CATALOGUE, values=values, explanations={}))
    assert finding.code == "train.classes"
    assert finding.rule == "partial_sum_exceeds"
    assert finding.blocking
    assert finding.numbers["sum"] == 65
    assert "3/7 phần theo các chương trình đã cộng được 65, vượt 3" in finding.message_vi
    assert "Còn trống: Số lớp cao học liên kết" in finding.message_vi
    assert (
        "Total classes: declared 62, but 3 of 7 parts by programme already add up to 65 (3 more)"
        in finding.message_en
    )


def test_partial_children_below_the_total_warn_without_blocking() -> None:
    # Was "are fine" (no finding): issue 11 point 5 wants the blank parts' share named.
    values = {"train.classes": 62, "train.classes.plan91": 25, "train.classes.party_work": 16}
    finding = only(check_consistency(catalogue=CATALOGUE, values=values, explanations={}))
    assert finding.rule == "blank_parts_remainder"
    assert not finding.blocking and blocking_findings([finding]) == []
    assert finding.numbers["declared"] == 62
    assert finding.numbers["sum"] == 41
    assert finding.numbers["remainder"] == 21


def test_programmes_short_of_the_total_with_one_row_blank_warn_with_the_numbers() -> None:
    # Issue 11 point 5: programmes add up to 2.604 against a declared 2.658 while one
    # programme row is empty; the blank row must hold 54, which says "typing slip?".
    learners = dict(SEED_003_LEARNERS)
    values: dict[str, int | None] = {
        f"train.learners.{key}": value for key, value in learners.items() if key != "plan91"
    }
    filled = sum(value for value in values.values() if value is not None)
    values["train.learners"] = filled + 54
    finding = only(check_consistency(catalogue=CATALOGUE, values=values, explanations={}))
    assert finding.code == "train.learners"
    assert (finding.rule, finding.blocking) == ("blank_parts_remainder", False)
    assert finding.numbers["remainder"] == 54
    assert finding.numbers["sum"] == filled
    assert "train.learners.plan91" in finding.related
    assert (
        f"{format_number(filled, 'en')} of {format_number(filled + 54, 'en')} accounted for "
        "(by programme); the blank part(s) (Plan 91-KH/TU course learners) must hold 54."
    ) in finding.message_en
    assert (
        f"mới cộng được {format_number(filled, 'vi')} trên tổng "
        f"{format_number(filled + 54, 'vi')}; (các) phần còn trống "
        "(Số học viên bồi dưỡng theo Kế hoạch 91-KH/TU) phải cộng lại đúng 54"
    ) in finding.message_vi


def test_blank_parts_that_would_have_to_be_negative_still_block() -> None:
    values = {"train.learners": 100, "train.learners.plan91": 60, "train.learners.postgrad": 70}
    finding = only(check_consistency(catalogue=CATALOGUE, values=values, explanations={}))
    assert (finding.rule, finding.blocking) == ("partial_sum_exceeds", True)


def test_filled_parts_equal_to_the_total_leave_the_blanks_nothing_to_say() -> None:
    values = {"train.learners": 130, "train.learners.plan91": 60, "train.learners.postgrad": 70}
    assert check_consistency(catalogue=CATALOGUE, values=values, explanations={}) == []


def test_the_remainder_counts_blank_subtotals_own_parts() -> None:
    # intermediate classes is blank but its carried-over part is 5: the programme split
    # of 62 then has 25 + 5 at least, so the blank parts must hold 32.
    values = {
        "train.classes": 62,
        "train.classes.plan91": 25,
        "train.classes.intermediate.carried": 5,
    }
    findings = check_consistency(catalogue=CATALOGUE, values=values, explanations={})
    by_rule = {finding.rule: finding for finding in findings}
    assert by_rule["blank_parts_remainder"].numbers["remainder"] == 32
    assert not any(finding.blocking for finding in findings)


def test_part_above_whole() -> None:
    values = {"train.classes": 62, "train.classes.in_plan": 70}
    finding = only(check_consistency(catalogue=CATALOGUE, values=values, explanations={}))
    # Not repeated as "partial sum exceeds": the part alone says it.
    assert finding.code == "train.classes.in_plan"
    assert finding.rule == "part_above_whole"
    assert finding.related == ("train.classes",)
    assert finding.numbers == {"part": 70, "total": 62}
    assert finding.message_vi == (
        "Số lớp trong kế hoạch (70) lớn hơn tổng số lớp (62): một phần không thể lớn hơn tổng."
    )
    assert finding.message_en == (
        "In-plan classes: 70, more than total classes (62). A part cannot exceed its total."
    )


def test_part_above_whole_with_all_parts_also_reports_the_sum() -> None:
    values = {"train.classes": 62, "train.classes.in_plan": 70, "train.classes.outside_plan": 4}
    findings = check_consistency(catalogue=CATALOGUE, values=values, explanations={})
    assert [finding.rule for finding in findings] == ["part_above_whole", "sum_mismatch"]


def test_learners_fewer_than_classes() -> None:
    values = {"train.classes.intermediate": 8, "train.learners.intermediate": 5}
    finding = only(check_consistency(catalogue=CATALOGUE, values=values, explanations={}))
    assert finding.code == "train.learners.intermediate"
    assert finding.related == ("train.classes.intermediate",)
    assert finding.rule == "learners_below_classes"
    assert finding.numbers == {"learners": 5, "classes": 8}
    assert "(5) ít hơn số lớp trung cấp LLCT-HC (8)" in finding.message_vi
    assert "learners: 5, fewer than intermediate political theory classes (8)" in finding.message_en


def test_learners_equal_to_classes_is_fine() -> None:
    values = {"train.classes": 3, "train.learners": 3}
    assert check_consistency(catalogue=CATALOGUE, values=values, explanations={}) == []


def test_explanation_turns_blocking_off() -> None:
    findings = check_consistency(
        catalogue=CATALOGUE,
        values=seed_003_values(),
        explanations={"train.learners": "Báo cáo gốc ghi 6.481; đang đối chiếu với phòng đào tạo."},
    )
    finding = only(findings)
    assert finding.explained
    assert not finding.blocking
    assert blocking_findings(findings) == []


def test_blank_explanation_does_not_count() -> None:
    findings = check_consistency(
        catalogue=CATALOGUE, values=seed_003_values(), explanations={"train.learners": "   "}
    )
    assert only(findings).blocking
    assert not only(findings).explained


def test_explanation_on_another_code_does_not_count() -> None:
    findings = check_consistency(
        catalogue=CATALOGUE, values=seed_003_values(), explanations={"train.classes": "x"}
    )
    assert only(findings).blocking


def test_not_applicable_part_counts_as_zero() -> None:
    values = {
        "train.classes.intermediate": 24,
        "train.classes.intermediate.new": 24,
    }
    assert (
        check_consistency(
            catalogue=CATALOGUE,
            values=values,
            explanations={},
            not_applicable={"train.classes.intermediate.carried"},
        )
        == []
    )
    values["train.classes.intermediate.new"] = 20
    finding = only(
        check_consistency(
            catalogue=CATALOGUE,
            values=values,
            explanations={},
            not_applicable={"train.classes.intermediate.carried"},
        )
    )
    assert finding.rule == "sum_mismatch"


# --- submitting: completeness -----------------------------------------------------------------


def test_required_blank_is_incomplete() -> None:
    values = seed_003_values()
    values["research.school_projects"] = None
    finding = only(check_completeness(catalogue=CATALOGUE, values=values, not_applicable=set()))
    assert finding.code == "research.school_projects"
    assert (finding.kind, finding.blocking, finding.rule) == ("completeness", True, "missing")
    assert finding.message_vi.startswith("Chưa nhập đề tài cấp trường.")
    assert (
        "Để gửi được: nhập số liệu (0 nếu kỳ này không có), đánh dấu không áp dụng, hoặc "
        "đánh dấu không có số liệu kèm giải trình." in finding.message_vi
    )
    assert finding.message_en.startswith("School-level projects: not entered yet.")
    assert "mark it not reported with an explanation" in finding.message_en


def test_an_explanation_alone_does_not_unblock_a_blank_required_figure() -> None:
    values = seed_003_values()
    values["research.school_projects"] = None
    finding = only(
        check_completeness(
            catalogue=CATALOGUE,
            values=values,
            not_applicable=set(),
            explanations={"research.school_projects": "Báo cáo gốc không nêu."},
        )
    )
    assert (finding.rule, finding.blocking) == ("missing", True)


def test_not_reported_required_figure_blocks_until_explained() -> None:
    values = seed_003_values()
    values["research.school_projects"] = None
    marked = only(
        check_completeness(
            catalogue=CATALOGUE,
            values=values,
            not_applicable=set(),
            not_reported={"research.school_projects"},
        )
    )
    assert (marked.rule, marked.blocking, marked.explained) == ("not_reported", True, False)
    assert "ghi giải trình" in marked.message_vi
    explained = only(
        check_completeness(
            catalogue=CATALOGUE,
            values=values,
            not_applicable=set(),
            not_reported={"research.school_projects"},
            explanations={"research.school_projects": "Báo cáo gốc không nêu số đề tài."},
        )
    )
    assert (explained.rule, explained.blocking, explained.explained) == (
        "not_reported",
        False,
        True,
    )


def test_not_reported_required_figure_does_not_block_a_backfill() -> None:
    values = seed_003_values()
    values["research.school_projects"] = None
    finding = only(
        check_completeness(
            catalogue=CATALOGUE,
            values=values,
            not_applicable=set(),
            not_reported={"research.school_projects"},
            backfill=True,
        )
    )
    assert (finding.rule, finding.blocking) == ("not_reported", False)
    assert "không tính là 0" in finding.message_vi


def test_absent_required_is_incomplete_and_zero_is_complete() -> None:
    findings = check_completeness(
        catalogue=CATALOGUE, values={"train.classes": 0}, not_applicable=set()
    )
    assert [finding.code for finding in findings] == ["train.learners", "research.school_projects"]


def test_not_applicable_is_not_incomplete() -> None:
    findings = check_completeness(
        catalogue=CATALOGUE,
        values={"train.classes": 1, "train.learners": 30},
        not_applicable={"research.school_projects"},
    )
    assert findings == []


def test_blank_total_with_all_parts_gives_their_sum_as_a_hint() -> None:
    values = seed_003_values()
    values["train.learners"] = None
    findings = check_completeness(catalogue=CATALOGUE, values=values, not_applicable=set())
    finding = only(findings)
    assert finding.numbers == {"sum_of_parts": 6481}  # the first complete split: plan
    assert "Các phần (theo trong và ngoài kế hoạch) cộng lại được 6.481." in finding.message_vi
    assert "Its parts in plan and outside plan add up to 6,481." in finding.message_en


# --- submitting: outliers ---------------------------------------------------------------------

HISTORY_4 = [("2019-Y", 60), ("2020-Y", 62), ("2021-Y", 58), ("2022-Y", 64)]


def test_outlier_by_modified_z_score() -> None:
    findings = check_outliers(
        catalogue=CATALOGUE, values={"train.classes": 150}, history={"train.classes": HISTORY_4}
    )
    finding = only(findings)
    assert (finding.kind, finding.blocking, finding.rule) == ("outlier", False, "modified_z_score")
    # median 61, MAD 2: z = 0.6745 × 89 / 2 ≈ 30.02
    assert finding.numbers["median"] == 61
    assert finding.numbers["mad"] == 2
    assert finding.numbers["z"] == pytest.approx(30.02, abs=0.01)
    assert finding.numbers["2021-Y"] == 58
    assert "2019-Y: 60; 2020-Y: 62; 2021-Y: 58; 2022-Y: 64" in finding.message_vi
    assert "150 cao bất thường" in finding.message_vi
    assert "trung vị 61" in finding.message_vi
    assert "150 is unusually high against previous periods" in finding.message_en


def test_outlier_low_by_modified_z_score() -> None:
    finding = only(
        check_outliers(
            catalogue=CATALOGUE, values={"train.classes": 20}, history={"train.classes": HISTORY_4}
        )
    )
    assert finding.rule == "modified_z_score"
    assert "thấp bất thường" in finding.message_vi
    assert "unusually low" in finding.message_en


def test_within_history_is_not_an_outlier() -> None:
    findings = check_outliers(
        catalogue=CATALOGUE, values={"train.classes": 66}, history={"train.classes": HISTORY_4}
    )
    assert findings == []


def test_outlier_by_ratio_with_short_history() -> None:
    history = {"train.learners": [("2021-Y", 1200), ("2022-Y", 1500)]}
    finding = only(
        check_outliers(catalogue=CATALOGUE, values={"train.learners": 6481}, history=history)
    )
    assert finding.rule == "ratio"
    assert not finding.blocking
    assert finding.numbers["previous_max"] == 1500
    assert "6.481 cao hơn 3 lần mức cao nhất của các kỳ trước (2021-Y: 1.200; 2022-Y: 1.500)" in (
        finding.message_vi
    )
    assert "6,481 is more than 3 times the highest previous value (2021-Y: 1,200; " in (
        finding.message_en
    )


def test_outlier_by_ratio_low() -> None:
    history = {"train.learners": [("2022-Y", 1500)]}
    finding = only(
        check_outliers(catalogue=CATALOGUE, values={"train.learners": 400}, history=history)
    )
    assert finding.numbers["previous_min"] == 1500
    assert "thấp hơn 1/3 mức thấp nhất" in finding.message_vi
    assert "less than 1/3 of the lowest previous value" in finding.message_en


@pytest.mark.parametrize(
    ("value", "previous"),
    [
        (4000, [1500]),  # less than 3×
        (600, [1500]),  # more than ⅓
        (4, [1]),  # tiny numbers: 1 → 4 conferences is not news
        (0, [3]),
    ],
)
def test_ratio_rule_leaves_these_alone(value: int, previous: list[int]) -> None:
    history = {
        "research.conferences": [(f"{2020 + i}-Y", count) for i, count in enumerate(previous)]
    }
    assert (
        check_outliers(catalogue=CATALOGUE, values={"research.conferences": value}, history=history)
        == []
    )


def test_drop_to_zero_from_a_real_number_is_an_outlier() -> None:
    history = {"research.school_projects": [("2022-Y", 10)]}
    finding = only(
        check_outliers(catalogue=CATALOGUE, values={"research.school_projects": 0}, history=history)
    )
    assert finding.rule == "ratio"


def test_mad_zero_falls_back_to_ratio() -> None:
    history = {"research.school_projects": [("2020-Y", 10), ("2021-Y", 10), ("2022-Y", 10)]}
    finding = only(
        check_outliers(
            catalogue=CATALOGUE, values={"research.school_projects": 31}, history=history
        )
    )
    assert finding.rule == "ratio"
    assert (
        check_outliers(
            catalogue=CATALOGUE, values={"research.school_projects": 29}, history=history
        )
        == []
    )


def test_no_history_no_outlier() -> None:
    assert check_outliers(catalogue=CATALOGUE, values={"train.classes": 9999}, history={}) == []
    assert (
        check_outliers(
            catalogue=CATALOGUE, values={"train.classes": 9999}, history={"train.classes": []}
        )
        == []
    )


def test_blank_value_is_not_an_outlier() -> None:
    history = {"train.classes": HISTORY_4}
    assert (
        check_outliers(catalogue=CATALOGUE, values={"train.classes": None}, history=history) == []
    )


# --- submitting: all together -------------------------------------------------------------------


def test_findings_for_submit_combines_and_blocks() -> None:
    values = seed_003_values()
    values["research.school_projects"] = None
    findings = findings_for_submit(
        catalogue=CATALOGUE,
        values=values,
        not_applicable=set(),
        explanations={},
        history={"train.classes": [("2019-Y", 15)]},  # 62 is more than 3 × 15
    )
    assert [(finding.kind, finding.code) for finding in findings] == [
        ("consistency", "train.learners"),
        ("completeness", "research.school_projects"),
        ("outlier", "train.classes"),
    ]
    assert [finding.code for finding in blocking_findings(findings)] == [
        "train.learners",
        "research.school_projects",
    ]


def test_findings_for_submit_with_explanations_and_not_applicable() -> None:
    values = seed_003_values()
    values["research.school_projects"] = None
    findings = findings_for_submit(
        catalogue=CATALOGUE,
        values=values,
        not_applicable={"research.school_projects"},
        explanations={
            "train.learners": "Theo báo cáo gốc.",
            "train.classes": "Năm 2020 mở thêm lớp.",
        },
        history={"train.classes": [("2019-Y", 15)]},
    )
    assert [(finding.kind, finding.explained) for finding in findings] == [
        ("consistency", True),
        ("outlier", True),
    ]
    assert blocking_findings(findings) == []


def test_clean_submission_has_no_findings() -> None:
    values = seed_003_values()
    values["train.learners.plan91"] = 2500 - 131
    findings = findings_for_submit(
        catalogue=CATALOGUE,
        values=values,
        not_applicable=set(),
        explanations={},
        history={"train.classes": HISTORY_4},
    )
    assert findings == []


# --- the finding itself ---------------------------------------------------------------------------


def test_finding_message_and_as_dict() -> None:
    finding = only(
        check_consistency(catalogue=CATALOGUE, values=seed_001_values(), explanations={})
    )
    assert finding.message("vi") == finding.message_vi
    assert finding.message("en") == finding.message_en
    assert finding.message("en-us") == finding.message_en
    as_dict = finding.as_dict("en")
    assert set(as_dict) == {
        "code",
        "kind",
        "message",
        "blocking",
        "related",
        "numbers",
        "explained",
    }
    assert as_dict["code"] == "train.classes.intermediate"
    assert as_dict["message"] == finding.message_en
    assert as_dict["related"] == [
        "train.classes.intermediate.carried",
        "train.classes.intermediate.new",
    ]
    assert finding.as_dict("vi")["message"] == finding.message_vi


def test_thainguyen_2022_slip_of_54_learners_warns_at_entry_on_the_real_catalogue() -> None:
    # Issue 11 point 5, as it happened: 1.793 intermediate learners typed 1.739, so the
    # programmes add up to 2.604 of the declared 2.658 while other programme rows are
    # blank. Nothing blocks, but the numbers are said while the school types.
    from catalogue.spec import load_catalogue

    catalogue = load_catalogue(2022)
    values: dict[str, int | None] = {
        "training.learners": 2658,
        "training.intermediate.learners": 1739,
        "training.advanced.learners": 184,
        "training.short_courses.learners": 681,
    }
    findings = check_consistency(catalogue=catalogue, values=values, explanations={})
    warning = only([f for f in findings if f.code == "training.learners"])
    assert (warning.rule, warning.blocking) == ("blank_parts_remainder", False)
    assert (warning.numbers["sum"], warning.numbers["remainder"]) == (2604, 54)
    assert "2,604 of 2,658 accounted for" in warning.message_en
    assert "must hold 54" in warning.message_en
    assert "mới cộng được 2.604 trên tổng 2.658" in warning.message_vi
    assert "phải cộng lại đúng 54" in warning.message_vi
    assert blocking_findings(findings) == []


# --- the warning where the school sees it: the API and the form -------------------------------


def test_remainder_warning_reaches_the_api_and_the_form_without_blocking(
    world, api_client, page_client
):
    url = "/api/v1/submissions/2024-H1/"
    client = api_client("dienbien-editor", "dienbien")
    saved = client.patch(
        url,
        {
            "version": 0,
            "values": {
                "training.learners": "2.658",
                "training.intermediate.learners": "1.739",
                "training.advanced.learners": "184",
                "training.short_courses.learners": "681",
            },
        },
        format="json",
    )
    assert saved.status_code == 200
    findings = client.get(url).json()["findings"]
    warning = next(f for f in findings if f["code"] == "training.learners")
    assert warning["blocking"] is False
    assert warning["numbers"]["remainder"] == 54
    assert "2.604" in warning["message"] and "54" in warning["message"]
    page = page_client("dienbien-editor", "dienbien").get("/submissions/2024-H1/")
    assert page.status_code == 200
    assert "phải cộng lại đúng 54" in page.content.decode()
