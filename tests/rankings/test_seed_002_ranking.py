"""Seed 002's cluster (H1 2024) ranked on the example scheme, checked against a hand
computation written out here in plain arithmetic (no call into rankings.scoring).

What the seed gives each school: classes, learners, research projects and conferences
by level (no totals), some publications. No lecturers, no standard-school indicators,
no staff sent to study (those are cluster-wide in the seed). So under the example
scheme (weights 20/10/15/10/15/20/10, total 100):

* learners per lecturer, articles per lecturer: no lecturers → 0 points, noted;
* classes (min–max within the cluster, weight 10): 100 × (classes − 14) / (97 − 14);
* research projects (min–max nationally, weight 15): the levels summed (the hub rolls
  a total up from its parts); Cao Bằng and Lai Châu report none → 0 points, noted;
  range 2 (Lạng Sơn) … 9 (Quảng Ninh, Lào Cai);
* conferences (rank points, weight 10): levels summed; Điện Biên reports none;
  7 schools ranked, best gets 7/7 = 100, ties share the better rank;
* standards met, staff sent to study: no figures → 0, noted.

Only this cluster has figures in the test, so "nationally" is this cluster too.
"""

from __future__ import annotations

import pytest

from catalogue.models import Period
from rankings.services import ranking_compute, scheme_ensure_example
from tests.rankings.conftest import insert_facts
from tests.seeds import seed_002_values
from tests.world import NORTH

PERIOD = "2024-H1"


def hand_computation() -> dict[str, dict[str, float]]:
    seed = seed_002_values()
    classes = {school: values["training.classes"] for school, values in seed.items()}
    projects = {}
    conferences = {}
    for school, values in seed.items():
        parts = [v for code, v in values.items() if code.startswith("research.projects.")]
        if parts:
            projects[school] = sum(parts)
        parts = [v for code, v in values.items() if code.startswith("research.conferences.")]
        if parts:
            conferences[school] = sum(parts)
    assert classes == {
        "quangninh": 97,
        "dienbien": 15,
        "hagiang": 20,
        "caobang": 14,
        "laichau": 16,
        "langson": 21,
        "laocai": 24,
        "sonla": 27,
    }
    assert projects == {
        "quangninh": 9,
        "dienbien": 4,
        "hagiang": 5,
        "langson": 2,
        "laocai": 9,
        "sonla": 8,
    }
    assert conferences == {
        "quangninh": 1,
        "hagiang": 2,
        "caobang": 5,
        "laichau": 2,
        "langson": 1,
        "laocai": 4,
        "sonla": 2,
    }
    low, high = min(classes.values()), max(classes.values())  # 14, 97
    p_low, p_high = min(projects.values()), max(projects.values())  # 2, 9
    n = len(conferences)  # 7
    out = {}
    for school in classes:
        classes_points = 100 * (classes[school] - low) / (high - low)
        projects_points = (
            100 * (projects[school] - p_low) / (p_high - p_low) if school in projects else 0.0
        )
        if school in conferences:
            better = sum(1 for v in conferences.values() if v > conferences[school])
            rank = better + 1
            conference_points = 100 * (n - rank + 1) / n
        else:
            conference_points = 0.0
        contributions = {
            "classes": classes_points * 10 / 100,
            "research_projects": projects_points * 15 / 100,
            "conferences": conference_points * 10 / 100,
        }
        out[school] = {**contributions, "score": sum(contributions.values())}
    return out


def test_hand_computation_gives_the_figures_written_down():
    hand = hand_computation()
    scores = {school: round(values["score"], 2) for school, values in hand.items()}
    assert scores == {
        "quangninh": 27.86,  # 10 + 15 + 2.857
        "laocai": 24.78,  # 1.205 + 15 + 8.571
        "sonla": 21.57,  # 1.566 + 12.857 + 7.143
        "hagiang": 14.29,  # 0.723 + 6.429 + 7.143
        "caobang": 10.0,  # 0 + 0 + 10
        "laichau": 7.38,  # 0.241 + 0 + 7.143
        "dienbien": 4.41,  # 0.120 + 4.286 + 0
        "langson": 3.7,  # 0.843 + 0 + 2.857
    }


@pytest.fixture
def seed_002_ranked(world):
    period = Period.objects.get(code=PERIOD)
    insert_facts(period, seed_002_values(), status="submitted")
    scheme_ensure_example(year=2024)
    ranking_compute(period=period)
    return period


def test_seed_002_cluster_ranking_matches_the_hand_computation(seed_002_ranked, api_client):
    hand = hand_computation()
    body = (
        api_client("department")
        .get(f"/api/v1/periods/{PERIOD}/rankings/", {"cluster": NORTH})
        .json()
    )
    rows = {row["school"]: row for row in body["rows"]}
    assert set(rows) == set(hand)
    expected_order = sorted(hand, key=lambda school: -hand[school]["score"])
    assert [row["school"] for row in body["rows"]] == expected_order
    for position, school in enumerate(expected_order, start=1):
        row = rows[school]
        assert row["rank"] == position, school
        assert row["score"] == pytest.approx(round(hand[school]["score"], 2), abs=0.005)
        assert row["data_state"] == "submitted"
        for code in ("classes", "research_projects", "conferences"):
            assert row["contributions"][code] == pytest.approx(hand[school][code], abs=0.006)
        for code in (
            "learners_per_lecturer",
            "articles_per_lecturer",
            "standards_met",
            "staff_sent_to_study",
        ):
            assert row["contributions"][code] == 0.0
        reasons = {(note["criterion"], note["reason"]) for note in row["notes"]}
        assert ("learners_per_lecturer", "denominator_missing") in reasons
        assert ("standards_met", "numerator_missing") in reasons
        assert (None, "not_accepted") in reasons
    caobang = {(note["criterion"], note["reason"]) for note in rows["caobang"]["notes"]}
    assert ("research_projects", "numerator_missing") in caobang
    dienbien = {(note["criterion"], note["reason"]) for note in rows["dienbien"]["notes"]}
    assert ("conferences", "numerator_missing") in dienbien
    quangninh = {(note["criterion"], note["reason"]) for note in rows["quangninh"]["notes"]}
    assert ("research_projects", "rolled_up") in quangninh
    # National ranks agree: only this cluster has figures.
    national = (
        api_client("department")
        .get(f"/api/v1/periods/{PERIOD}/rankings/", {"scope": "national"})
        .json()
    )
    ranked = [row["school"] for row in national["rows"] if row["rank"] is not None]
    assert ranked == expected_order
