"""The demo loader: the seed documents' world, loaded twice without changing anything."""

from __future__ import annotations

from django.core.management import call_command
from django_tenants.utils import schema_context

from aggregation.models import Snapshot
from reviews.models import ClusterNarrative
from submissions.models import AuditEntry, Submission, Value
from tenants.models import ClusterMembership, School
from tests.world import NORTH


def counts() -> dict[str, int]:
    with schema_context("quangninh"):
        quangninh = (Submission.objects.count(), AuditEntry.objects.count())
    return {
        "schools": School.objects.schools().count(),
        "memberships": ClusterMembership.objects.count(),
        "narratives": ClusterNarrative.objects.count(),
        "quangninh": hash(quangninh),
    }


def test_load_demo_is_idempotent_and_tells_seed_002s_story(world, capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first

    lead = ClusterMembership.objects.get(cluster__slug=NORTH, year=2024, role="lead")
    assert lead.school.schema_name == "quangninh"
    with schema_context("sonla"):
        assert Submission.objects.get(period__code="2024-H1").status == "draft"
    with schema_context("thainguyen"):
        assert not Submission.objects.filter(period__code="2022-H1").exists()  # typed by hand

    snapshot = Snapshot.objects.get(
        cluster__slug=NORTH, period__code="2024-H1", basis="submitted"
    ).data
    assert "sonla" in snapshot["completeness"]["draft"]
    declared = {f["code"]: f for f in snapshot["findings"] if f["kind"] == "declared_mismatch"}
    assert declared["training.classes"]["expected"] == 238
    assert declared["training.classes"]["actual"] == snapshot["totals"]["training.classes"]
    assert "quangninh-approver" in capsys.readouterr().out


def test_the_demo_stores_no_submitted_record_with_an_open_blocking_finding(world):
    from catalogue.models import Period
    from submissions.services import submission_findings

    call_command("load_demo")
    submitted = []
    for school in School.objects.schools():
        with schema_context(school.schema_name):
            codes = list(
                Submission.objects.filter(status__in=["submitted", "accepted"]).values_list(
                    "period__code", flat=True
                )
            )
        for code in codes:
            period = Period.objects.get(code=code)
            # As every page reads them (not as a backfill).
            findings = submission_findings(school=school, period=period)
            blocking = [f.code for f in findings if f.blocking]
            assert not blocking, (school.schema_name, code, blocking)
            submitted.append((school.schema_name, code, findings))
    # Seed 2022-Q2 does not state the research projects nor the conferences' total: it
    # is stored as submitted with them marked not reported, not with blocking findings.
    (q2,) = [f for slug, code, f in submitted if (slug, code) == ("thainguyen", "2022-Q2")]
    assert {(f.code, f.blocking) for f in q2 if f.rule == "not_reported"} == {
        ("research.projects", False),
        ("research.conferences", False),
    }
    with schema_context("thainguyen"):
        marked = set(
            Value.objects.filter(
                submission__period__code="2022-Q2", not_reported=True, value__isnull=True
            ).values_list("code", flat=True)
        )
    assert marked == {"research.projects", "research.conferences"}
    # The seeds' own inconsistencies stay on the pages, as explained findings.
    assert any(
        finding.kind == "consistency" and finding.explained
        for _slug, _code, findings in submitted
        for finding in findings
    )
