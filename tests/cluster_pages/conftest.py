"""The cluster review pages on top of seed 002 (tests.reviews.conftest), with one school
taken back to a draft and one that never started, as a real half-year looks."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from aggregation.models import Fact, Publication
from aggregation.services import cluster_aggregate, submission_publish
from submissions.models import Submission
from submissions.services import Actor, submission_reopen
from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (shared fixture)
from tests.world import NORTH

PAGE = f"/cluster/{NORTH}/2024-H1/"
PUBLIC_PAGE = f"/clusters/{NORTH}/2024-H1/"
DRAFT_SCHOOL = "sonla"
MISSING_SCHOOL = "laichau"
SYSTEM = Actor(user_id=None, username="test", channel="api")


@pytest.fixture
def half_year(seed_002_cluster, world):  # noqa: F811
    """Seed 002 with Sơn La reopened to a draft and Lai Châu never started; aggregated."""
    period, cluster = seed_002_cluster["period"], seed_002_cluster["cluster"]
    submission_reopen(
        school=world.schools[DRAFT_SCHOOL], period=period, actor=SYSTEM, reason="sửa số liệu"
    )
    submission_publish(school=world.schools[DRAFT_SCHOOL], period=period)
    with schema_context(MISSING_SCHOOL):
        Submission.objects.filter(period=period).delete()
    missing = world.schools[MISSING_SCHOOL]
    Fact.objects.filter(school=missing, period=period).delete()
    Publication.objects.filter(school=missing, period=period).delete()
    cluster_aggregate(cluster=cluster, period=period, force=True)
    return seed_002_cluster
