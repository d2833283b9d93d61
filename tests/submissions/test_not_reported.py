"""Three honest states for a missing figure: not entered, not reported ("không có số
liệu"), not applicable, through the API, the services, publishing and the snapshot."""

from __future__ import annotations

from django_tenants.utils import schema_context

from aggregation.models import Publication, Snapshot
from aggregation.services import cluster_aggregate, submission_publish
from catalogue.models import Period
from submissions.models import AuditEntry, Status, Submission, Value
from submissions.services import Actor, submission_findings, submission_record_historical
from tests.world import NORTH

URL = "/api/v1/submissions/2024-H1/"
SNAPSHOT = f"/api/v1/clusters/{NORTH}/periods/2024-H1/snapshot/"
# Every required figure of 2024 but the conferences, which the source does not state.
WITHOUT_CONFERENCES = {
    "training.classes": "97",
    "training.learners": "3.864",
    "research.projects": 9,
    "research.projects.ministry": 0,
    "research.projects.provincial": 3,
    "research.projects.school": 6,
    "research.projects.faculty": 0,
}
UNBLOCK = (
    "nhập số liệu (0 nếu kỳ này không có), đánh dấu không áp dụng, hoặc đánh dấu không có "
    "số liệu kèm giải trình"
)


def save(client, version, **changes):
    return client.patch(URL, {"version": version, **changes}, format="json")


def rows(slug: str, code: str = "2024-H1") -> dict[str, Value]:
    with schema_context(slug):
        return {row.code: row for row in Value.objects.filter(submission__period__code=code)}


