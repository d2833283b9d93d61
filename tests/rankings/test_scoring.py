"""Pure tests of the configurable scoring: expected numbers are worked out by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rankings.scoring import (
    EXAMPLE_SCHEME_2024,
    Criterion,
    Scheme,
    explain,
    rank_trend,
    score_schools,
    scoring_inputs,
)


def scheme_of(*criteria: Criterion) -> Scheme:
    return Scheme(year=2024, version=1, label="thử nghiệm", criteria=tuple(criteria))


def one(code: str = "c", numerator: str = "x", **extra) -> Criterion:
    return Criterion(
        code=code,
        label_vi=f"Tiêu chí {code}",
        label_en=f"Criterion {code}",
        numerator=numerator,
        **extra,
    )


def run(values: dict, scheme: Scheme, states: dict | None = None, clusters: dict | None = None):
    table = pd.DataFrame(values)
    schools = list(table.index)
    state = pd.Series(states or dict.fromkeys(schools, "accepted"))
    cluster = pd.Series(clusters or dict.fromkeys(schools, "north"))
    result = score_schools(values=table, data_state=state, clusters=cluster, scheme=scheme)
    return result.set_index("school", drop=False)


def points_of(result: pd.DataFrame, code: str = "c") -> dict[str, float | None]:
    return {
        school: (None if row["points"] is None else row["points"][code])
        for school, row in result.iterrows()
    }


SCHOOLS = ["a", "b", "c"]


# --------------------------------------------------------------------------- normalisations


def test_minmax_national():
    result = run({"x": {"a": 10, "b": 20, "c": 30}}, scheme_of(one()))
    assert points_of(result) == {"a": 0.0, "b": 50.0, "c": 100.0}


def test_minmax_cluster_ranges_within_each_cluster():
    values = {"x": {"a": 10, "b": 30, "c": 5, "d": 15, "e": 99}}
    clusters = {"a": "north", "b": "north", "c": "delta", "d": "delta"}
    result = run(values, scheme_of(one(normalisation="minmax_cluster")), clusters=clusters)
    assert points_of(result) == {"a": 0.0, "b": 100.0, "c": 0.0, "d": 100.0, "e": 0.0}
    # A school without a cluster cannot be placed in a cluster's range: 0 and a note.
    assert [note["reason"] for note in result.loc["e", "notes"]] == ["no_cluster"]
    assert result.loc["e", "rank_cluster"] is None


def test_per_lecturer_divides_by_lecturers_then_minmax_nationally():
    values = {
        "training.learners": {"a": 400, "b": 600, "c": 1000},
        "staff.lecturers": {"a": 20, "b": 20, "c": 25},
    }
    criterion = one(numerator="training.learners", normalisation="per_lecturer")
    result = run(values, scheme_of(criterion))
    # 400/20 = 20, 600/20 = 30, 1000/25 = 40 -> 0, 50, 100
    assert points_of(result) == {"a": 0.0, "b": 50.0, "c": 100.0}
    assert result.loc["b", "raw"] == {"c": 30.0}


def test_rank_points_n_to_the_best_down_to_one_on_a_100_scale():
    values = {"x": {"a": 5, "b": 3, "c": 3, "d": 1}}
    result = run(values, scheme_of(one(normalisation="rank_points")))
    # ranks 1, 2, 2, 4 of N = 4 -> rank points 4, 3, 3, 1 -> 100 * points / 4
    assert points_of(result) == {"a": 100.0, "b": 75.0, "c": 75.0, "d": 25.0}


def test_raw_with_scale_clip_and_cap():
    values = {"standards.indicators_met": {"a": 26, "b": 55, "c": 0}}
    ratio = one(
        numerator="standards.indicators_met",
        denominator_constant=55,
        scale=100,
        normalisation="raw",
    )
    result = run(values, scheme_of(ratio))
    assert points_of(result) == {"a": round(26 / 55 * 100, 2), "b": 100.0, "c": 0.0}

    counted = one(numerator="people", scale=10, cap=50, normalisation="raw")
    result = run({"people": {"a": 3, "b": 7, "c": 40}}, scheme_of(counted))
    assert points_of(result) == {"a": 30.0, "b": 50.0, "c": 50.0}
    uncapped = one(numerator="people", scale=10, normalisation="raw")
    result = run({"people": {"a": 3, "b": 7, "c": 40}}, scheme_of(uncapped))
    assert points_of(result) == {"a": 30.0, "b": 70.0, "c": 100.0}


def test_minmax_where_everyone_is_equal_gives_everyone_100():
    result = run({"x": {"a": 7, "b": 7, "c": 7}}, scheme_of(one()))
    assert points_of(result) == {"a": 100.0, "b": 100.0, "c": 100.0}
    assert set(result["rank_national"]) == {1}


def test_cap_on_a_minmax_criterion():
    result = run({"x": {"a": 10, "b": 20, "c": 30}}, scheme_of(one(cap=80)))
    assert points_of(result) == {"a": 0.0, "b": 50.0, "c": 80.0}


# --------------------------------------------------------------------------- direction


def test_direction_lower_inverts_each_normalisation():
    values = {"x": {"a": 10, "b": 20, "c": 30}}
    minmax = run(values, scheme_of(one(direction="lower")))
    assert points_of(minmax) == {"a": 100.0, "b": 50.0, "c": 0.0}
    ranked = run(values, scheme_of(one(direction="lower", normalisation="rank_points")))
    assert points_of(ranked) == {"a": 100.0, "b": round(200 / 3, 2), "c": round(100 / 3, 2)}
    raw = run(values, scheme_of(one(direction="lower", normalisation="raw")))
    assert points_of(raw) == {"a": 90.0, "b": 80.0, "c": 70.0}
    assert list(minmax["school"]) == ["a", "b", "c"]


# --------------------------------------------------------------------------- weights, ties


def test_weights_are_normalised_to_sum_one():
    scheme = scheme_of(one("p", "x", weight=3), one("q", "y", weight=1))
    assert scheme.weights() == {"p": 0.75, "q": 0.25}
    result = run({"x": {"a": 0, "b": 10}, "y": {"a": 10, "b": 0}}, scheme)
    assert result.loc["a", "score"] == 25.0
    assert result.loc["b", "score"] == 75.0
    assert result.loc["b", "contributions"] == {"p": 75.0, "q": 0.0}


def test_ties_share_the_better_rank():
    values = {"x": {"a": 30, "b": 30, "c": 10, "d": 20}}
    clusters = {"a": "north", "b": "delta", "c": "north", "d": "north"}
    result = run(values, scheme_of(one()), clusters=clusters)
    assert result["rank_national"].to_dict() == {"a": 1, "b": 1, "d": 3, "c": 4}
    assert result["rank_cluster"].to_dict() == {"a": 1, "b": 1, "d": 2, "c": 3}
    # Output order: by national rank, then slug.
    assert list(result["school"]) == ["a", "b", "d", "c"]


# --------------------------------------------------------------------------- missing data


def test_missing_school_is_never_ranked_and_does_not_move_the_range():
    values = {"x": {"a": 10, "b": 20, "c": 30, "gone": 0}}
    states = {"a": "accepted", "b": "accepted", "c": "submitted", "gone": "missing"}
    result = run(values, scheme_of(one()), states=states)
    gone = result.loc["gone"]
    assert gone["score"] is None
    assert gone["rank_national"] is None and gone["rank_cluster"] is None
    assert gone["contributions"] is None
    assert gone["data_state"] == "missing"
    assert [note["reason"] for note in gone["notes"]] == ["no_data"]
    # Had the 0 counted, "a" would not be at the bottom of the range.
    assert points_of(result) == {"a": 0.0, "b": 50.0, "c": 100.0, "gone": None}
    assert list(result["school"])[-1] == "gone"
    # Scored on figures not yet accepted: ranked, with a note.
    assert result.loc["c", "rank_national"] == 1
    assert result.loc["c", "notes"][0]["en"] == "figures not yet accepted"


def test_school_without_a_state_counts_as_missing():
    table = pd.DataFrame({"x": {"a": 10, "b": 20}})
    result = score_schools(
        values=table,
        data_state=pd.Series({"a": "accepted"}),
        clusters=pd.Series({"a": "north", "b": "north"}),
        scheme=scheme_of(one()),
    ).set_index("school")
    assert result.loc["b", "data_state"] == "missing"
    assert result.loc["b", "score"] is None


def test_zero_denominator_gives_zero_points_with_a_note():
    values = {
        "articles": {"a": 4, "b": 9, "c": 6, "d": 3},
        "staff.lecturers": {"a": 20, "b": 0, "c": 20, "d": np.nan},
    }
    criterion = one(numerator="articles", normalisation="per_lecturer")
    result = run(values, scheme_of(criterion))
    # b (0 lecturers) and d (none reported) are left out of the range: a 0.2, c 0.3.
    assert points_of(result) == {"a": 0.0, "b": 0.0, "c": 100.0, "d": 0.0}
    assert result.loc["b", "notes"] == [
        {
            "criterion": "c",
            "reason": "denominator_zero",
            "vi": "Tiêu chí c: mẫu số bằng 0",
            "en": "Criterion c: denominator is zero",
        }
    ]
    assert result.loc["d", "notes"][0]["reason"] == "denominator_missing"
    assert result.loc["b", "raw"] == {"c": None}
    assert result.loc["b", "rank_national"] == 2  # ranked, on 0 points


def test_missing_numerator_gives_zero_points_with_a_note():
    values = {"x": {"a": 10, "b": np.nan, "c": 30}, "y": {"a": 1, "b": 1, "c": 1}}
    result = run(values, scheme_of(one("p", "x"), one("q", "y")))
    assert result.loc["b", "points"] == {"p": 0.0, "q": 100.0}
    assert result.loc["b", "notes"][0]["vi"] == "Tiêu chí p: tử số thiếu"
    # A criterion whose indicator no school reported at all.
    result = run({"x": {"a": 1, "b": 2}}, scheme_of(one("p", "x"), one("q", "absent")))
    assert {note["reason"] for note in result.loc["a", "notes"]} == {"numerator_missing"}


# --------------------------------------------------------------------------- sums and by hand


def test_contributions_sum_to_the_score():
    rng = np.random.default_rng(3)
    schools = [f"s{i:02d}" for i in range(40)]
    values = pd.DataFrame(
        rng.integers(0, 200, size=(40, 5)).astype(float),
        index=schools,
        columns=["x", "y", "z", "w", "staff.lecturers"],
    )
    scheme = scheme_of(
        one("p", "x", weight=7),
        one("q", "y", weight=3, normalisation="rank_points"),
        one("r", "z", weight=2, normalisation="minmax_cluster", direction="lower"),
        one("s", "w", weight=5, normalisation="per_lecturer", cap=90),
        one("t", "x", denominator="y", weight=1.5),
    )
    clusters = pd.Series({school: f"k{i % 5}" for i, school in enumerate(schools)})
    result = score_schools(
        values=values,
        data_state=pd.Series("accepted", index=schools),
        clusters=clusters,
        scheme=scheme,
    )
    for row in result.itertuples():
        assert abs(sum(row.contributions.values()) - row.score) <= 0.005 * 5 + 1e-9
        assert 0 <= row.score <= 100
        assert all(0 <= points <= 100 for points in row.points.values())
    json.dumps(result.to_dict("records"), allow_nan=False)


def test_small_ranking_computed_by_hand():
    scheme = scheme_of(
        one("projects", "research.projects", weight=3),
        one("load", "training.learners", weight=1, normalisation="per_lecturer"),
        one(
            "standards",
            "standards.indicators_met",
            weight=1,
            denominator_constant=55,
            scale=100,
            normalisation="raw",
        ),
    )
    values = {
        "research.projects": {"s1": 10, "s2": 4, "s3": 7, "s4": 1},
        "training.learners": {"s1": 400, "s2": 600, "s3": 500, "s4": 9000},
        "staff.lecturers": {"s1": 20, "s2": 20, "s3": 25, "s4": 1},
        "standards.indicators_met": {"s1": 33, "s2": 11, "s3": 55, "s4": 0},
    }
    states = {"s1": "accepted", "s2": "accepted", "s3": "accepted", "s4": "missing"}
    clusters = {"s1": "north", "s2": "north", "s3": "delta", "s4": "delta"}
    result = run(values, scheme, states=states, clusters=clusters)

    # Weights 3:1:1 -> 0.6, 0.2, 0.2.
    # projects: range 4..10 -> s1 100, s2 0, s3 (7-4)/6*100 = 50
    # load: 400/20 = 20, 600/20 = 30, 500/25 = 20 -> s1 0, s2 100, s3 0
    # standards: 33/55 = 60%, 11/55 = 20%, 55/55 = 100%
    s1 = 0.6 * 100 + 0.2 * 0 + 0.2 * 60  # 72
    s2 = 0.6 * 0 + 0.2 * 100 + 0.2 * 20  # 24
    s3 = 0.6 * 50 + 0.2 * 0 + 0.2 * 100  # 50
    assert result.loc["s1", "score"] == pytest.approx(s1)
    assert result.loc["s2", "score"] == pytest.approx(s2)
    assert result.loc["s3", "score"] == pytest.approx(s3)
    assert result.loc["s4", "score"] is None
    assert list(result["school"]) == ["s1", "s3", "s2", "s4"]
    assert result["rank_national"].to_dict() == {"s1": 1, "s3": 2, "s2": 3, "s4": None}
    assert result["rank_cluster"].to_dict() == {"s1": 1, "s3": 1, "s2": 2, "s4": None}
    assert result.loc["s1", "contributions"] == {"projects": 60.0, "load": 0.0, "standards": 12.0}

    assert explain(result.loc["s1"], scheme, "vi") == [
        "Tiêu chí projects: giá trị 10 → 100 điểm × trọng số 60% = 60 điểm.",
        "Tiêu chí load: giá trị 20 → 0 điểm × trọng số 20% = 0 điểm.",
        "Tiêu chí standards: giá trị 0,6 → 60 điểm × trọng số 20% = 12 điểm.",
    ]
    assert explain(result.loc["s3"], scheme, "en")[0] == (
        "Criterion projects: value 7 → 50 points × weight 60% = 30 points."
    )
    assert explain(result.loc["s4"], scheme, "en") == ["No figures, not ranked."]


def test_explain_names_the_reason_and_the_cap():
    values = {"x": {"a": 4, "b": 8}, "d": {"a": 0, "b": 2}, "n": {"a": 12, "b": 1}}
    scheme = scheme_of(
        one("ratio", "x", denominator="d"),
        one("count", "n", scale=10, cap=100, normalisation="raw"),
    )
    result = run(values, scheme)
    vi = explain(result.loc["a"], scheme, "vi")
    assert vi[0] == "Tiêu chí ratio: mẫu số bằng 0 → 0 điểm × trọng số 50% = 0 điểm."
    assert vi[1] == (
        "Tiêu chí count: giá trị 12 → 100 điểm (mức trần 100) × trọng số 50% = 50 điểm."
    )
    en = explain(result.loc["b"], scheme, "en")
    assert en[1] == "Criterion count: value 1 → 10 points × weight 50% = 5 points."


# --------------------------------------------------------------------------- trend, schemes


def test_rank_trend_school_by_period():
    scheme = scheme_of(one())
    first = run({"x": {"a": 10, "b": 20}}, scheme)
    second = run({"x": {"a": 30, "b": 20}}, scheme, states={"a": "accepted", "b": "missing"})
    trend = rank_trend({"2024-Y": second, "2023-Y": first})
    assert list(trend.columns.get_level_values("period").unique()) == ["2023-Y", "2024-Y"]
    assert trend.loc["a", ("rank_national", "2023-Y")] == 2
    assert trend.loc["a", ("rank_national", "2024-Y")] == 1
    assert trend.loc["b", ("score", "2023-Y")] == 100.0
    assert pd.isna(trend.loc["b", ("rank_national", "2024-Y")])
    assert np.isnan(trend.loc["b", ("score", "2024-Y")])
    assert str(trend[("rank_cluster", "2023-Y")].dtype) == "Int64"


def test_scheme_and_criterion_validation():
    with pytest.raises(ValueError):
        one(normalisation="zscore")
    with pytest.raises(ValueError):
        one(direction="up")
    with pytest.raises(ValueError):
        one(denominator="y", denominator_constant=55)
    with pytest.raises(ValueError):
        one(normalisation="per_lecturer", denominator="y")
    with pytest.raises(ValueError):
        one(cap=150)
    with pytest.raises(ValueError):
        scheme_of(one("p"), one("p"))
    with pytest.raises(ValueError):
        scheme_of(one(weight=0))


def test_example_scheme_is_labelled_as_an_example():
    scheme = EXAMPLE_SCHEME_2024
    assert scheme.is_example
    assert "VÍ DỤ" in scheme.label and "EXAMPLE" in scheme.label_en
    assert sum(scheme.weights().values()) == pytest.approx(1.0)
    used = {c.numerator for c in scheme.criteria} | {
        c.denominator_code for c in scheme.criteria if c.denominator_code
    }
    assert used == {
        "training.learners",
        "training.classes",
        "research.projects",
        "research.conferences",
        "publications.journal_articles",
        "staff.lecturers",
        "standards.indicators_met",
        "staff.sent_to_study",
    }
    values = pd.DataFrame(
        {
            "training.learners": [3864, 1206, 1663],
            "training.classes": [97, 15, 20],
            "research.projects": [9, 4, 5],
            "research.conferences": [1, 0, 3],
            "publications.journal_articles": [2, 4, 0],
            "staff.lecturers": [40, 25, 30],
            "standards.indicators_met": [26, 30, 55],
            "staff.sent_to_study": [3, 12, 0],
        },
        index=SCHOOLS,
    )
    result = score_schools(
        values=values,
        data_state=pd.Series("accepted", index=SCHOOLS),
        clusters=pd.Series("north", index=SCHOOLS),
        scheme=scheme,
    )
    assert result["rank_national"].notna().all()
    assert all(len(explain(row, scheme, "vi")) == 7 for _, row in result.iterrows())


def test_scoring_inputs_from_facts():
    facts = pd.DataFrame(
        [
            ("a", "2024-Y", "x", 10, "accepted", 1),
            ("b", "2024-Y", "x", 20, "accepted", 1),
            ("b", "2024-Y", "y", 5, "submitted", 1),
            ("c", "2024-Y", "x", 30, "draft", 1),
            ("z", "2024-Y", "x", 99, "accepted", 1),
        ],
        columns=["school", "period", "indicator", "value", "status", "version"],
    )
    members = pd.DataFrame(
        [
            {"school": school, "cluster": cluster, "year": 2024, "role": "member"}
            for school, cluster in (("a", "north"), ("b", "north"), ("c", "delta"))
        ]
    )
    values, states, clusters = scoring_inputs(
        facts=facts, members=members, period="2024-Y", basis="submitted"
    )
    assert states.to_dict() == {"a": "accepted", "b": "submitted", "c": "missing"}
    assert clusters.to_dict() == {"a": "north", "b": "north", "c": "delta"}
    assert values.loc["b", "y"] == 5
    assert np.isnan(values.loc["c", "x"])
    _, accepted_states, _ = scoring_inputs(
        facts=facts, members=members, period="2024-Y", basis="accepted"
    )
    assert accepted_states.to_dict() == {"a": "accepted", "b": "accepted", "c": "missing"}
