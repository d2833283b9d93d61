"""The department's pages and the rankings API are twins over one set of reads: for
the same reading they give the same answer — the same rows in the same order with
the same values, the same schools hidden from a school's user, the same refusals."""

from __future__ import annotations

import re

import pytest

from catalogue.models import Period
from rankings.models import ScoringScheme
from rankings.services import ranking_compute, ranking_visibility_set, scheme_ensure_example
from tenants.services import department_role_grant, user_ensure
from tests.rankings.conftest import MIDLANDS_FIGURES, form_fields, insert_facts
from tests.seeds import seed_002_values
from tests.world import MIDLANDS, NORTH, NORTH_SCHOOLS, PASSWORD, WORLD_SCHOOLS

PERIOD = "2024-H1"
API = f"/api/v1/periods/{PERIOD}/rankings/"
PAGE = f"/rankings/{PERIOD}/"
USERS = ["department", "langson-editor", "thainguyen-editor"]


@pytest.fixture
def ranked(world):
    period = Period.objects.get(code=PERIOD)
    insert_facts(period, seed_002_values())
    insert_facts(period, MIDLANDS_FIGURES, "accepted")
    scheme_ensure_example(year=2024)
    ranking_compute(period=period)
    return period


@pytest.fixture
def scoring_admin(world):
    admin = user_ensure(username="scoring-admin", password=PASSWORD)
    department_role_grant(user=admin, can_manage_scoring=True)
    return admin


def table_rows(html: str, table_class: str) -> list[tuple[str, str]]:
    """(school, rank) of each body row of the page's table, in the page's order."""
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S)
    assert table, table_class
    return re.findall(r'<tr data-school="([a-z]+)" data-rank="(\d*)"', table.group(1))


def leaderboard_pair(page_client, api_client, user: str, code: str, cluster: str | None):
    query = {"code": code, **({"cluster": cluster} if cluster else {})}
    page = page_client(user).get(f"{PAGE}indicators/", query)
    api = api_client(user).get(f"{API}indicators/{code}/", {"cluster": cluster} if cluster else {})
    return page, api


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("cluster", [None, NORTH, MIDLANDS])
@pytest.mark.parametrize("code", ["training.learners", "research.projects"])
def test_leaderboard_page_and_api_agree(ranked, page_client, api_client, user, cluster, code):
    page, api = leaderboard_pair(page_client, api_client, user, code, cluster)
    assert page.status_code == api.status_code
    if api.status_code != 200:
        assert api.status_code == 403 and cluster is not None
        return
    body = api.json()
    api_rows = [
        (row["school"], row["rank"], row["value"], row["data_state"]) for row in body["rows"]
    ]
    page_rows = [
        (row["school"], row["rank"], row["value"], row["data_state"])
        for row in page.context["rows"]
    ]
    assert page_rows == api_rows
    shown = table_rows(page.content.decode(), "leaderboard-table")
    assert shown == [(row[0], "" if row[1] is None else str(row[1])) for row in api_rows]
    assert page.context["restricted"] == body["restricted"]
    if cluster is None and user != "department":
        # A school's user sees only its own school's row nationally, on both sides.
        assert [row[0] for row in api_rows] == [user.removesuffix("-editor")]


def test_a_grant_opens_the_same_rows_on_both_sides(ranked, page_client, api_client):
    def schools(user: str) -> tuple[list[str], list[str]]:
        page = page_client(user).get(f"{PAGE}indicators/", {"code": "training.classes"})
        api = api_client(user).get(f"{API}indicators/training.classes/")
        return (
            [school for school, _rank in table_rows(page.content.decode(), "leaderboard-table")],
            [row["school"] for row in api.json()["rows"]],
        )

    page_before, api_before = schools("langson-editor")
    assert page_before == api_before == ["langson"]
    ranking_visibility_set(period=ranked, open_to_schools=True, actor="test")
    page_after, api_after = schools("langson-editor")
    assert page_after == api_after
    assert set(api_after) == {slug for slug, *_rest in WORLD_SCHOOLS}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("cluster", [None, NORTH, MIDLANDS])
