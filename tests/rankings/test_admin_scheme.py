"""The Django admin edits a scheme through the same service (version bump, queued
rankings) and only for scoring admins."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import User

from rankings.models import ScoringScheme
from rankings.services import scheme_ensure_example
from tenants.services import department_role_grant, user_ensure
from tests.conftest import PASSWORD

FIELDS = [
    "code",
    "label_vi",
    "label_en",
    "numerator",
    "denominator",
    "denominator_constant",
    "weight",
    "direction",
    "normalisation",
    "cap",
    "scale",
]


def admin_post(scheme: ScoringScheme, changes: dict[str, dict[str, object]]) -> dict[str, object]:
    criteria = list(scheme.criteria.order_by("position", "code"))
    data: dict[str, object] = {
        "year": scheme.year,
        "label_vi": scheme.label_vi,
        "label_en": scheme.label_en,
        "is_example": "on",
        "basis": scheme.basis,
        "description": scheme.description,
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(criteria):
        prefix = f"criteria-{index}-"
        data[prefix + "id"] = row.pk
        data[prefix + "scheme"] = scheme.pk
        data[prefix + "position"] = row.position
        for name in FIELDS:
            value = changes.get(row.code, {}).get(name, getattr(row, name))
            data[prefix + name] = "" if value is None else value
    return data


@pytest.fixture
def staff_admin(world) -> User:
    user = user_ensure(username="scoring-staff", password=PASSWORD)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    department_role_grant(user=user, can_manage_scoring=True)
    return User.objects.get(pk=user.pk)


def test_admin_edit_bumps_the_version_and_queues(
    staff_admin, page_client, django_capture_on_commit_callbacks
):
    scheme = scheme_ensure_example(year=2024)
    client = page_client("scoring-staff")
    url = f"/admin/rankings/scoringscheme/{scheme.pk}/change/"
    assert client.get(url).status_code == 200
    with (
        mock.patch("rankings.tasks.compute_period_rankings.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, admin_post(scheme, {"classes": {"weight": 35}}))
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme.refresh_from_db()
    assert scheme.version == 2 and scheme.updated_by == "scoring-staff"
    assert scheme.criteria.get(code="classes").weight == 35
    assert queued.called


def test_admin_refuses_an_invalid_criterion(staff_admin, page_client):
    scheme = scheme_ensure_example(year=2024)
    client = page_client("scoring-staff")
    url = f"/admin/rankings/scoringscheme/{scheme.pk}/change/"
    response = client.post(url, admin_post(scheme, {"classes": {"cap": 500}}))
    assert response.status_code == 200  # the form again, with the error
    assert "cap must be in (0, 100]" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.version == 1


def test_staff_without_the_scoring_role_cannot_use_the_admin(world, page_client):
    user = user_ensure(username="plain-staff", password=PASSWORD)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    department_role_grant(user=user, can_manage_scoring=False)
    scheme = scheme_ensure_example(year=2024)
    response = page_client("plain-staff").get(
        f"/admin/rankings/scoringscheme/{scheme.pk}/change/"
    )
    assert response.status_code in (302, 403)
