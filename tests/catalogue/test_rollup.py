"""The one roll-up rule (catalogue.rollup): each state, each choice of the docstring."""

from __future__ import annotations

from catalogue.rollup import (
    Figure,
    cluster_figure,
    figure_from_dict,
    school_figure,
    school_figures,
    sum_figures,
)
from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec, load_catalogue


def build() -> Catalogue:
    """projects = national + provincial + school (level); = in_plan + outside (plan);
    school = school.new + school.carried (origin)."""
    rows = [
        ("projects", None, "main"),
        ("projects.national", "projects", "level"),
        ("projects.provincial", "projects", "level"),
        ("projects.school", "projects", "level"),
        ("projects.in_plan", "projects", "plan"),
        ("projects.outside_plan", "projects", "plan"),
        ("projects.school.new", "projects.school", "origin"),
        ("projects.school.carried", "projects.school", "origin"),
    ]
    return Catalogue(
        version=1,
        sections=(SectionSpec(code="r", label_vi="r", label_en="r", order=0),),
        indicators=tuple(
            IndicatorSpec(
                code=code,
                label_vi=code,
                label_en=code,
                unit="project",
                section="r",
                order=position,
                parent=parent,
                split=split,
            )
            for position, (code, parent, split) in enumerate(rows)
        ),
    )


CATALOGUE = build()


def figure(values, code="projects", marks=None) -> Figure:
    return school_figure(catalogue=CATALOGUE, values=values, code=code, marks=marks)


def test_a_typed_total_is_complete_and_wins_over_parts_that_disagree():
    got = figure({"projects": 4, "projects.national": 9})
    assert (got.value, got.state, got.source, got.derived) == (4, "complete", "typed", False)


def test_a_complete_split_gives_the_sum_of_its_parts():
    got = figure({"projects.national": 1, "projects.provincial": 3, "projects.school": 6})
    assert (got.value, got.state, got.split, got.derived) == (10, "complete", "level", True)


def test_the_first_complete_split_is_used_when_two_disagree():
    values = {
        "projects.national": 1,
        "projects.provincial": 3,
        "projects.school": 6,
        "projects.in_plan": 20,
        "projects.outside_plan": 0,
    }
    assert (figure(values).value, figure(values).split) == (10, "level")


def test_a_complete_split_beats_a_larger_partial_one():
    # The old rankings rule took the largest sum (20 here): a lower bound beat a fact.
    values = {"projects.in_plan": 4, "projects.outside_plan": 5, "projects.national": 20}
    got = figure(values)
    assert (got.value, got.state, got.split) == (9, "complete", "plan")


def test_subtotals_roll_up_first():
    values = {
        "projects.national": 0,
        "projects.provincial": 3,
        "projects.school.new": 2,
        "projects.school.carried": 4,
    }
    assert figure(values, code="projects.school").value == 6
    assert (figure(values).value, figure(values).state) == (9, "complete")


def test_partial_is_a_lower_bound_naming_the_blank_parts_nested_ones_included():
    values = {"projects.provincial": 3, "projects.school.new": 2}
    got = figure(values)
    assert (got.value, got.state, got.split) == (5, "partial", "level")
    assert got.missing == ("projects.national", "projects.school.carried")
    assert got.as_dict() == {
        "value": 5,
        "state": "partial",
        "derived": True,
        "missing": ["projects.national", "projects.school.carried"],
    }


def test_partial_takes_the_split_with_the_largest_bound():
    values = {"projects.provincial": 3, "projects.in_plan": 7}
    got = figure(values)
    assert (got.value, got.split, got.missing) == (7, "plan", ("projects.outside_plan",))


def test_a_zero_part_is_a_value_blank_is_not():
    got = figure({"projects.national": 0})
    assert (got.value, got.state) == (0, "partial")
    assert figure({}).state == "missing" and figure({}).value is None


def test_not_applicable_part_counts_zero_and_completes_a_split():
    marks = {"projects.national": "not_applicable"}
    values = {"projects.provincial": 3, "projects.school": 6}
    assert (figure(values, marks=marks).value, figure(values, marks=marks).state) == (
        9,
        "complete",
    )
    assert figure({}, code="projects.national", marks=marks).state == "not_applicable"


def test_not_reported_part_keeps_the_total_partial_never_zero():
    marks = {"projects.national": "not_reported"}
    got = figure({"projects.provincial": 3, "projects.school": 6}, marks=marks)
    assert (got.value, got.state, got.missing) == (9, "partial", ("projects.national",))
    alone = figure({}, code="projects.national", marks=marks)
    assert (alone.value, alone.state) == (None, "not_reported")


