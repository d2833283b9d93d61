"""The demo loader: the seed documents' world, loaded twice without changing anything."""

from __future__ import annotations

from django.core.management import call_command
from django_tenants.utils import schema_context

from aggregation.models import Snapshot
from reviews.models import ClusterNarrative
from submissions.models import AuditEntry, Submission
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
