"""Query counts on the hot reads: a school's submission and a cluster's snapshot."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (fixture)
from tests.world import NORTH


def count(client, path: str) -> int:
    client.get(path)  # warm: token lookup paths, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len([q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")])


def test_submission_read_does_not_grow_with_the_number_of_values(seed_002_cluster, api_client):  # noqa: F811
    client = api_client("dienbien-editor", "dienbien")
    queries = count(client, "/api/v1/submissions/2024-H1/")
    assert queries <= 12


def test_snapshot_read_is_a_fixed_handful_of_queries(seed_002_cluster, api_client):  # noqa: F811
    client = api_client("quangninh-approver", "quangninh")
    queries = count(client, f"/api/v1/clusters/{NORTH}/periods/2024-H1/snapshot/")
    assert queries <= 11
