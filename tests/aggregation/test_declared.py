"""Declared cluster totals: entered by the lead's approver or the department, with their
source, all or nothing, audited, on the page (a formset) and the API alike; deputies
read them; the cluster's snapshot lists them after its re-aggregation."""

from __future__ import annotations

import pytest

from aggregation.models import DeclaredTotal, DeclaredTotalChange
from aggregation.selectors import snapshot_read
from aggregation.services import cluster_aggregate
from catalogue.models import Period
from tenants.models import Cluster
from tests.world import NORTH

PERIOD = "2024-H1"
API = f"/api/v1/clusters/{NORTH}/periods/{PERIOD}/declared/"
PAGE = f"/cluster/{NORTH}/{PERIOD}/declared/"
HUB_PAGE = f"/clusters/{NORTH}/{PERIOD}/declared/"
ITEMS = [
    {"indicator": "training.classes", "value": 238, "source": "Báo cáo tổng kết cụm 2024"},
    {"indicator": "training.learners", "value": 12378, "source": "Báo cáo tổng kết cụm 2024"},
]


def stored() -> dict[str, tuple[int, str]]:
    return {
        row.indicator: (row.value, row.source)
        for row in DeclaredTotal.objects.filter(cluster__slug=NORTH, period__code=PERIOD)
    }


def test_lead_approver_puts_and_reads_declared_totals(world, api_client):
    client = api_client("quangninh-approver", "quangninh")
    response = client.put(API, {"items": ITEMS}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["can_edit"] is True
    assert [(i["indicator"], i["value"]) for i in body["items"]] == [
        ("training.classes", 238),
        ("training.learners", 12378),
    ]
    assert body["items"][0]["updated_by"] == "quangninh-approver"
    assert stored()["training.classes"] == (238, "Báo cáo tổng kết cụm 2024")
    # Replacing the list removes what is not listed, and records every change.
    response = client.put(API, {"items": ITEMS[:1]}, format="json")
    assert response.status_code == 200
    assert list(stored()) == ["training.classes"]
    changes = DeclaredTotalChange.objects.filter(cluster__slug=NORTH, indicator="training.learners")
    assert [(c.before, c.after) for c in changes.order_by("pk")] == [
        (None, {"value": 12378, "source": "Báo cáo tổng kết cụm 2024"}),
        ({"value": 12378, "source": "Báo cáo tổng kết cụm 2024"}, None),
    ]
    # The department reads the same on the public host, and may write too.
    department = api_client("department")
    assert department.get(API).json()["items"][0]["value"] == 238
    assert department.put(API, {"items": ITEMS}, format="json").status_code == 200


@pytest.mark.parametrize(
    "items",
    [
        [{"indicator": "no.such.code", "value": 1, "source": "x"}],
        [{"indicator": "training.classes", "value": -1, "source": "x"}],
        [{"indicator": "training.classes", "value": 5, "source": "  "}],
        [{"indicator": "training.classes", "value": 5}],
        [ITEMS[0], ITEMS[0]],
        [ITEMS[1], {"indicator": "training.classes", "value": "many", "source": "x"}],
    ],
)
def test_api_refuses_invalid_items_and_changes_nothing(world, api_client, items):
    client = api_client("department")
    assert client.put(API, {"items": ITEMS}, format="json").status_code == 200
    before = stored()
    response = client.put(API, {"items": items}, format="json")
    assert response.status_code == 400
    assert stored() == before


def test_deputies_read_only_and_others_refused(world, api_client):
    api_client("department").put(API, {"items": ITEMS}, format="json")
    before = stored()
    deputy = api_client("hagiang-approver", "hagiang")
    body = deputy.get(API).json()
    assert body["can_edit"] is False and len(body["items"]) == 2
    assert deputy.put(API, {"items": []}, format="json").status_code == 403
    # The lead's editor is not its approver.
    editor = api_client("quangninh-editor", "quangninh")
    assert editor.put(API, {"items": []}, format="json").status_code == 403
    # A member school neither reads nor writes.
    member = api_client("dienbien-approver", "dienbien")
    assert member.get(API).status_code == 403
    assert member.put(API, {"items": []}, format="json").status_code == 403
    # The lead of another cluster on its own host: not this cluster's host.
    other = api_client("thainguyen-approver", "thainguyen")
    assert other.get(API).status_code == 403
    assert other.put(API, {"items": []}, format="json").status_code == 403
    assert stored() == before


def test_page_formset_saves_and_refuses(world, page_client):
    client = page_client("quangninh-approver", "quangninh")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'id="declared-form"' in page.content.decode()
    form = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-indicator": "training.classes",
        "form-0-value": "238",
        "form-0-source": "Báo cáo tổng kết cụm 2024",
        "form-1-indicator": "",
        "form-1-value": "",
        "form-1-source": "",
        "form-2-indicator": "training.learners",
        "form-2-value": "12378",
        "form-2-source": "Báo cáo tổng kết cụm 2024",
    }
    response = client.post(PAGE, form)
    assert response.status_code == 302
    assert stored() == {
        code: (value, source)
        for code, value, source in [
            ("training.classes", 238, "Báo cáo tổng kết cụm 2024"),
            ("training.learners", 12378, "Báo cáo tổng kết cụm 2024"),
        ]
    }
    # A row without its source: refused whole, nothing changed.
    bad = {**form, "form-0-value": "240", "form-2-source": ""}
    response = client.post(PAGE, bad)
    assert response.status_code == 400
    assert "declared-problems" in response.content.decode()
    assert stored()["training.classes"][0] == 238
    # Deleting a row through the formset.
    initial = {**form, "form-INITIAL_FORMS": "2", "form-2-DELETE": "on"}
    assert client.post(PAGE, initial).status_code == 302
    assert list(stored()) == ["training.classes"]
    # The board links to the page.
    board = client.get(f"/cluster/{NORTH}/{PERIOD}/").content.decode()
    assert PAGE in board


def test_page_read_only_for_deputies_and_refused_posts(world, page_client, api_client):
    api_client("department").put(API, {"items": ITEMS}, format="json")
    deputy = page_client("langson-approver", "langson")
    page = deputy.get(PAGE).content.decode()
    assert 'id="read-only"' in page and 'id="declared-form"' not in page
    assert "12.378" in page
    response = deputy.post(PAGE, {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    assert len(stored()) == 2
    assert page_client("dienbien-approver", "dienbien").get(PAGE).status_code == 403
    # The department on the hub's host.
    hub = page_client("department").get(HUB_PAGE)
    assert hub.status_code == 200 and 'id="declared-form"' in hub.content.decode()


def test_snapshot_lists_declared_totals_after_aggregation(world, api_client):
    api_client("department").put(API, {"items": ITEMS}, format="json")
    cluster = Cluster.objects.get(slug=NORTH)
    period = Period.objects.get(code=PERIOD)
    cluster_aggregate(cluster=cluster, period=period, force=True)
    data = snapshot_read(cluster=cluster, period=period, basis="submitted")
    assert data is not None
    assert data["declared"]["training.classes"] == {
        "value": 238,
        "source": "Báo cáo tổng kết cụm 2024",
    }
