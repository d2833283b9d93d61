"""Pure tests of the aggregation transforms: frames in, dicts/frames out, no database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from aggregation.transforms import (
    build_academy_view,
    build_cluster_snapshot,
    combine_periods,
    facts_on_basis,
    input_fingerprint,
    period_sort_key,
    previous_year_period,
)
from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from core.formatting import format_count
from tests.world import NORTH

CLUSTER = NORTH
PERIOD = "2024-H1"
NOW = datetime(2024, 7, 15, 3, 0, tzinfo=UTC)

# Seed 002 (first half of 2024): the eight schools in the order the report lists them.
SEED_002 = [
    # slug, role, classes, learners
    ("quangninh", "lead", 97, 3864),
    ("dienbien", "member", 15, 1206),
    ("hagiang", "standing_deputy", 20, 1663),
    ("caobang", "member", 14, 779),
    ("laichau", "member", 16, 819),
    ("langson", "deputy", 21, 1131),
    ("laocai", "member", 24, 1254),
    ("sonla", "member", 27, 1727),
]
SEED_002_DECLARED = {"training.classes": 238, "training.learners": 12378}


def _indicator(code: str, label_vi: str, label_en: str, unit: str, order: int, **extra):
    return IndicatorSpec(
        code=code,
        label_vi=label_vi,
        label_en=label_en,
        unit=unit,
        section=code.split(".")[0],
        order=order,
        **extra,
    )


def make_catalogue() -> Catalogue:
    indicators = [
        _indicator(
            "training.classes", "Số lớp", "Classes", "class", 0, learners_code="training.learners"
        ),
        _indicator("training.learners", "Số học viên", "Learners", "learner", 1),
        _indicator(
            "training.classes_carried",
            "Lớp chuyển sang",
            "Classes carried over",
            "class",
            2,
            parent="training.classes",
            split="origin",
        ),
        _indicator(
            "training.classes_new",
            "Lớp mở mới",
            "New classes",
            "class",
            3,
            parent="training.classes",
            split="origin",
        ),
        _indicator(
            "training.classes_tc",
            "Lớp trung cấp",
            "Intermediate classes",
            "class",
            4,
            parent="training.classes",
            split="programme",
            learners_code="training.learners_tc",
        ),
        _indicator(
            "training.classes_short",
            "Lớp bồi dưỡng",
            "Short-course classes",
            "class",
            5,
            parent="training.classes",
            split="programme",
        ),
        _indicator(
            "training.learners_tc",
            "Học viên trung cấp",
            "Intermediate learners",
            "learner",
            6,
            parent="training.learners",
        ),
        _indicator(
            "training.learners_short",
            "Học viên bồi dưỡng",
            "Short-course learners",
            "learner",
            7,
            parent="training.learners",
        ),
        _indicator("staff.lecturers", "Số giảng viên", "Lecturers", "lecture", 8, kind="stock"),
        _indicator(
            "training.dropouts",
            "Học viên bỏ học",
            "Drop-outs",
            "learner",
            9,
            higher_is_better=False,
        ),
    ]
    sections = (
        SectionSpec("training", "Đào tạo", "Training", 0),
        SectionSpec("staff", "Đội ngũ", "Staff", 1),
    )
    return Catalogue(version=2024, sections=sections, indicators=tuple(indicators))


def fact(school, indicator, value, *, period=PERIOD, status="accepted", version=1) -> dict:
    return {
        "school": school,
        "period": period,
        "indicator": indicator,
        "value": value,
        "status": status,
        "version": version,
    }


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["school", "period", "indicator", "value", "status", "version"]
    )


def seed_002_facts() -> pd.DataFrame:
    rows = []
    for school, _role, classes, learners in SEED_002:
        rows.append(fact(school, "training.classes", classes))
        rows.append(fact(school, "training.learners", learners))
    return frame(rows)


def seed_002_members(year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"school": school, "cluster": CLUSTER, "year": year, "role": role}
            for school, role, *_ in SEED_002
        ]
    )


def submissions(rows: list[tuple]) -> pd.DataFrame:
    """rows: (school, status, submitted_at or None)."""
    return pd.DataFrame(
        [
            {
                "school": school,
                "period": PERIOD,
                "status": status,
                "submitted_at": pd.Timestamp(at) if at else pd.NaT,
                "updated_at": pd.Timestamp(at or "2024-06-01T00:00:00Z"),
            }
            for school, status, at in rows
        ],
        columns=["school", "period", "status", "submitted_at", "updated_at"],
    )


def all_accepted() -> pd.DataFrame:
    return submissions([(school, "accepted", "2024-06-20T08:00:00Z") for school, *_ in SEED_002])


def snapshot(facts=None, members=None, subs=None, **overrides) -> dict:
    arguments = {
        "facts": seed_002_facts() if facts is None else facts,
        "members": seed_002_members() if members is None else members,
        "submissions": all_accepted() if subs is None else subs,
        "catalogue": make_catalogue(),
        "cluster": CLUSTER,
        "period": PERIOD,
        "basis": "accepted",
        "deadline": date(2024, 6, 30),
        "now": NOW,
    }
    arguments.update(overrides)
    return build_cluster_snapshot(**arguments)


def school_entry(snap: dict, school: str) -> dict:
    return next(entry for entry in snap["schools"] if entry["school"] == school)


def findings_of(snap: dict, kind: str) -> list[dict]:
    return [finding for finding in snap["findings"] if finding["kind"] == kind]


# --------------------------------------------------------------------------- totals


def test_totals_are_sums_over_member_schools():
    snap = snapshot()
    classes = [row[2] for row in SEED_002]
    learners = [row[3] for row in SEED_002]
    assert snap["totals"] == {
        "training.classes": sum(classes),
        "training.learners": sum(learners),
    }
    assert snap["contributors"] == {"training.classes": 8, "training.learners": 8}
    assert isinstance(snap["totals"]["training.classes"], int)


def test_totals_only_list_reported_indicators_and_ignore_non_members():
    rows = [
        fact("quangninh", "training.classes", 10),
        fact("hagiang", "staff.lecturers", 30),
        # Not a member of the cluster this year: never counted.
        fact("bacninh", "training.classes", 500),
        # Another period: never counted.
        fact("quangninh", "training.classes", 7, period="2024-Q1"),
    ]
    snap = snapshot(facts=frame(rows))
    assert snap["totals"] == {"training.classes": 10, "staff.lecturers": 30}
    assert snap["contributors"] == {"training.classes": 1, "staff.lecturers": 1}
    assert "bacninh" not in [entry["school"] for entry in snap["schools"]]


def test_stock_is_summed_across_schools_within_one_period():
    rows = [
        fact("quangninh", "staff.lecturers", 45),
        fact("hagiang", "staff.lecturers", 30),
        fact("langson", "staff.lecturers", 28),
    ]
    assert snapshot(facts=frame(rows))["totals"] == {"staff.lecturers": 45 + 30 + 28}


def test_membership_is_taken_for_the_periods_year():
    members = pd.concat(
        [
            seed_002_members(2024),
            pd.DataFrame(
                [{"school": "bacninh", "cluster": CLUSTER, "year": 2023, "role": "member"}]
            ),
        ]
    )
    facts = pd.concat([seed_002_facts(), frame([fact("bacninh", "training.classes", 99)])])
    snap = snapshot(facts=facts, members=members)
    assert "bacninh" not in [entry["school"] for entry in snap["schools"]]
    assert snap["totals"]["training.classes"] == sum(row[2] for row in SEED_002)


def test_schools_follow_membership_order_lead_deputies_then_members_by_slug():
    snap = snapshot()
    assert [(entry["school"], entry["role"]) for entry in snap["schools"]] == [
        ("quangninh", "lead"),
        ("hagiang", "standing_deputy"),
        ("langson", "deputy"),
        ("caobang", "member"),
        ("dienbien", "member"),
        ("laichau", "member"),
        ("laocai", "member"),
        ("sonla", "member"),
    ]


def test_values_list_every_code_any_school_has_with_none_for_gaps():
    rows = [fact("quangninh", "training.classes", 10), fact("hagiang", "staff.lecturers", 30)]
    snap = snapshot(facts=frame(rows))
    assert school_entry(snap, "quangninh")["values"] == {
        "training.classes": 10,
        "staff.lecturers": None,
    }
    assert school_entry(snap, "sonla")["values"] == {
        "training.classes": None,
        "staff.lecturers": None,
    }
    # Catalogue order, not alphabetical or arrival order.
    assert list(school_entry(snap, "hagiang")["values"]) == ["training.classes", "staff.lecturers"]


# --------------------------------------------------------------------------- basis


def test_basis_accepted_and_submitted():
    rows = [
        fact("quangninh", "training.classes", 10, status="accepted"),
        fact("hagiang", "training.classes", 20, status="submitted"),
        fact("langson", "training.classes", 40, status="returned"),
        fact("sonla", "training.classes", 80, status="draft"),
    ]
    facts = frame(rows)
    assert snapshot(facts=facts, basis="accepted")["totals"]["training.classes"] == 10
    assert snapshot(facts=facts, basis="submitted")["totals"]["training.classes"] == 10 + 20
    assert sorted(facts_on_basis(facts, "submitted")["school"]) == ["hagiang", "quangninh"]
    with pytest.raises(ValueError):
        facts_on_basis(facts, "draft")


def test_highest_version_within_the_basis_wins():
    facts = frame(
        [
            fact("quangninh", "training.classes", 10, version=1, status="accepted"),
            fact("quangninh", "training.classes", 12, version=3, status="accepted"),
            fact("quangninh", "training.classes", 15, version=4, status="submitted"),
        ]
    )
    assert facts_on_basis(facts, "accepted")["value"].tolist() == [12]
    assert facts_on_basis(facts, "submitted")["value"].tolist() == [15]


# --------------------------------------------------------------------------- shares, ranks


def test_shares_of_the_cluster_total():
    snap = snapshot()
    total = sum(row[2] for row in SEED_002)
    lead = school_entry(snap, "quangninh")["shares"]["training.classes"]
    assert lead == round(97 / total, 4)
    shares = [entry["shares"]["training.classes"] for entry in snap["schools"]]
    assert sum(shares) == pytest.approx(1.0, abs=8 * 0.00005)


def test_share_is_none_when_total_is_zero_or_school_has_no_value():
    rows = [
        fact("quangninh", "training.dropouts", 0),
        fact("hagiang", "training.dropouts", 0),
        fact("quangninh", "training.classes", 4),
    ]
    snap = snapshot(facts=frame(rows))
    assert school_entry(snap, "quangninh")["shares"]["training.dropouts"] is None
    assert school_entry(snap, "hagiang")["shares"]["training.classes"] is None
    assert school_entry(snap, "quangninh")["shares"]["training.classes"] == 1.0


def test_ranks_ties_share_the_min_rank_and_direction_follows_the_catalogue():
    rows = [
        fact("quangninh", "training.classes", 10),
        fact("hagiang", "training.classes", 20),
        fact("langson", "training.classes", 20),
        fact("sonla", "training.classes", 5),
        # Fewer drop-outs is better.
        fact("quangninh", "training.dropouts", 3),
        fact("hagiang", "training.dropouts", 1),
        fact("langson", "training.dropouts", 1),
    ]
    snap = snapshot(facts=frame(rows))
    ranks = {entry["school"]: entry["ranks"] for entry in snap["schools"]}
    assert ranks["hagiang"]["training.classes"] == 1
    assert ranks["langson"]["training.classes"] == 1
    assert ranks["quangninh"]["training.classes"] == 3
    assert ranks["sonla"]["training.classes"] == 4
    assert ranks["caobang"]["training.classes"] is None
    assert ranks["hagiang"]["training.dropouts"] == 1
    assert ranks["langson"]["training.dropouts"] == 1
    assert ranks["quangninh"]["training.dropouts"] == 3
    assert ranks["sonla"]["training.dropouts"] is None


# --------------------------------------------------------------------------- year on year


def test_year_on_year_against_the_same_period_a_year_earlier():
    assert previous_year_period("2024-H1") == "2023-H1"
    assert previous_year_period("2023-Y") == "2022-Y"
    previous = frame(
        [
            fact("quangninh", "training.classes", 80, period="2023-H1"),
            fact("hagiang", "training.classes", 20, period="2023-H1"),
            fact("quangninh", "staff.lecturers", 40, period="2023-H1"),
            # Same kind of period is required: a year figure is not compared.
            fact("quangninh", "training.learners", 9999, period="2023-Y"),
        ]
    )
    current = frame(
        [
            fact("quangninh", "training.classes", 90),
            fact("hagiang", "training.classes", 30),
            fact("quangninh", "training.learners", 3000),
        ]
    )
    snap = snapshot(facts=current, previous_facts=previous)
    assert snap["yoy"] == {
        "training.classes": {
            "previous": 100,
            "current": 120,
            "change": 20,
            "change_pct": 20.0,
        }
    }
    # Without previous_facts the earlier period is looked up in facts.
    combined = snapshot(facts=pd.concat([current, previous], ignore_index=True))
    assert combined["yoy"] == snap["yoy"]
    assert combined["totals"] == snap["totals"]


def test_year_on_year_change_pct_is_none_from_zero():
    previous = frame([fact("quangninh", "training.dropouts", 0, period="2023-H1")])
    current = frame([fact("quangninh", "training.dropouts", 4)])
    yoy = snapshot(facts=current, previous_facts=previous)["yoy"]["training.dropouts"]
    assert yoy == {"previous": 0, "current": 4, "change": 4, "change_pct": None}


# --------------------------------------------------------------------------- completeness


def completeness_subs() -> pd.DataFrame:
    return submissions(
        [
            ("quangninh", "accepted", "2024-06-20T08:00:00Z"),
            ("hagiang", "submitted", "2024-07-02T08:00:00Z"),  # after the deadline
            ("langson", "returned", "2024-06-25T08:00:00Z"),
            ("dienbien", "draft", None),
            ("caobang", "not_started", None),
            # laichau, laocai, sonla: no submission row at all
            # 30 June 23:30 in Vietnam is 16:30 UTC: still on time.
            ("sonla", "accepted", "2024-06-30T16:30:00Z"),
        ]
    )


def test_completeness_by_status_in_membership_order():
    result = snapshot(subs=completeness_subs())["completeness"]
    assert result["expected"] == [
        "quangninh",
        "hagiang",
        "langson",
        "caobang",
        "dienbien",
        "laichau",
        "laocai",
        "sonla",
    ]
    assert result["accepted"] == ["quangninh", "sonla"]
    assert result["submitted"] == ["hagiang"]
    assert result["returned"] == ["langson"]
    assert result["draft"] == ["dienbien"]
    assert result["missing"] == ["caobang", "laichau", "laocai"]
    assert result["counts"]["expected"] == 8
    assert result["counts"]["missing"] == 3
    assert result["counts"]["accepted"] == 2


def test_late_after_the_deadline_has_passed():
    result = snapshot(subs=completeness_subs())["completeness"]
    # hagiang arrived late; langson, dienbien, caobang, laichau, laocai have not arrived.
    assert result["late"] == ["hagiang", "langson", "caobang", "dienbien", "laichau", "laocai"]
    assert result["counts"]["late"] == 6


def test_late_before_the_deadline_only_counts_late_arrivals():
    early = datetime(2024, 6, 29, tzinfo=UTC)
    result = snapshot(subs=completeness_subs(), now=early)["completeness"]
    # Nothing overdue yet; a submission dated after the deadline is still late.
    assert result["late"] == ["hagiang"]


def test_no_deadline_means_nobody_is_late():
    assert snapshot(subs=completeness_subs(), deadline=None)["completeness"]["late"] == []


def test_datetime_deadline_is_exact():
    deadline = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    subs = submissions(
        [
            ("quangninh", "accepted", "2024-06-20T08:00:00Z"),
            ("hagiang", "accepted", "2024-06-20T08:00:01Z"),
        ]
    )
    result = snapshot(subs=subs, deadline=deadline)["completeness"]
    assert "quangninh" not in result["late"]
    assert "hagiang" in result["late"]


# --------------------------------------------------------------------------- findings


def test_seed_002_declared_totals_against_the_schools_figures():
    snap = snapshot(declared=SEED_002_DECLARED)
    classes_sum = sum(row[2] for row in SEED_002)
    learners_sum = sum(row[3] for row in SEED_002)
    declared = findings_of(snap, "declared_mismatch")
    by_code = {finding["code"]: finding for finding in declared}
    assert set(by_code) == {"training.classes", "training.learners"}

    classes = by_code["training.classes"]
    assert classes["scope"] == "cluster"
    assert classes["school"] is None
    assert classes["expected"] == 238
    assert classes["actual"] == classes_sum == snap["totals"]["training.classes"]
    assert str(classes_sum) in classes["message_vi"]
    assert "Số lớp" in classes["message_vi"]
    assert "Classes" in classes["message_en"]

    learners = by_code["training.learners"]
    assert learners["expected"] == 12378
    assert learners["actual"] == learners_sum == snap["totals"]["training.learners"]
    assert "12.378" in learners["message_vi"]
    assert format_count(learners_sum, "vi") in learners["message_vi"]
    assert "12,378" in learners["message_en"]
    assert format_count(learners_sum, "en") in learners["message_en"]


def test_declared_total_that_matches_gives_no_finding():
    classes_sum = sum(row[2] for row in SEED_002)
    snap = snapshot(declared={"training.classes": classes_sum})
    assert findings_of(snap, "declared_mismatch") == []


def test_declared_figure_nobody_reported():
    snap = snapshot(declared={"staff.lecturers": 300})
    (finding,) = findings_of(snap, "declared_mismatch")
    assert finding["expected"] == 300
    assert finding["actual"] is None


def test_declared_figures_are_checked_among_themselves():
    declared = {"training.classes": 100, "training.classes_carried": 30, "training.classes_new": 60}
    (finding,) = findings_of(snapshot(declared=declared), "sum_mismatch")
    assert finding["scope"] == "cluster"
    assert (finding["expected"], finding["actual"]) == (100, 90)


def test_sum_mismatch_when_parent_and_all_children_are_present():
    rows = [
        fact("quangninh", "training.classes", 97),
        fact("quangninh", "training.classes_carried", 40),
        fact("quangninh", "training.classes_new", 50),
        # Consistent on its "programme" split.
        fact("quangninh", "training.classes_tc", 7),
        fact("quangninh", "training.classes_short", 90),
        # A school whose split adds up.
        fact("hagiang", "training.classes", 20),
        fact("hagiang", "training.classes_carried", 5),
        fact("hagiang", "training.classes_new", 15),
    ]
    snap = snapshot(facts=frame(rows))
    (finding,) = findings_of(snap, "sum_mismatch")
    assert finding == {
        "scope": "school",
        "school": "quangninh",
        "code": "training.classes",
        "kind": "sum_mismatch",
        "split": "origin",
        "expected": 97,
        "actual": 90,
        "children": ["training.classes_carried", "training.classes_new"],
        "message_vi": finding["message_vi"],
        "message_en": finding["message_en"],
    }
    assert "Số lớp" in finding["message_vi"]
    assert "Lớp chuyển sang" in finding["message_vi"]
    assert "90" in finding["message_vi"] and "97" in finding["message_vi"]
    assert "New classes" in finding["message_en"]


def test_split_is_checked_when_complete_and_left_alone_while_partial_and_below():
    rows = [
        # "origin" split partial and below the parent: nothing to say yet.
        fact("quangninh", "training.classes", 97),
        fact("quangninh", "training.classes_carried", 40),
        fact("laocai", "training.learners", 500),
        fact("laocai", "training.learners_tc", 300),
        # Complete split that does not add up: 300 + 250 = 550, not 500.
        fact("langson", "training.learners", 500),
        fact("langson", "training.learners_tc", 300),
        fact("langson", "training.learners_short", 250),
        # "origin" complete (6 + 8 = 14, not 10); "programme" partial (7 <= 10): fine.
        fact("sonla", "training.classes", 10),
        fact("sonla", "training.classes_carried", 6),
        fact("sonla", "training.classes_new", 8),
        fact("sonla", "training.classes_tc", 7),
    ]
    findings = findings_of(snapshot(facts=frame(rows)), "sum_mismatch")
    assert [(f["school"], f["code"], f["split"], f["expected"], f["actual"]) for f in findings] == [
        ("langson", "training.learners", "main", 500, 300 + 250),
        ("sonla", "training.classes", "origin", 10, 6 + 8),
    ]
    assert findings[0]["children"] == ["training.learners_tc", "training.learners_short"]


def test_only_some_children_present_whose_sum_exceeds_the_parent():
    catalogue = Catalogue(
        version=2024,
        sections=(SectionSpec("research", "Nghiên cứu", "Research", 0),),
        indicators=(
            _indicator("research.projects", "Đề tài", "Projects", "project", 0),
            _indicator(
                "research.projects_province",
                "Đề tài cấp tỉnh",
                "Provincial projects",
                "project",
                1,
                parent="research.projects",
            ),
            _indicator(
                "research.projects_school",
                "Đề tài cấp trường",
                "School projects",
                "project",
                2,
                parent="research.projects",
            ),
            _indicator(
                "research.projects_faculty",
                "Đề tài cấp khoa",
                "Faculty projects",
                "project",
                3,
                parent="research.projects",
            ),
        ),
    )
    rows = [
        fact("quangninh", "research.projects", 5),
        fact("quangninh", "research.projects_province", 3),
        fact("quangninh", "research.projects_school", 6),
        # Two of three children, 3 + 2 = 5: not more than the parent, no finding.
        fact("hagiang", "research.projects", 5),
        fact("hagiang", "research.projects_province", 3),
        fact("hagiang", "research.projects_school", 2),
    ]
    snap = snapshot(facts=frame(rows), catalogue=catalogue)
    (finding,) = findings_of(snap, "sum_mismatch")
    assert finding["school"] == "quangninh"
    assert (finding["expected"], finding["actual"]) == (5, 9)
    assert finding["children"] == ["research.projects_province", "research.projects_school"]
    assert "đã cộng lại được 9" in finding["message_vi"]
    assert "already add up to 9" in finding["message_en"]
    # The single child 6 > 5 is a part above its whole as well.
    (part,) = findings_of(snap, "part_exceeds_whole")
    assert (part["children"], part["expected"], part["actual"]) == (
        ["research.projects_school"],
        5,
        6,
    )


def test_part_exceeds_whole():
    rows = [
        fact("langson", "training.learners", 120),
        fact("langson", "training.learners_tc", 1206),
    ]
    snap = snapshot(facts=frame(rows))
    (finding,) = findings_of(snap, "part_exceeds_whole")
    assert finding["school"] == "langson"
    assert finding["code"] == "training.learners"
    assert finding["children"] == ["training.learners_tc"]
    assert (finding["expected"], finding["actual"]) == (120, 1206)
    assert "1.206" in finding["message_vi"] and "Học viên trung cấp" in finding["message_vi"]
    assert "1,206" in finding["message_en"] and "Intermediate learners" in finding["message_en"]


def test_learners_below_classes():
    rows = [
        fact("dienbien", "training.classes", 15),
        fact("dienbien", "training.learners", 12),
        fact("dienbien", "training.classes_tc", 3),
        fact("dienbien", "training.learners_tc", 90),
        fact("hagiang", "training.classes", 20),
        fact("hagiang", "training.learners", 1663),
    ]
    snap = snapshot(facts=frame(rows))
    (finding,) = findings_of(snap, "learners_below_classes")
    assert finding["school"] == "dienbien"
    assert finding["code"] == "training.classes"
    assert finding["children"] == ["training.learners"]
    assert (finding["expected"], finding["actual"]) == (15, 12)
    assert finding["split"] is None
    assert "Số học viên" in finding["message_vi"] and "Số lớp" in finding["message_vi"]


def test_consistent_figures_give_no_findings():
    rows = [
        fact("quangninh", "training.classes", 10),
        fact("quangninh", "training.classes_carried", 4),
        fact("quangninh", "training.classes_new", 6),
        fact("quangninh", "training.classes_tc", 2),
        fact("quangninh", "training.classes_short", 8),
        fact("quangninh", "training.learners", 400),
        fact("quangninh", "training.learners_tc", 100),
        fact("quangninh", "training.learners_short", 300),
    ]
    assert snapshot(facts=frame(rows))["findings"] == []


# --------------------------------------------------------------------------- stocks and flows


def test_combine_periods_sums_flows_and_takes_the_latest_stock():
    catalogue = make_catalogue()
    facts = frame(
        [
            fact("quangninh", "training.classes", 40, period="2024-Q1"),
            fact("quangninh", "training.classes", 57, period="2024-Q2"),
            fact("quangninh", "staff.lecturers", 44, period="2024-Q1"),
            fact("quangninh", "staff.lecturers", 46, period="2024-Q2"),
            # Only in Q1: the latest available value.
            fact("hagiang", "staff.lecturers", 30, period="2024-Q1"),
            fact("hagiang", "training.classes", 8, period="2024-Q1"),
            # Not one of the periods asked for.
            fact("quangninh", "training.classes", 1000, period="2023-Q2"),
        ]
    )
    # The order the periods are given in does not matter: "latest" is chronological.
    combined = combine_periods(facts=facts, catalogue=catalogue, periods=["2024-Q2", "2024-Q1"])
    got = {
        (row.school, row.indicator): (row.value, row.kind, row.n_periods, row.latest_period)
        for row in combined.itertuples()
    }
    assert got == {
        ("quangninh", "training.classes"): (40 + 57, "flow", 2, "2024-Q2"),
        ("quangninh", "staff.lecturers"): (46, "stock", 2, "2024-Q2"),
        ("hagiang", "staff.lecturers"): (30, "stock", 1, "2024-Q1"),
        ("hagiang", "training.classes"): (8, "flow", 1, "2024-Q1"),
    }
    assert combined["value"].dtype == "int64"


def test_combine_periods_with_nothing_to_combine():
    combined = combine_periods(facts=frame([]), catalogue=make_catalogue(), periods=["2024-Q1"])
    assert combined.empty
    assert list(combined.columns) == [
        "school",
        "indicator",
        "value",
        "kind",
        "n_periods",
        "latest_period",
    ]


def test_period_order_is_chronological():
    periods = ["2024-Y", "2024-Q2", "2023-H2", "2024-Q1", "2024-H1"]
    assert sorted(periods, key=period_sort_key) == [
        "2023-H2",
        "2024-Q1",
        "2024-Q2",
        "2024-H1",
        "2024-Y",
    ]


# --------------------------------------------------------------------------- academy view


def academy_world() -> tuple[pd.DataFrame, pd.DataFrame]:
    members = pd.DataFrame(
        [
            {"school": "quangninh", "cluster": "north", "year": 2024, "role": "lead"},
            {"school": "hagiang", "cluster": "north", "year": 2024, "role": "deputy"},
            {"school": "laocai", "cluster": "north", "year": 2024, "role": "member"},
            {"school": "thainguyen", "cluster": "midlands", "year": 2024, "role": "lead"},
            {"school": "backan", "cluster": "midlands", "year": 2024, "role": "member"},
            # A listing error: a school in two clusters in one year counts once.
            {"school": "backan", "cluster": "north", "year": 2024, "role": "member"},
            # Last year's membership does not apply.
            {"school": "hagiang", "cluster": "midlands", "year": 2023, "role": "lead"},
        ]
    )
    facts = frame(
        [
            fact("quangninh", "training.classes", 97),
            fact("quangninh", "staff.lecturers", 45),
            fact("hagiang", "training.classes", 20),
            fact("hagiang", "staff.lecturers", 30),
            fact("thainguyen", "training.classes", 33),
            fact("backan", "training.classes", 9),
            fact("backan", "training.learners", 400, status="submitted"),
            fact("unlisted", "training.classes", 5),
            fact("quangninh", "training.classes", 60, period="2023-H1"),
        ]
    )
    return facts, members


def test_academy_view_national_equals_the_sum_of_clusters():
    facts, members = academy_world()
    for basis in ("accepted", "submitted"):
        view = build_academy_view(
            facts=facts, members=members, catalogue=make_catalogue(), period=PERIOD, basis=basis
        )
        summed: dict[str, int] = {}
        for cluster in view["clusters"]:
            for code, value in cluster["totals"].items():
                summed[code] = summed.get(code, 0) + value
        assert view["national"] == summed


def test_academy_view_counts_each_school_once_in_its_cluster_of_the_year():
    facts, members = academy_world()
    view = build_academy_view(
        facts=facts, members=members, catalogue=make_catalogue(), period=PERIOD, basis="accepted"
    )
    clusters = {cluster["cluster"]: cluster for cluster in view["clusters"]}
    assert [cluster["cluster"] for cluster in view["clusters"]] == ["midlands", "north"]
    # Each total says who is short of it (laocai reported nothing in the north).
    north_figures = clusters["north"].pop("figures")
    clusters["north"].pop("headline")
    clusters["midlands"].pop("headline")
    assert north_figures["training.classes"]["state"] == "partial"
    assert north_figures["training.classes"]["schools"]["missing"] == ["laocai"]
    assert north_figures["staff.lecturers"]["value"] == 75
    midlands_figures = clusters["midlands"].pop("figures")
    assert midlands_figures["training.classes"]["state"] == "complete"
    assert view["national_figures"]["training.classes"]["counts"]["missing"] == 1
    assert clusters["north"] == {
        "cluster": "north",
        "schools": 3,
        "reporting": 2,
        "totals": {"training.classes": 97 + 20, "staff.lecturers": 45 + 30},
    }
    assert clusters["midlands"] == {
        "cluster": "midlands",
        "schools": 2,
        "reporting": 2,
        "totals": {"training.classes": 33 + 9},
    }
    assert view["national"] == {"training.classes": 97 + 20 + 33 + 9, "staff.lecturers": 75}
    assert view["unassigned"] == ["unlisted"]
    assert view["basis"] == "accepted"
    assert view["fingerprint"] == input_fingerprint(facts[facts["period"] == PERIOD])
    json.dumps(view, allow_nan=False)


# --------------------------------------------------------------------------- fingerprint, JSON


def test_fingerprint_ignores_row_and_column_order():
    facts = seed_002_facts()
    shuffled = facts.sample(frac=1.0, random_state=7)[list(reversed(facts.columns))]
    assert input_fingerprint(shuffled) == input_fingerprint(facts)
    as_floats = facts.astype({"value": "float64"})
    assert input_fingerprint(as_floats) == input_fingerprint(facts)


def test_fingerprint_changes_with_any_figure_status_or_version():
    facts = seed_002_facts()
    base = input_fingerprint(facts)
    changed_value = facts.copy()
    changed_value.loc[0, "value"] = 98
    changed_status = facts.copy()
    changed_status.loc[0, "status"] = "submitted"
    changed_version = facts.copy()
    changed_version.loc[0, "version"] = 2
    fewer_rows = facts.iloc[1:]
    digests = {
        input_fingerprint(frame_)
        for frame_ in (changed_value, changed_status, changed_version, fewer_rows)
    }
    assert base not in digests
    assert len(digests) == 4
    assert len(base) == 64


def test_snapshot_fingerprint_covers_its_scope_only():
    base = snapshot()["fingerprint"]
    other_school = pd.concat([seed_002_facts(), frame([fact("bacninh", "training.classes", 1)])])
    assert snapshot(facts=other_school)["fingerprint"] == base
    touched = seed_002_facts()
    touched.loc[0, "value"] = 98
    assert snapshot(facts=touched)["fingerprint"] != base


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return value is None or type(value) in (str, int, float, bool)


def test_snapshot_is_json_serialisable_with_plain_types():
    rows = [*seed_002_facts().to_dict("records"), fact("quangninh", "staff.lecturers", 45)]
    snap = snapshot(
        facts=frame(rows),
        subs=completeness_subs(),
        declared=SEED_002_DECLARED,
        previous_facts=frame([fact("quangninh", "training.classes", 80, period="2023-H1")]),
    )
    text = json.dumps(snap, allow_nan=False, ensure_ascii=False)
    assert json.loads(text) == snap
    assert _plain(snap)
    assert snap["basis"] == "accepted"
    assert snap["period"] == PERIOD
    assert snap["cluster"] == CLUSTER
    assert snap["computed_at"] == NOW.isoformat()
    assert len(snap["fingerprint"]) == 64


def test_snapshot_of_a_cluster_with_no_figures():
    snap = snapshot(facts=frame([]), subs=submissions([]))
    assert snap["totals"] == {}
    assert snap["yoy"] == {}
    assert snap["findings"] == []
    assert [entry["values"] for entry in snap["schools"]] == [{}] * 8
    assert snap["completeness"]["counts"]["missing"] == 8
    json.dumps(snap, allow_nan=False)


def test_finding_messages_format_numbers_through_core_formatting():
    """The messages group thousands per language, carry no leading zero and show the
    declared gap as a signed difference with a true minus sign."""
    classes_sum = sum(row[2] for row in SEED_002)
    learners_sum = sum(row[3] for row in SEED_002)
    snap = snapshot(
        declared={"training.classes": classes_sum + 3, "training.learners": learners_sum - 1001}
    )
    by_code = {f["code"]: f for f in findings_of(snap, "declared_mismatch")}
    classes, learners = by_code["training.classes"], by_code["training.learners"]
    assert classes["message_vi"] == (
        f"Số lớp: báo cáo ghi tổng {classes_sum + 3}, nhưng cộng số liệu các trường được "
        f"{classes_sum} (chênh \u22123)."
    )
    assert classes["message_en"].endswith(f"add up to {classes_sum} (difference \u22123).")
    assert learners["message_vi"].endswith(
        f"được {format_count(learners_sum, 'vi')} (chênh +1.001)."
    )
    assert learners["message_en"].endswith(
        f"add up to {format_count(learners_sum, 'en')} (difference +1,001)."
    )


# --------------------------------------------------------------------------- roll-up


def test_a_school_giving_only_parts_shows_their_sum_and_the_total_counts_it():
    # The board bug of issue 11: a school's row read its total from its parts while the
    # cluster row counted only typed totals (37 against 8). Now both use the one rule.
    rows = [
        fact("quangninh", "training.classes", 10),
        fact("hagiang", "training.classes_carried", 4),
        fact("hagiang", "training.classes_new", 3),
        fact("langson", "training.classes_carried", 5),
    ]
    snap = snapshot(facts=frame(rows))
    assert school_entry(snap, "hagiang")["values"]["training.classes"] == 7
    assert school_entry(snap, "hagiang")["figures"]["training.classes"] == {
        "value": 7,
        "state": "complete",
        "derived": True,
    }
    langson = school_entry(snap, "langson")["figures"]["training.classes"]
    assert langson == {
        "value": 5,
        "state": "partial",
        "derived": True,
        "missing": ["training.classes_new"],
    }
    assert school_entry(snap, "sonla")["figures"]["training.classes"] == {
        "value": None,
        "state": "missing",
    }
    # The total is the sum of the column shown, and says it is a lower bound.
    assert snap["totals"]["training.classes"] == 10 + 7 + 5
    total = snap["figures"]["training.classes"]
    assert (total["value"], total["state"]) == (22, "partial")
    assert total["schools"]["partial"] == ["langson"]
    assert total["schools"]["missing"] == [
        "caobang",
        "dienbien",
        "laichau",
        "laocai",
        "sonla",
    ]
    assert total["counts"]["contributors"] == 3
    # Consistency findings are about what was typed: nothing disagrees here.
    assert findings_of(snap, "sum_mismatch") == []


def test_a_total_is_complete_when_every_school_has_its_figure():
    snap = snapshot()
    assert snap["figures"]["training.classes"]["state"] == "complete"
    assert snap["figures"]["training.classes"]["counts"]["missing"] == 0


def test_declared_figures_sit_apart_with_their_source_and_their_gap_is_a_finding():
    declared = {**SEED_002_DECLARED, "staff.training_attendances": 186}
    snap = snapshot(
        declared=declared,
        declared_sources={code: "Báo cáo cụm 6 tháng đầu năm 2024" for code in declared},
    )
    assert snap["declared"]["training.classes"] == {
        "value": 238,
        "source": "Báo cáo cụm 6 tháng đầu năm 2024",
    }
    assert "staff.training_attendances" not in snap["totals"]
    assert snap["totals"]["training.classes"] == sum(row[2] for row in SEED_002)
    gaps = {f["code"]: f for f in findings_of(snap, "declared_mismatch")}
    assert gaps["training.classes"]["actual_state"] == "complete"
    assert gaps["staff.training_attendances"]["actual"] is None
    assert gaps["staff.training_attendances"]["actual_state"] == "missing"


def test_marks_give_not_applicable_and_not_reported_states():
    rows = [
        fact("quangninh", "training.classes_carried", 4),
        fact("hagiang", "training.classes", 3),
    ]
    snap = snapshot(
        facts=frame(rows),
        marks={
            "quangninh": {"training.classes_new": "not_applicable"},
            "hagiang": {"training.learners": "not_reported"},
        },
    )
    quangninh = school_entry(snap, "quangninh")["figures"]
    assert quangninh["training.classes"]["state"] == "complete"
    assert quangninh["training.classes"]["value"] == 4
    assert quangninh["training.classes_new"] == {"value": None, "state": "not_applicable"}
    hagiang = school_entry(snap, "hagiang")["figures"]
    assert hagiang["training.learners"] == {"value": None, "state": "not_reported"}
    assert "training.learners" not in snap["totals"]
    assert snap["figures"]["training.learners"]["counts"]["not_reported"] == 1


def test_academy_view_leads_with_the_four_headline_totals():
    """Classes, learners, theses and articles, in that order, per cluster and for the
    nation; a code the year's catalogue lacks says so instead of showing 0."""
    facts, members = academy_world()
    view = build_academy_view(
        facts=facts, members=members, catalogue=make_catalogue(), period=PERIOD, basis="accepted"
    )
    north = next(cluster for cluster in view["clusters"] if cluster["cluster"] == "north")
    assert [row["code"] for row in north["headline"]] == [
        "training.classes",
        "training.learners",
        "theses",
        "articles",
    ]
    classes = north["headline"][0]
    assert (classes["value"], classes["state"]) == (97 + 20, "partial")
    catalogue = make_catalogue()
    for row in view["headline"]:
        if row["code"] not in catalogue:
            assert (row["value"], row["state"]) == (None, "not_in_catalogue")
    national_classes = view["headline"][0]
    assert national_classes["value"] == view["national"]["training.classes"]


def test_academy_view_reads_the_schools_marks_like_the_snapshot():
    """Back Kạn marks its short courses not applicable: its intermediate classes then
    give a complete total, in the academy view as on the board."""
    members = pd.DataFrame(
        [{"school": "backan", "cluster": "midlands", "year": 2024, "role": "member"}]
    )
    facts = frame([fact("backan", "training.classes_tc", 4)])
    catalogue = make_catalogue()

    def classes(marks=None):
        view = build_academy_view(
            facts=facts,
            members=members,
            catalogue=catalogue,
            period=PERIOD,
            basis="accepted",
            marks=marks,
        )
        return view["clusters"][0]["figures"]["training.classes"]

    assert classes()["state"] == "partial"
    marked = classes({"backan": {"training.classes_short": "not_applicable"}})
    assert (marked["value"], marked["state"]) == (4, "complete")
