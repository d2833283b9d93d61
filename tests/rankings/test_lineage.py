"""Mergers in trends and rankings: a successor's trend includes its predecessors'
history, labelled as theirs, with their summed figures; their ranking rows of earlier
periods name the successor."""

from __future__ import annotations

import pytest

from administration.services import schools_merge
from catalogue.models import Period
from rankings.services import ranking_compute, scheme_ensure_example
from tenants.models import SchoolLineage
from tests.rankings.conftest import insert_facts

SONLA = "Trường Chính trị tỉnh Sơn La (trước sáp nhập)"


@pytest.fixture
def merged(world):
    """laocai and sonla ranked in 2024-H1 and 2024-Y; sonla merged into laocai from
    the second half of 2025."""
    scheme_ensure_example(year=2024)
    for code, (laocai, sonla) in {"2024-H1": (30, 20), "2024-Y": (34, 25)}.items():
        period = Period.objects.get(code=code)
        insert_facts(
            period,
            {
                "laocai": {"training.classes": laocai, "training.learners": 1000},
                "sonla": {"training.classes": sonla, "training.learners": 700},
                "langson": {"training.classes": 12, "training.learners": 500},
            },
        )
        ranking_compute(period=period)
    schools_merge(
        into=world.schools["laocai"],
        sources=[world.schools["sonla"]],
        effective="2025-H2",
        actor="department",
    )
    return world


def test_trend_of_the_successor_includes_its_predecessors_points(merged, api_client):
    body = api_client("department").get("/api/v1/rankings/schools/laocai/trend/").json()
    points = body["points"]
    by_kind = {(p["period"], p["kind"], p["school"]): p for p in points}
    assert [(p["period"], p["kind"]) for p in points] == [
        ("2024-H1", "school"),
        ("2024-H1", "predecessor"),
        ("2024-H1", "predecessors_sum"),
        ("2024-Y", "school"),
        ("2024-Y", "predecessor"),
        ("2024-Y", "predecessors_sum"),
    ]
    sonla = by_kind[("2024-Y", "predecessor", "sonla")]
    assert sonla["school_name"] == SONLA
    assert sonla["predecessor"] is True and sonla["successor"] == "laocai"
    assert sonla["effective"] == "2025-H2"
    assert sonla["score"] is not None and sonla["rank_national"] is not None
    total = by_kind[("2024-Y", "predecessors_sum", "laocai")]
    assert total["inputs"]["training.classes"] == 34 + 25
    assert total["inputs"]["training.learners"] == 1000 + 700
    assert total["score"] is None and total["rank_national"] is None
    assert sorted(total["schools"]) == ["laocai", "sonla"]
    # A school without predecessors has only its own points.
    plain = api_client("department").get("/api/v1/rankings/schools/langson/trend/").json()
    assert {p["kind"] for p in plain["points"]} == {"school"}


def test_trend_page_labels_the_predecessors(merged, page_client):
    response = page_client("department").get("/rankings/schools/laocai/trend/")
    assert response.status_code == 200
    html = response.content.decode()
    assert SONLA in html
    assert 'data-kind="predecessor" data-school="sonla"' in html
    assert 'data-kind="predecessors_sum"' in html
    assert "data-illustrative" not in html
    # An example merger (the demo's) says so on the page.
    SchoolLineage.objects.filter(predecessor__schema_name="sonla").update(illustrative=True)
    html = page_client("department").get("/rankings/schools/laocai/trend/").content.decode()
    assert "data-illustrative" in html


def test_successor_users_see_the_predecessors_history(merged, api_client):
    points = (
        api_client("laocai-editor").get("/api/v1/rankings/schools/laocai/trend/").json()["points"]
    )
    assert any(p["school"] == "sonla" for p in points)


def test_predecessor_rows_of_earlier_periods_name_the_successor(merged, api_client):
    body = (
        api_client("department")
        .get("/api/v1/periods/2024-Y/rankings/", {"scope": "national"})
        .json()
    )
    rows = {row["school"]: row for row in body["rows"]}
    assert rows["sonla"]["successor"] == "laocai"
    notes = [note for note in rows["sonla"]["notes"] if note["reason"] == "merged"]
    assert len(notes) == 1
    assert "Trường Chính trị tỉnh Lào Cai" in notes[0]["text"] and "2025-H2" in notes[0]["text"]
    assert rows["laocai"]["successor"] is None
    assert not [note for note in rows["laocai"]["notes"] if note["reason"] == "merged"]
