"""The rankings API: the contract checked from outside, and who may see what."""

from __future__ import annotations

import io
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import User
from knox.models import AuthToken
from rest_framework.test import APIClient

from catalogue.models import Period
from rankings.models import Ranking, ScoringScheme
from rankings.services import ranking_compute, scheme_ensure_example
from tenants.services import department_role_grant, user_ensure
from tests.rankings.conftest import insert_facts
from tests.seeds import seed_002_values
from tests.world import MIDLANDS, NORTH, NORTH_SCHOOLS, PASSWORD, WORLD_SCHOOLS

PERIOD = "2024-H1"
URL = f"/api/v1/periods/{PERIOD}/rankings/"


@pytest.fixture
def ranked(world):
    """Seed 002's eight schools submitted for 2024-H1, thainguyen accepted, backan
    missing; the example scheme; a computed ranking."""
    period = Period.objects.get(code=PERIOD)
    insert_facts(period, seed_002_values(), status="submitted")
    insert_facts(
        period, {"thainguyen": {"training.classes": 40, "training.learners": 2100}}, "accepted"
    )
    scheme_ensure_example(year=2024)
    ranking_compute(period=period)
    return period


@pytest.fixture
def scoring_admin(world) -> User:
    admin = user_ensure(username="scoring-admin", password=PASSWORD)
    department_role_grant(user=admin, can_manage_scoring=True)
    return admin


def token_client(user: User, host: str = "localhost") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --------------------------------------------------------------------------- contract


def test_national_ranking_contract(ranked, api_client):
    response = api_client("department").get(URL, {"scope": "national"})
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "national"
    assert body["scheme_version"] == 1 and body["is_example"] is True
    assert len(body["fingerprint"]) == 64 and body["computed_at"]
    rows = body["rows"]
    assert {row["school"] for row in rows} == {slug for slug, *_rest in WORLD_SCHOOLS}
    for row in rows:
        assert {"school", "rank", "score", "data_state", "contributions"} <= set(row)
        assert isinstance(row["contributions"], dict)
    ranked_rows = [row for row in rows if row["score"] is not None]
    assert [row["rank"] for row in ranked_rows] == sorted(row["rank"] for row in ranked_rows)
    for row in ranked_rows:
        assert set(row["contributions"]) == {c["code"] for c in body["criteria"]}
        assert abs(sum(row["contributions"].values()) - row["score"]) < 0.05
        assert row["explanation"]
    states = {row["school"]: row["data_state"] for row in rows}
    assert states["quangninh"] == "submitted"
    assert states["thainguyen"] == "accepted"
    # Missing is shown as such, never ranked as zero.
    backan = next(row for row in rows if row["school"] == "backan")
    assert backan["data_state"] == "missing"
    assert backan["score"] is None and backan["rank"] is None and backan["contributions"] == {}
    assert rows[-1]["data_state"] == "missing"
    assert rows.index(backan) > max(rows.index(row) for row in ranked_rows)


def test_cluster_ranking_contract(ranked, api_client):
    response = api_client("department").get(URL, {"cluster": NORTH})
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "cluster" and body["cluster"] == NORTH
    assert [row["school"] for row in body["rows"]][:1] == ["quangninh"]
    assert {row["school"] for row in body["rows"]} == set(NORTH_SCHOOLS)
    assert all(row["rank"] == row["rank_cluster"] for row in body["rows"])


def test_ties_share_a_rank(world, api_client):
    period = Period.objects.get(code=PERIOD)
    same = {"training.classes": 10, "training.learners": 500}
    insert_facts(
        period, {"hagiang": same, "langson": same, "sonla": {**same, "training.classes": 5}}
    )
    scheme_ensure_example(year=2024)
    ranking_compute(period=period)
    rows = api_client("department").get(URL, {"cluster": NORTH}).json()["rows"]
    ranks = {row["school"]: row["rank"] for row in rows}
    assert ranks["hagiang"] == ranks["langson"] == 1
    assert ranks["sonla"] == 3


