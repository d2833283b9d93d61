"""Pure parts of the rankings (rankings.build): no database."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from catalogue.spec import load_catalogue, version_for_year
from rankings.build import (
    Table,
    build_ranking,
    cluster_comparison,
    indicator_leaderboard,
    neutralise_cell,
    ranking_fingerprint,
    roll_up_totals,
    scheme_from_dict,
    scheme_to_dict,
    table_xlsx,
    traffic_light,
)
from rankings.scoring import EXAMPLE_SCHEME_2024

CATALOGUE = load_catalogue(version_for_year(2024))
COLUMNS = ["school", "period", "indicator", "value", "status", "version"]


def facts(*rows):
    return pd.DataFrame(list(rows), columns=COLUMNS)


def members(*pairs, year=2024):
    return pd.DataFrame(
        [(school, cluster, year, "member") for school, cluster in pairs],
        columns=["school", "cluster", "year", "role"],
    )


def test_roll_up_sums_the_parts_only_when_the_total_is_absent():
    frame = facts(
        ("a", "2024-H1", "research.projects.provincial", 3, "accepted", 1),
        ("a", "2024-H1", "research.projects.school", 6, "submitted", 1),
        ("b", "2024-H1", "research.projects", 4, "accepted", 2),
        ("b", "2024-H1", "research.projects.school", 9, "accepted", 2),
    )
    rolled, derived = roll_up_totals(frame, CATALOGUE)
    totals = rolled[rolled["indicator"] == "research.projects"].set_index("school")
    assert totals.loc["a", "value"] == 9 and totals.loc["a", "status"] == "submitted"
    assert totals.loc["b", "value"] == 4  # stated totals are never overridden
    assert derived[["school", "indicator"]].values.tolist() == [["a", "research.projects"]]


def test_roll_up_goes_deepest_first_and_takes_the_largest_split():
    frame = facts(
        # intermediate classes from full/part time, then training.classes from programmes
        ("a", "2024-H1", "training.intermediate.classes.full_time", 2, "accepted", 1),
        ("a", "2024-H1", "training.intermediate.classes.part_time", 3, "accepted", 1),
        ("a", "2024-H1", "training.advanced.classes", 1, "accepted", 1),
        # another split of training.classes with a smaller sum
        ("a", "2024-H1", "training.classes.new", 2, "accepted", 1),
    )
    rolled, _derived = roll_up_totals(frame, CATALOGUE)
    values = rolled.set_index("indicator")["value"]
    assert values["training.intermediate.classes"] == 5
    assert values["training.classes"] == 6


def test_roll_up_prefers_a_complete_split_to_a_larger_partial_one():
    # The old rule took the split with the largest sum (here 20, a lower bound) over the
    # known total 9: the ranking's input then disagreed with the board.
    origin = [child.code for child in CATALOGUE.splits["training.classes"]["origin"]]
    programme = CATALOGUE.splits["training.classes"]["programme"][0].code
    rows = [
        ("a", "2024-H1", code, 9 if position == 0 else 0, "accepted", 1)
        for position, code in enumerate(origin)
    ]
    frame = facts(*rows, ("a", "2024-H1", programme, 20, "accepted", 1))
    rolled, derived = roll_up_totals(frame, CATALOGUE)
    values = rolled.set_index("indicator")["value"]
    assert values["training.classes"] == 9
    states = derived.set_index("indicator")["state"]
    assert states["training.classes"] == "complete"


def test_roll_up_marks_a_lower_bound_as_partial():
    frame = facts(("a", "2024-H1", "research.projects.provincial", 3, "submitted", 1))
    _rolled, derived = roll_up_totals(frame, CATALOGUE)
    row = derived.set_index("indicator").loc["research.projects"]
    assert row["state"] == "partial"


def test_roll_up_of_nothing_is_nothing():
    rolled, derived = roll_up_totals(facts(), CATALOGUE)
    assert rolled.empty and derived.empty


def test_fingerprint_follows_values_statuses_roster_and_basis_not_row_order():
    rows = [
        ("a", "2024-H1", "training.classes", 3, "submitted", 1),
        ("b", "2024-H1", "training.classes", 4, "accepted", 1),
    ]
    roster = members(("a", "north"), ("b", "north"))

    def fp(frame, roster=roster, basis="submitted"):
        return ranking_fingerprint(
            facts=frame, members=roster, period="2024-H1", basis=basis, catalogue_version=2024
        )

    base = fp(facts(*rows))
    assert fp(facts(*reversed(rows))) == base
    assert fp(facts(rows[0], (*rows[1][:3], 5, *rows[1][4:]))) != base
    assert fp(facts(rows[0], (*rows[1][:4], "submitted", 1))) != base
    assert fp(facts(*rows), roster=members(("a", "north"), ("b", "south"))) != base
    assert fp(facts(*rows), basis="accepted") != base
    # Other periods' rows do not touch this period's fingerprint.
    assert fp(facts(*rows, ("a", "2024-Y", "training.classes", 9, "accepted", 1))) == base


def test_cluster_comparison_totals_and_per_school_averages():
    rows = [
        {"school": "a", "cluster": "north", "score": 50.0, "data_state": "accepted"},
        {"school": "b", "cluster": "north", "score": 30.0, "data_state": "submitted"},
        {"school": "c", "cluster": "north", "score": None, "data_state": "missing"},
        {"school": "d", "cluster": "south", "score": 45.0, "data_state": "accepted"},
    ]
    values = pd.DataFrame({"training.classes": {"a": 10.0, "b": 20.0, "d": 7.0}})
    result = {
        item["cluster"]: item
        for item in cluster_comparison(rows=rows, values=values, indicators=["training.classes"])
    }
    north = result["north"]
    assert north["schools"] == 3 and north["ranked"] == 2 and north["missing"] == 1
    assert north["score_mean"] == 40.0 and north["score_best"] == 50.0
    assert north["totals"]["training.classes"] == 30
    assert north["averages"]["training.classes"] == 15.0  # over the 2 that reported
    assert north["reporting"]["training.classes"] == 2
    assert result["south"]["rank"] == 1 and north["rank"] == 2


def test_leaderboard_ties_missing_and_direction():
    values = pd.DataFrame({"x": {"a": 5.0, "b": 5.0, "c": 2.0}})
    state = pd.Series({"a": "accepted", "b": "submitted", "c": "accepted", "d": "missing"})
    clusters = pd.Series({"a": "n", "b": "n", "c": "s", "d": "s"})
    rows = indicator_leaderboard(values=values, data_state=state, clusters=clusters, code="x")
    assert [(row["school"], row["rank_national"]) for row in rows] == [
        ("a", 1),
        ("b", 1),
        ("c", 3),
        ("d", None),
    ]
    assert rows[3]["value"] is None and rows[3]["data_state"] == "missing"
    assert rows[2]["rank_cluster"] == 1
    lower = indicator_leaderboard(
        values=values, data_state=state, clusters=clusters, code="x", higher_is_better=False
    )
    assert lower[0]["school"] == "c"


@pytest.mark.parametrize(
    "points, note, light",
    [
        (70.0, None, "green"),
        (69.99, None, "amber"),
        (40.0, None, "amber"),
        (39.9, None, "red"),
        (0.0, "numerator_missing", "none"),
        (100.0, "rolled_up", "green"),
    ],
)
def test_traffic_lights(points, note, light):
    row = {
        "score": 10.0,
        "points": {"c": points},
        "notes": [{"criterion": "c", "reason": note}] if note else [],
    }
    assert traffic_light(row, "c") == light
    assert traffic_light({"score": None, "points": None, "notes": []}, "c") == "none"


def test_scheme_round_trips_through_its_dict():
    data = scheme_to_dict(EXAMPLE_SCHEME_2024)
    assert scheme_from_dict(data) == EXAMPLE_SCHEME_2024
    assert sum(item["weight_share"] for item in data["criteria"]) == pytest.approx(1.0)


def test_build_ranking_is_json_ready_and_lists_missing_schools():
    import json

    frame = facts(
        ("a", "2024-H1", "training.classes", 10, "accepted", 1),
        ("b", "2024-H1", "training.classes", 20, "submitted", 1),
    )
    data = build_ranking(
        facts=frame,
        members=members(("a", "n"), ("b", "n"), ("c", "n")),
        catalogue=CATALOGUE,
        period="2024-H1",
        scheme=EXAMPLE_SCHEME_2024,
        basis="submitted",
    )
    json.dumps(data)  # plain types only
    states = {row["school"]: row["data_state"] for row in data["rows"]}
    assert states == {"a": "accepted", "b": "submitted", "c": "missing"}
    assert data["rows"][-1]["school"] == "c" and data["rows"][-1]["score"] is None
    assert data["counts"] == {"schools": 3, "ranked": 2, "missing": 1, "submitted": 1}
    only_accepted = build_ranking(
        facts=frame,
        members=members(("a", "n"), ("b", "n")),
        catalogue=CATALOGUE,
        period="2024-H1",
        scheme=EXAMPLE_SCHEME_2024,
        basis="accepted",
    )
    states = {row["school"]: row["data_state"] for row in only_accepted["rows"]}
    assert states == {"a": "accepted", "b": "missing"}


@pytest.mark.parametrize("text", ["=1+1", "+A1", "-2+3", "@SUM(A1)", "\t=x"])
def test_formula_text_is_neutralised(text):
    assert neutralise_cell(text) == "'" + text
    assert neutralise_cell("Hà Giang") == "Hà Giang"
    assert neutralise_cell(-3) == -3  # numbers stay numbers


def test_xlsx_numbers_stay_numbers_and_text_is_safe():
    content = table_xlsx(
        [Table(title="=T", columns=["A", "B"], rows=[["=cmd|' /C calc'!A0", 1.5], ["x", None]])]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "'=T"
    assert rows[-2] == ("'=cmd|' /C calc'!A0", 1.5)
    assert rows[-1] == ("x", None)
    assert sheet.cell(row=len(rows) - 1, column=2).data_type == "n"


def test_a_part_marked_not_applicable_completes_the_rankings_roll_up():
    """The rankings read the schools' marks like the snapshot: a programme the school
    marks not applicable counts 0, so its other programmes give a complete total."""
    programmes = [child.code for child in CATALOGUE.splits["research.projects"]["level"]]
    typed, marked = programmes[0], programmes[1:]
    frame = facts(("a", "2024-H1", typed, 3, "accepted", 1))
    _rolled, without = roll_up_totals(frame, CATALOGUE)
    assert without.set_index("indicator").loc["research.projects", "state"] == "partial"
    marks = {"a": dict.fromkeys(marked, "not_applicable")}
    rolled, derived = roll_up_totals(frame, CATALOGUE, marks)
    assert derived.set_index("indicator").loc["research.projects", "state"] == "complete"
    assert rolled.set_index("indicator").loc["research.projects", "value"] == 3


def test_marks_change_the_ranking_fingerprint():
    frame = facts(("a", "2024-H1", "research.projects.provincial", 3, "accepted", 1))
    roster = members(("a", "north"))

    def fingerprint(marks=None):
        return ranking_fingerprint(
            facts=frame,
            members=roster,
            period="2024-H1",
            basis="accepted",
            catalogue_version=2024,
            marks=marks,
        )

    assert fingerprint() == fingerprint({})
    assert fingerprint() != fingerprint({"a": {"research.projects.school": "not_applicable"}})