def test_marks_on_the_total_itself():
    assert figure({"projects.national": 2}, marks={"projects": "not_applicable"}).state == (
        "not_applicable"
    )
    assert figure({}, marks={"projects": "not_reported"}).state == "not_reported"
    # A value typed despite a mark is the figure; parts that are known beat "not reported".
    assert figure({"projects": 3}, marks={"projects": "not_reported"}).value == 3
    assert figure({"projects.national": 2}, marks={"projects": "not_reported"}).state == "partial"


def test_school_figures_covers_the_catalogue_and_unknown_codes():
    figures = school_figures(catalogue=CATALOGUE, values={"old.code": 5})
    assert set(figures) == {spec.code for spec in CATALOGUE.indicators} | {"old.code"}
    assert figures["old.code"] == Figure(value=5, state="complete", source="typed")


def test_cluster_figure_sums_the_shown_values_and_names_who_is_short():
    per_school = {
        "a": Figure(value=5, state="complete", source="typed"),
        "b": Figure(value=3, state="partial", source="split", missing=("x",)),
        "c": Figure(value=None, state="missing"),
        "d": Figure(value=None, state="not_applicable"),
        "e": Figure(value=None, state="not_reported"),
    }
    got = cluster_figure(per_school)
    assert (got.value, got.state, got.contributors) == (8, "partial", 2)
    assert (got.partial, got.missing, got.not_reported, got.not_applicable) == (
        ("b",),
        ("c",),
        ("e",),
        ("d",),
    )
    assert got.as_dict(with_schools=False) == {
        "value": 8,
        "state": "partial",
        "counts": {
            "contributors": 2,
            "partial": 1,
            "missing": 1,
            "not_reported": 1,
            "not_applicable": 1,
        },
    }


def test_cluster_states_without_values():
    na = Figure(value=None, state="not_applicable")
    nr = Figure(value=None, state="not_reported")
    assert cluster_figure({"a": na, "b": na}).state == "not_applicable"
    assert cluster_figure({"a": na, "b": nr}).state == "not_reported"
    assert cluster_figure({"a": nr, "b": Figure(value=None, state="missing")}).state == "missing"
    assert cluster_figure({}).state == "missing"
    complete = Figure(value=2, state="complete", source="typed")
    assert cluster_figure({"a": complete, "b": na}).state == "complete"


def test_sum_figures_for_a_board_column_over_several_codes():
    got = sum_figures(
        [
            Figure(value=2, state="complete", source="typed"),
            Figure(value=1, state="partial", source="split", missing=("p",)),
        ]
    )
    assert (got.value, got.state, got.missing) == (3, "partial", ("p",))


def test_figure_round_trips_through_the_snapshot_shape():
    for item in (
        Figure(value=5, state="complete", source="typed"),
        Figure(value=3, state="partial", source="split", missing=("x",)),
        Figure(value=None, state="not_reported"),
    ):
        back = figure_from_dict(item.as_dict())
        assert (back.value, back.state, back.missing, back.derived) == (
            item.value,
            item.state,
            item.missing,
            item.derived,
        )
    assert figure_from_dict(7) == Figure(value=7, state="complete", source="typed")
    assert figure_from_dict(None).state == "missing"


def test_the_real_catalogue_rolls_up_research_projects_from_levels():
    catalogue = load_catalogue(2024)
    levels = [child.code for child in catalogue.splits["research.projects"]["level"]]
    values = dict.fromkeys(levels, 1)
    got = school_figure(catalogue=catalogue, values=values, code="research.projects")
    assert (got.value, got.state) == (len(levels), "complete")
    values[levels[0]] = None
    got = school_figure(catalogue=catalogue, values=values, code="research.projects")
    assert (got.value, got.state, got.missing) == (len(levels) - 1, "partial", (levels[0],))


def test_a_board_column_reads_a_snapshot_and_its_cluster_row_is_the_column_sum():
    from catalogue.rollup import column_figures, group_figure

    rows = [
        {
            "school": "a",
            "figures": {
                "x": {"value": 2, "state": "complete"},
                "y": {"value": 6, "state": "partial", "derived": True, "missing": ["y.1"]},
            },
        },
        {"school": "b", "figures": {"x": {"value": 4, "state": "complete"}}},
        # A snapshot stored before figures existed: bare values, read as typed.
        {"school": "c", "values": {"x": 1, "y": 0}},
    ]
    per_school, cluster = column_figures(rows, ["x", "y"])
    assert {school: (f.value, f.state) for school, f in per_school.items()} == {
        "a": (8, "partial"),
        "b": (4, "partial"),  # y blank: not zero
        "c": (1, "complete"),
    }
    assert (cluster.value, cluster.state, cluster.partial) == (13, "partial", ("a", "b"))
    assert group_figure(rows[0]["figures"], ["x"]).state == "complete"