def test_ranking_is_computed_on_first_read_when_none_exists(world, api_client):
    period = Period.objects.get(code=PERIOD)
    insert_facts(period, {"hagiang": {"training.classes": 3}})
    scheme_ensure_example(year=2024)
    assert not Ranking.objects.filter(period=period).exists()
    response = api_client("department").get(URL, {"scope": "national"})
    assert response.status_code == 200
    assert Ranking.objects.filter(period=period).count() == 1


def test_year_without_scheme_is_404_not_500(world, api_client):
    ScoringScheme.objects.filter(year=2023).delete()
    response = api_client("department").get("/api/v1/periods/2023-H1/rankings/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params, status",
    [({"scope": "galaxy"}, 400), ({"cluster": "no-such-cluster"}, 404), ({"export": "pdf"}, 400)],
)
def test_bad_parameters_are_4xx(ranked, api_client, params, status):
    assert api_client("department").get(URL, params).status_code == status


def test_unknown_period_is_404(world, api_client):
    assert api_client("department").get("/api/v1/periods/2099-H1/rankings/").status_code == 404


# --------------------------------------------------------------------------- permissions


def test_school_sees_its_own_row_in_the_national_ranking_only(ranked, api_client):
    response = api_client("langson-editor").get(URL, {"scope": "national"})
    assert response.status_code == 200
    body = response.json()
    assert body["restricted"] is True
    assert [row["school"] for row in body["rows"]] == ["langson"]


def test_school_sees_its_own_clusters_ranking(ranked, api_client):
    response = api_client("langson-editor").get(URL, {"cluster": NORTH})
    assert response.status_code == 200
    assert len(response.json()["rows"]) == 8


def test_school_cannot_see_another_clusters_ranking(ranked, api_client):
    response = api_client("langson-editor").get(URL, {"cluster": MIDLANDS})
    assert response.status_code == 403
    assert "thainguyen" not in response.content.decode()
    response = api_client("backan-approver").get(URL, {"cluster": NORTH})
    assert response.status_code == 403


def test_department_grant_opens_other_clusters_to_schools(ranked, api_client, scoring_admin):
    school = api_client("langson-editor")
    assert school.get(URL, {"cluster": MIDLANDS}).status_code == 403
    # A department member without the scoring role cannot grant it.
    visibility = f"/api/v1/periods/{PERIOD}/rankings/visibility/"
    refused = api_client("department").put(visibility, {"open_to_schools": True}, format="json")
    assert refused.status_code == 403
    granted = token_client(scoring_admin).put(visibility, {"open_to_schools": True}, format="json")
    assert granted.status_code == 200 and granted.json()["open_to_schools"] is True
    opened = school.get(URL, {"cluster": MIDLANDS})
    assert opened.status_code == 200
    assert {row["school"] for row in opened.json()["rows"]} == {"thainguyen", "backan"}
    national = school.get(URL, {"scope": "national"}).json()
    assert national["restricted"] is False and len(national["rows"]) == len(WORLD_SCHOOLS)
    # The grant is per period: another period stays closed.
    scheme_ensure_example(year=2024)
    other = Period.objects.get(code="2024-Y")
    ranking_compute(period=other)
    closed = school.get("/api/v1/periods/2024-Y/rankings/", {"cluster": MIDLANDS})
    assert closed.status_code == 403


@pytest.mark.parametrize("username", ["nobody", None])
def test_outsiders_get_nothing(ranked, api_client, username):
    for params in ({"scope": "national"}, {"cluster": NORTH}):
        response = api_client(username).get(URL, params)
        assert response.status_code in (401, 403)
        assert "quangninh" not in response.content.decode()


def test_school_user_on_its_school_host_gets_the_same_rule(ranked, api_client):
    client = api_client("hagiang-editor", "hagiang")
    assert client.get(URL, {"cluster": NORTH}).status_code == 200
    assert client.get(URL, {"cluster": MIDLANDS}).status_code == 403
    assert [row["school"] for row in client.get(URL).json()["rows"]] == ["hagiang"]


