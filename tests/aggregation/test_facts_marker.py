"""The period-wide cache marker follows publications too: a school that only marks a
figure not applicable changes no fact, but changes every roll-up that reads marks."""

from __future__ import annotations

from django.utils import timezone

from aggregation.models import Publication
from aggregation.selectors import facts_marker
from catalogue.models import Period
from tenants.models import School


def test_a_marks_only_publication_changes_the_marker(world):
    period = Period.objects.get(code="2024-H1")
    school = School.objects.get(schema_name="laocai")
    before = facts_marker(period=period)
    assert facts_marker(period=period) == before  # stable while nothing changes
    Publication.objects.create(
        school=school,
        period=period,
        version=1,
        status="submitted",
        changed_at=timezone.now(),
        marks={"research.projects": "not_applicable"},
    )
    assert facts_marker(period=period) != before
