"""Reads of a school's submissions. Callers run them inside the school's schema
(services do it with schema_context; views run on the school's host)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django_tenants.utils import schema_context

from catalogue.models import Period
from submissions.models import AuditEntry, Narrative, Submission, Upload, Value
from tenants.models import School


@dataclass
class CurrentValues:
    values: dict[str, int | None] = field(default_factory=dict)
    not_applicable: set[str] = field(default_factory=set)
    not_reported: set[str] = field(default_factory=set)
    explanations: dict[str, str] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)


def submission_of(*, period: Period) -> Submission | None:
    return Submission.objects.filter(period=period).first()


def submissions_by_period() -> dict[int, Submission]:
    """The school's submissions keyed by period id, with what a period list needs."""
    rows = Submission.objects.only("period_id", "status", "version", "reopened_at")
    return {submission.period_id: submission for submission in rows}


def values_of(*, period: Period) -> CurrentValues:
    current = CurrentValues()
    for row in Value.objects.filter(submission__period=period):
        current.values[row.code] = row.value
        if row.not_applicable:
            current.not_applicable.add(row.code)
        if row.not_reported:
            current.not_reported.add(row.code)
        if row.explanation:
            current.explanations[row.code] = row.explanation
    current.narratives = dict(
        Narrative.objects.filter(submission__period=period).values_list("section", "text")
    )
    return current


def history_for(*, period: Period) -> dict[str, list[tuple[str, int]]]:
    """The school's earlier values for the same kind of period (H1 with H1, Y with Y)."""
    rows = (
        Value.objects.filter(
            submission__period__kind=period.kind,
            submission__period__year__lt=period.year,
            value__isnull=False,
        )
        .values_list("code", "submission__period__code", "value")
        .order_by("submission__period__year")
    )
    history: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, period_code, value in rows:
        if value is not None:
            history[code].append((period_code, value))
    return dict(history)


def audit_of(*, period: Period) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(submission__period=period))


# --- a school's uploads (the kept original files) --------------------------------------


def uploads_of(*, period: Period, limit: int) -> list[Upload]:
    """The latest uploads of a period, newest first."""
    return list(Upload.objects.filter(period=period).order_by("-uploaded_at", "-id")[:limit])


def upload_of(*, period: Period, upload_id: int) -> Upload | None:
    return Upload.objects.filter(pk=upload_id, period=period).first()


def dry_run_of(*, period: Period, upload_id: int, username: str) -> Upload | None:
    """A dry run of this period sent by `username`: the only one they may confirm."""
    return Upload.objects.filter(
        pk=upload_id, period=period, dry_run=True, uploaded_by=username
    ).first()


def applied_copy_of(*, upload: Upload) -> Upload | None:
    """The same file (by content) applied for the same period since `upload` was sent."""
    return (
        Upload.objects.filter(
            period=upload.period_id,
            sha256=upload.sha256,
            applied=True,
            uploaded_at__gte=upload.uploaded_at,
        )
        .order_by("-uploaded_at")
        .first()
    )


def submission_states(*, schools: Iterable[School], period: Period) -> dict[str, dict[str, Any]]:
    """Each school's submission for the period, read in its own schema: status, version,
    updated_at, submitted_at, review_comment, reviewed_by, reviewed_role.

    The cluster board is where reports are accepted and returned, so it reads the
    submissions themselves (one small query per school, a dozen at most) rather than
    the published copy, which a worker updates a moment later.
    """
    states: dict[str, dict[str, Any]] = {}
    for school in schools:
        with schema_context(school.schema_name):
            row = (
                Submission.objects.filter(period=period)
                .values(
                    "status",
                    "version",
                    "updated_at",
                    "submitted_at",
                    "review_comment",
                    "reviewed_by",
                    "reviewed_role",
                )
                .first()
            )
        if row is not None:
            states[school.schema_name] = dict(row)
    return states