def test_scorecard_permissions(ranked, api_client):
    url = f"/api/v1/periods/{PERIOD}/rankings/schools/thainguyen/"
    assert api_client("department").get(url).status_code == 200
    assert api_client("backan-editor").get(url).status_code == 200  # same cluster
    assert api_client("langson-editor").get(url).status_code == 403
    assert api_client("nobody").get(url).status_code == 403
    card = api_client("thainguyen-editor").get(url).json()
    assert card["school"] == "thainguyen" and card["rank_national"] is not None
    lights = {item["code"]: item["light"] for item in card["criteria"]}
    assert set(lights.values()) <= {"green", "amber", "red", "none"}
    assert lights["standards_met"] == "none"  # no figure for it


def test_leaderboard_permissions_and_missing_last(ranked, api_client):
    url = f"/api/v1/periods/{PERIOD}/rankings/indicators/training.classes/"
    rows = api_client("department").get(url).json()["rows"]
    assert rows[0]["school"] == "quangninh" and rows[0]["rank"] == 1
    backan = next(row for row in rows if row["school"] == "backan")
    assert backan["value"] is None and backan["rank"] is None
    assert backan["data_state"] == "missing"
    assert rows[-1]["value"] is None and rows[-1]["rank"] is None
    assert api_client("langson-editor").get(url, {"cluster": MIDLANDS}).status_code == 403
    own = api_client("langson-editor").get(url).json()
    assert [row["school"] for row in own["rows"]] == ["langson"]
    assert api_client("nobody").get(url).status_code == 403
    assert api_client("department").get(url.replace("training.classes", "nope")).status_code == 404


def test_research_total_is_summed_from_its_parts_with_a_note(ranked, api_client):
    url = f"/api/v1/periods/{PERIOD}/rankings/indicators/research.projects/"
    values = {
        row["school"]: row["value"] for row in api_client("department").get(url).json()["rows"]
    }
    assert values["quangninh"] == 3 + 6 and values["caobang"] is None
    rows = api_client("department").get(URL, {"cluster": NORTH}).json()["rows"]
    quangninh = next(row for row in rows if row["school"] == "quangninh")
    assert any(note["reason"] == "rolled_up" for note in quangninh["notes"])


def test_cluster_comparison(ranked, api_client):
    url = f"/api/v1/periods/{PERIOD}/rankings/clusters/"
    body = api_client("department").get(url).json()
    clusters = {item["cluster"]: item for item in body["clusters"]}
    north = clusters[NORTH]
    assert north["schools"] == 8 and north["ranked"] == 8 and north["missing"] == 0
    classes = [seed_002_values()[school]["training.classes"] for school in NORTH_SCHOOLS]
    assert north["totals"]["training.classes"] == sum(classes)
    assert north["averages"]["training.classes"] == round(sum(classes) / 8, 2)
    assert clusters[MIDLANDS]["missing"] == 1
    own = api_client("langson-editor").get(url).json()
    assert [item["cluster"] for item in own["clusters"]] == [NORTH] and own["restricted"]
    assert api_client("nobody").get(url).status_code == 403


def test_trend_across_periods(ranked, api_client):
    other = Period.objects.get(code="2024-Y")
    insert_facts(other, {"langson": {"training.classes": 50}, "hagiang": {"training.classes": 10}})
    ranking_compute(period=other)
    url = "/api/v1/rankings/schools/langson/trend/"
    points = api_client("department").get(url).json()["points"]
    assert [point["period"] for point in points] == ["2024-H1", "2024-Y"]
    assert points[1]["rank_cluster"] == 1
    assert api_client("langson-editor").get(url).status_code == 200
    assert api_client("backan-editor").get(url).status_code == 403
    assert api_client("nobody").get(url).status_code == 403