def test_ranking_page_and_api_agree(ranked, page_client, api_client, user, cluster):
    page = page_client(user).get(f"{PAGE}clusters/{cluster}/" if cluster else PAGE)
    api = api_client(user).get(API, {"cluster": cluster} if cluster else {"scope": "national"})
    assert page.status_code == api.status_code
    if api.status_code != 200:
        return
    api_rows = [(row["school"], row["rank"], row["score"]) for row in api.json()["rows"]]
    page_rows = [(row["school"], row["rank"], row["score"]) for row in page.context["rows"]]
    assert page_rows == api_rows
    html = page.content.decode()
    shown = re.findall(r'<tr data-school="([a-z]+)" data-rank="(\d*)" data-score="([\d.]*)"', html)
    assert [school for school, *_rest in shown] == [row[0] for row in api_rows]
    for (_school, rank, score), (_same, api_rank, api_score) in zip(shown, api_rows, strict=True):
        assert rank == ("" if api_rank is None else str(api_rank))
        assert (float(score) if score else None) == (
            None if api_score is None else pytest.approx(api_score, abs=0.005)
        )


@pytest.mark.parametrize("user", USERS)
def test_cluster_comparison_page_and_api_agree(ranked, page_client, api_client, user):
    page = page_client(user).get(f"{PAGE}clusters/")
    api = api_client(user).get(f"{API}clusters/")
    assert page.status_code == api.status_code == 200
    body = api.json()
    html = page.content.decode()
    shown = re.findall(r'<tr data-cluster="([a-z-]+)"', html)
    assert shown == [item["cluster"] for item in body["clusters"]]
    assert [(item["cluster"], item["score_mean"], item["totals"]) for item in body["clusters"]] == [
        (item["cluster"], item["score_mean"], item["totals"]) for item in page.context["clusters"]
    ]
    assert page.context["restricted"] == body["restricted"]
    expected = {
        "department": None,
        "langson-editor": [NORTH],
        "thainguyen-editor": [MIDLANDS],
    }[user]
    if expected is None:
        assert len(shown) >= 2 and not body["restricted"]
    else:
        assert shown == expected and body["restricted"]


@pytest.mark.parametrize(
    "user, page_path, api_path",
    [
        ("nobody", PAGE, API),
        ("nobody", f"{PAGE}clusters/", f"{API}clusters/"),
        (
            "nobody",
            f"{PAGE}indicators/?code=training.classes",
            f"{API}indicators/training.classes/",
        ),
        ("nobody", f"{PAGE}schools/quangninh/", f"{API}schools/quangninh/"),
        (
            "nobody",
            "/rankings/schools/quangninh/trend/",
            "/api/v1/rankings/schools/quangninh/trend/",
        ),
        ("langson-editor", f"{PAGE}clusters/{MIDLANDS}/", f"{API}?cluster={MIDLANDS}"),
        (
            "langson-editor",
            f"{PAGE}indicators/?code=training.classes&cluster={MIDLANDS}",
            f"{API}indicators/training.classes/?cluster={MIDLANDS}",
        ),
        ("langson-editor", f"{PAGE}schools/thainguyen/", f"{API}schools/thainguyen/"),
        (
            "thainguyen-editor",
            "/rankings/schools/quangninh/trend/",
            "/api/v1/rankings/schools/quangninh/trend/",
        ),
        ("langson-editor", "/rankings/scoring/2024/", "/api/v1/scoring/schemes/2024/"),
    ],
)
def test_the_same_users_are_refused_on_both_sides(
    ranked, page_client, api_client, user, page_path, api_path
):
    assert page_client(user).get(page_path).status_code == 403
    assert api_client(user).get(api_path).status_code == 403