def test_a_blank_required_figure_says_exactly_what_unblocks_it(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    save(
        client,
        0,
        values=WITHOUT_CONFERENCES,
        explanations={"research.conferences": "Báo cáo gốc không nêu."},
    )
    blocked = client.post(URL + "submit/")
    assert blocked.status_code == 400
    body = blocked.json()
    assert "đánh dấu không có số liệu kèm giải trình" in body["detail"]
    (finding,) = body["findings"]
    assert finding["code"] == "research.conferences" and UNBLOCK in finding["message"]


def test_not_reported_through_the_api_blocks_until_explained_then_submits(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    body = save(
        client, 0, values=WITHOUT_CONFERENCES, not_reported={"research.conferences": True}
    ).json()
    assert body["not_reported"] == ["research.conferences"]
    assert body["not_applicable"] == []
    assert body["values"].get("research.conferences") is None  # never stored as 0
    assert rows("dienbien")["research.conferences"].not_reported is True

    blocked = client.post(URL + "submit/")
    assert blocked.status_code == 400
    (finding,) = blocked.json()["findings"]
    assert finding["code"] == "research.conferences" and "giải trình" in finding["message"]

    save(client, 1, explanations={"research.conferences": "Báo cáo gốc không nêu số hội thảo."})
    submitted = client.post(URL + "submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"


def test_a_value_with_not_reported_is_ambiguous_and_refused(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    refused = save(
        client,
        0,
        values={"research.conferences": 2},
        not_reported={"research.conferences": True},
    )
    assert refused.status_code == 400
    assert "không có số liệu" in refused.json()["findings"][0]["message"]
    assert rows("dienbien") == {}

    both = save(
        client,
        0,
        not_reported={"research.conferences": True},
        not_applicable={"research.conferences": True},
    )
    assert both.status_code == 400
    assert rows("dienbien") == {}


def test_marks_exclude_each_other_and_a_value_clears_not_reported(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    save(client, 0, not_applicable={"research.conferences": True})
    body = save(client, 1, not_reported={"research.conferences": True}).json()
    assert (body["not_reported"], body["not_applicable"]) == (["research.conferences"], [])
    body = save(client, 2, values={"research.conferences": 0}).json()
    assert body["values"]["research.conferences"] == 0 and body["not_reported"] == []
    with schema_context("dienbien"):
        audited = set(
            AuditEntry.objects.filter(field__startswith="research.conferences:").values_list(
                "field", "new"
            )
        )
    assert {
        ("research.conferences:not_applicable", "False"),
        ("research.conferences:not_reported", "True"),
        ("research.conferences:not_reported", "False"),
    } <= audited


def test_a_not_reported_figure_is_published_as_a_mark_and_never_counted_as_zero(world, api_client):
    period = Period.objects.get(code="2024-H1")
    client = api_client("dienbien-editor", "dienbien")
    save(
        client,
        0,
        values=WITHOUT_CONFERENCES,
        not_reported={"research.conferences": True},
        explanations={"research.conferences": "Báo cáo gốc không nêu."},
    )
    assert client.post(URL + "submit/").status_code == 200
    other = api_client("laichau-editor", "laichau")
    save(other, 0, values={**WITHOUT_CONFERENCES, "research.conferences": 2})
    assert other.post(URL + "submit/").status_code == 200
    for slug in ("dienbien", "laichau"):
        submission_publish(school=world.schools[slug], period=period)
    publication = Publication.objects.get(school__schema_name="dienbien", period=period)
    assert publication.marks == {"research.conferences": "not_reported"}
    cluster_aggregate(cluster=world.clusters[NORTH], period=period, force=True)

    data = Snapshot.objects.get(cluster__slug=NORTH, period=period, basis="submitted").data
    row = next(entry for entry in data["schools"] if entry["school"] == "dienbien")
    assert row["figures"]["research.conferences"]["state"] == "not_reported"
    assert row["values"]["research.conferences"] is None
    total = data["figures"]["research.conferences"]
    assert total["value"] == 2 and total["state"] == "partial"
    assert "dienbien" in total["schools"]["not_reported"]

    body = api_client("quangninh-approver", "quangninh").get(SNAPSHOT).json()
    api_row = next(entry for entry in body["schools"] if entry["school"] == "dienbien")
    assert api_row["figures"]["research.conferences"]["state"] == "not_reported"
    assert body["figures"]["research.conferences"]["state"] == "partial"
    # The accepted basis does not see a mark of a report not yet accepted.
    accepted = Snapshot.objects.get(cluster__slug=NORTH, period=period, basis="accepted").data
    assert not accepted["schools"] or all(
        entry["figures"].get("research.conferences", {}).get("state") != "not_reported"
        for entry in accepted["schools"]
    )


def test_a_partial_historical_report_is_backfilled_as_submitted_with_not_reported_figures(
    world,
):
    period = Period.objects.get(code="2024-H1")
    school = world.schools["dienbien"]
    submission = submission_record_historical(
        school=school,
        period=period,
        values={"training.classes": 97, "training.learners": 3864},
        narratives={},
        source="Báo cáo sơ kết 6 tháng (bản giấy)",
        actor=Actor(user_id=None, username="loader", channel="system"),
    )
    assert submission.status == Status.SUBMITTED
    stored = rows("dienbien")
    assert stored["research.projects"].not_reported is True
    assert stored["research.conferences"].not_reported is True
    assert stored["research.projects"].value is None  # never 0
    # Explained by its source, so no page shows an open blocking finding on it.
    findings = submission_findings(school=school, period=period)
    assert not [finding for finding in findings if finding.blocking]
    assert {finding.code for finding in findings if finding.rule == "not_reported"} == {
        "research.projects",
        "research.conferences",
    }

    submission_publish(school=school, period=period)
    cluster_aggregate(cluster=world.clusters[NORTH], period=period, force=True)
    data = Snapshot.objects.get(cluster__slug=NORTH, period=period, basis="submitted").data
    row = next(entry for entry in data["schools"] if entry["school"] == "dienbien")
    assert row["figures"]["research.projects"]["state"] == "not_reported"
    total = data["figures"]["research.projects"]
    # No school gives a value: the cluster has none (the others have not entered yet).
    assert total["value"] is None and total["state"] == "missing"
    assert total["schools"]["not_reported"] == ["dienbien"]
    assert "research.projects" not in data["totals"]


def test_a_historical_report_whose_figures_disagree_is_submitted_with_the_gap_explained(world):
    period = Period.objects.get(code="2024-H1")
    school = world.schools["dienbien"]
    submission = submission_record_historical(
        school=school,
        period=period,
        values={
            **WITHOUT_CONFERENCES,
            "research.projects": 10,  # its parts add up to 9, as the source says
            "research.conferences": 1,
        },
        narratives={},
        source="Báo cáo 002",
        actor=Actor(user_id=None, username="loader", channel="system"),
    )
    assert submission.status == Status.SUBMITTED
    findings = submission_findings(school=school, period=period)
    mismatch = [finding for finding in findings if finding.code == "research.projects"]
    assert mismatch and all(finding.explained and not finding.blocking for finding in mismatch)
    assert "Báo cáo 002" in rows("dienbien")["research.projects"].explanation
    with schema_context("dienbien"):
        assert Submission.objects.get(period=period).status == Status.SUBMITTED


def test_marks_count_only_on_their_basis():
    from aggregation.transforms import marks_on_basis

    published = {
        "dienbien": ("submitted", {"research.projects": "not_reported"}),
        "laichau": ("accepted", {"research.schemes": "not_applicable"}),
        "sonla": ("draft", {"research.projects": "not_reported"}),
        "hagiang": ("submitted", {"research.projects": "something else"}),
    }
    assert marks_on_basis(published, "submitted") == {
        "dienbien": {"research.projects": "not_reported"},
        "laichau": {"research.schemes": "not_applicable"},
    }
    assert marks_on_basis(published, "accepted") == {
        "laichau": {"research.schemes": "not_applicable"}
    }