def test_xlsx_export_keeps_numbers_as_numbers(ranked, api_client):
    response = api_client("department").get(URL, {"scope": "national", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row[0] == "Hạng")
    first = rows[header + 1]
    assert first[0] == 1 and isinstance(first[3], float)
    last = rows[-1]
    assert last[0] is None and last[3] is None  # backan: not ranked, no score


# --------------------------------------------------------------------------- schemes


def test_scheme_edit_bumps_version_and_queues_the_years_rankings(
    ranked, scoring_admin, django_capture_on_commit_callbacks
):
    client = token_client(scoring_admin)
    url = "/api/v1/scoring/schemes/2024/criteria/classes/"
    with (
        mock.patch("rankings.tasks.compute_period_rankings.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.patch(url, {"version": 1, "weight": 40}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert next(c for c in body["criteria"] if c["code"] == "classes")["weight"] == 40
    queued_periods = {call.kwargs["kwargs"]["period_code"] for call in queued.call_args_list}
    assert queued_periods == {"2024-H1", "2024-Y"}
    # The reader now sees the old ranking flagged stale until the worker recomputes.
    stale = token_client(scoring_admin).get(URL).json()
    assert stale["stale"] is True and stale["scheme_version"] == 1
    ranking_compute(period=ranked)
    fresh = token_client(scoring_admin).get(URL).json()
    assert fresh["stale"] is False and fresh["scheme_version"] == 2
    assert Ranking.objects.filter(period=ranked).count() == 2


def test_stale_scheme_edit_is_refused(ranked, scoring_admin):
    client = token_client(scoring_admin)
    url = "/api/v1/scoring/schemes/2024/criteria/classes/"
    assert client.patch(url, {"version": 1, "weight": 5}, format="json").status_code == 200
    conflict = client.patch(url, {"version": 1, "weight": 6}, format="json")
    assert conflict.status_code == 409 and conflict.json()["current_version"] == 2


def test_invalid_scheme_is_refused_with_a_message(ranked, scoring_admin):
    client = token_client(scoring_admin)
    scheme = client.get("/api/v1/scoring/schemes/2024/").json()
    criteria = scheme["criteria"]
    criteria[0]["cap"] = 250
    response = client.put(
        "/api/v1/scoring/schemes/2024/", {"version": 1, "criteria": criteria}, format="json"
    )
    assert response.status_code == 400 and "cap" in response.json()["detail"]
    zero = [{**item, "weight": 0} for item in scheme["criteria"]]
    response = client.put(
        "/api/v1/scoring/schemes/2024/", {"version": 1, "criteria": zero}, format="json"
    )
    assert response.status_code == 400
    assert ScoringScheme.objects.get(year=2024).version == 1


def test_scheme_replace_and_create(ranked, scoring_admin):
    client = token_client(scoring_admin)
    criteria = [
        {
            "code": "learners",
            "label_vi": "Học viên",
            "numerator": "training.learners",
            "weight": 1,
            "normalisation": "minmax_cluster",
        }
    ]
    response = client.put(
        "/api/v1/scoring/schemes/2024/",
        {"version": 1, "criteria": criteria, "is_example": False, "label_vi": "Thử"},
        format="json",
    )
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["criteria"]] == ["learners"]
    created = client.post(
        "/api/v1/scoring/schemes/", {"year": 2031, "from_year": 2024}, format="json"
    )
    assert created.status_code == 201 and created.json()["criteria"][0]["code"] == "learners"
    again = client.post("/api/v1/scoring/schemes/", {"year": 2031}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize("username", ["department", "langson-approver", "nobody"])
def test_only_scoring_admins_edit_schemes(ranked, api_client, username):
    client = api_client(username)
    url = "/api/v1/scoring/schemes/2024/criteria/classes/"
    assert client.patch(url, {"version": 1, "weight": 3}, format="json").status_code == 403
    expected = 200 if username == "department" else 403
    assert client.get("/api/v1/scoring/schemes/2024/").status_code == expected
    assert ScoringScheme.objects.get(year=2024).version == 1


def test_example_scheme_is_seeded_once_and_labelled(world):
    first = scheme_ensure_example(year=2023)
    again = scheme_ensure_example(year=2023)
    assert first.pk == again.pk and again.version == 1
    assert again.is_example and again.label_vi.startswith("VÍ DỤ")
    assert again.criteria.count() == 7


def test_reading_a_ranking_takes_a_fixed_number_of_queries(
    ranked, api_client, django_assert_max_num_queries
):
    """The hot path reads the stored ranking: no query per school or per row (at most 14
    queries, each preceded by django-tenants' SET search_path)."""
    client = api_client("department")
    client.get(URL)  # token and caches warm
    with django_assert_max_num_queries(28):
        assert client.get(URL, {"scope": "national"}).status_code == 200
    school = api_client("langson-editor")
    with django_assert_max_num_queries(28):
        assert school.get(URL, {"cluster": NORTH}).status_code == 200