@pytest.mark.parametrize(
    "page_path, api_path",
    [
        ("/rankings/2099-H1/", "/api/v1/periods/2099-H1/rankings/"),
        (f"{PAGE}clusters/no-such-cluster/", f"{API}?cluster=no-such-cluster"),
        (f"{PAGE}indicators/?code=research.projectz", f"{API}indicators/research.projectz/"),
        (
            f"{PAGE}indicators/?code=training.classes&cluster=no-such-cluster",
            f"{API}indicators/training.classes/?cluster=no-such-cluster",
        ),
        ("/rankings/schools/noschool/trend/", "/api/v1/rankings/schools/noschool/trend/"),
    ],
)
def test_the_same_things_are_missing_on_both_sides(
    ranked, page_client, api_client, page_path, api_path
):
    assert page_client("department").get(page_path).status_code == 404
    assert api_client("department").get(api_path).status_code == 404


def test_a_school_user_sees_the_same_cluster_schools_on_both_sides(ranked, page_client, api_client):
    page = page_client("langson-editor").get(f"{PAGE}clusters/{NORTH}/")
    api = api_client("langson-editor").get(API, {"cluster": NORTH})
    shown = [school for school, _rank in table_rows(page.content.decode(), "ranking-table")]
    assert sorted(shown) == sorted(row["school"] for row in api.json()["rows"])
    assert set(shown) == set(NORTH_SCHOOLS)


# --------------------------------------------------------------------------- schemes


def test_a_scheme_with_an_unknown_indicator_is_refused_by_the_page(
    ranked, scoring_admin, page_client
):
    client = page_client("scoring-admin")
    post = form_fields(client.get("/rankings/scoring/2024/").content.decode(), "scheme-form")
    index = next(key.split("-")[1] for key, value in post.items() if value == "research_projects")
    assert post[f"c-{index}-numerator"] == "research.projects"
    post[f"c-{index}-numerator"] = "research.projectz"
    response = client.post("/rankings/scoring/2024/", post)
    assert response.status_code == 400
    assert response.context["formset"].forms[int(index)].errors["numerator"]
    scheme = ScoringScheme.objects.get(year=2024)
    assert scheme.version == 1
    assert scheme.criteria.get(code="research_projects").numerator == "research.projects"
    # The page offers the year's indicators to choose from, not a free text field.
    html = client.get("/rankings/scoring/2024/").content.decode()
    assert re.search(rf'<select name="c-{index}-numerator"[^>]*>', html)
    assert '<option value="research.projects" selected>' in html


def test_a_scheme_with_an_unknown_indicator_is_refused_by_the_api(
    ranked, scoring_admin, api_client
):
    client = api_client("scoring-admin")
    scheme = client.get("/api/v1/scoring/schemes/2024/").json()
    criteria = [
        {key: value for key, value in item.items() if key not in ("weight_share", "label")}
        for item in scheme["criteria"]
    ]
    for item in criteria:
        if item["code"] == "research_projects":
            item["numerator"] = "research.projectz"
    response = client.put(
        "/api/v1/scoring/schemes/2024/",
        {"version": scheme["version"], "criteria": criteria},
        format="json",
    )
    assert response.status_code == 400
    assert "research.projectz" in response.json()["detail"]
    patch = client.patch(
        "/api/v1/scoring/schemes/2024/criteria/classes/",
        {"version": scheme["version"], "denominator": "staff.lecturerz"},
        format="json",
    )
    assert patch.status_code == 400 and "staff.lecturerz" in patch.json()["detail"]
    stored = ScoringScheme.objects.get(year=2024)
    assert stored.version == 1
    assert stored.criteria.get(code="research_projects").numerator == "research.projects"


def test_a_cluster_ranking_counts_the_clusters_schools(ranked, page_client, api_client):
    body = api_client("department").get(API, {"cluster": MIDLANDS}).json()
    assert body["counts"]["schools"] == len(body["rows"]) == 2
    html = page_client("department").get(f"{PAGE}clusters/{MIDLANDS}/").content.decode()
    assert "2/2 trường được xếp hạng" in html
    national = api_client("department").get(API).json()
    assert national["counts"]["schools"] == len(WORLD_SCHOOLS)
