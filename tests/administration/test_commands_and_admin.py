"""The year set-up's management commands (README contract) and the Django admin as the
department administrators' fallback."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tenants.models import ClusterMembership, School, SchoolLineage
from tenants.services import department_role_grant, user_ensure
from tests.conftest import MIDLANDS, PASSWORD


def test_import_clusters_dry_run_changes_nothing_then_applies(world, tmp_path, capsys):
    decision = tmp_path / "decision.csv"
    decision.write_text(
        f"cluster,school,role\n{MIDLANDS},thainguyen,lead\n{MIDLANDS},backan,deputy\n",
        encoding="utf-8",
    )
    call_command("import_clusters", str(decision), "--year", "2035", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not ClusterMembership.objects.filter(year=2035).exists()

    call_command("import_clusters", str(decision), "--year", "2035")
    assert set(
        ClusterMembership.objects.filter(year=2035).values_list("school__schema_name", "role")
    ) == {("thainguyen", "lead"), ("backan", "deputy")}


def test_import_clusters_refuses_an_unknown_cluster(world, tmp_path):
    decision = tmp_path / "decision.csv"
    decision.write_text("cluster,school\nno-such-cluster,thainguyen\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no-such-cluster"):
        call_command("import_clusters", str(decision), "--year", "2036")
    assert not ClusterMembership.objects.filter(year=2036).exists()


def test_merge_schools_records_lineage_and_deactivates_the_merged(world):
    call_command("merge_schools", "--into", "laocai", "--from", "sonla", "--effective", "2025-H2")
    lineage = SchoolLineage.objects.get(predecessor__schema_name="sonla")
    assert lineage.successor.schema_name == "laocai" and lineage.effective_label == "2025-H2"
    assert not School.objects.get(schema_name="sonla").is_active
    assert School.objects.get(schema_name="laocai").is_active
    with pytest.raises(CommandError):
        call_command("merge_schools", "--into", "laocai", "--from", "laocai", "--effective", "2025")


def test_department_administrators_reach_the_admin_others_do_not(world, page_client):
    admin_user = user_ensure(username="year-admin", password=PASSWORD)
    department_role_grant(user=admin_user, is_admin=True)

    administrator = page_client("year-admin")
    assert administrator.get("/admin/").status_code == 200
    assert administrator.get("/admin/tenants/clustermembership/").status_code == 200
    # Memberships are changed through the audited services, not the admin.
    assert administrator.get("/admin/tenants/clustermembership/add/").status_code == 403
    school = School.objects.get(schema_name="laocai")
    assert administrator.get(f"/admin/tenants/school/{school.pk}/change/").status_code == 200

    for username in ("department", "quangninh-approver"):
        refused = page_client(username).get("/admin/")
        assert refused.status_code == 302 and "/admin/login/" in refused["Location"]
