import pytest
from django.db import IntegrityError, transaction

from tenants.models import ClusterMembership
from tenants.selectors import cluster_members, cluster_membership_of
from tenants.services import MembershipError, cluster_membership_set
from tests.world import MIDLANDS, NORTH


def test_second_lead_for_a_cluster_year_is_refused(world):
    with pytest.raises(MembershipError, match="đã giữ vai trò Cụm trưởng"):
        cluster_membership_set(
            school=world.schools["dienbien"], cluster=world.clusters[NORTH], year=2024, role="lead"
        )
    assert cluster_membership_of(school=world.schools["dienbien"], year=2024).role == "member"


def test_database_enforces_one_lead_even_without_the_service(world):
    membership = ClusterMembership.objects.get(school=world.schools["dienbien"], year=2024)
    membership.role = "lead"
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_role_changes_by_year(world):
    quangninh = world.schools["quangninh"]
    assert cluster_membership_of(school=quangninh, year=2023).role == "member"
    assert cluster_membership_of(school=quangninh, year=2024).role == "lead"


def test_moving_cluster_keeps_earlier_years(world):
    backan = world.schools["backan"]
    cluster_membership_set(school=backan, cluster=world.clusters[NORTH], year=2025)

    assert cluster_membership_of(school=backan, year=2024).cluster.slug == MIDLANDS
    assert cluster_membership_of(school=backan, year=2025).cluster.slug == NORTH


def test_cluster_members_come_lead_first(world):
    members = cluster_members(cluster=world.clusters[NORTH], year=2024)
    assert [m.role for m in members][:3] == ["lead", "standing_deputy", "deputy"]
