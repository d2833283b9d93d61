"""Publish school figures to the fact table, aggregate them per (cluster, period),
and reconcile whatever a lost message left stale."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from aggregation.models import AggregationState, Basis, DeclaredTotal, Fact, Publication, Snapshot
from aggregation.selectors import facts_frame, members_frame, publications_frame
from aggregation.signals import snapshots_stored
from aggregation.transforms import Basis as BasisName
from aggregation.transforms import build_cluster_snapshot, marks_on_basis, previous_year_period
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from submissions.models import Submission, Value
from tenants.models import Cluster, ClusterMembership, School

logger = logging.getLogger(__name__)

FACT_COLUMNS = ["school", "period", "indicator", "value", "status", "version"]


@dataclass(frozen=True)
class PublishOutcome:
    school: str
    period: str
    version: int
    changed: bool
    clusters: tuple[int, ...] = ()


def submission_publish(
    *, school: School, period: Period, now: datetime | None = None
) -> PublishOutcome:
    """Copy the school's current submission into the fact table (idempotent).

    A message older than what is already published finds `version` not newer and
    changes nothing. Figures marked not reported / not applicable are published as the
    publication's ``marks`` (never as a fact, never as 0), for the snapshots' roll-up.
    """
    # The submission's row lock makes its version, status and values one consistent
    # reading (an editor holds the same lock while saving).
    with schema_context(school.schema_name), transaction.atomic():
        submission = Submission.objects.select_for_update().filter(period=period).first()
        if submission is None:
            return PublishOutcome(school.schema_name, period.code, 0, changed=False)
        values: dict[str, int] = {}
        marks: dict[str, str] = {}
        for code, value, not_applicable, not_reported in Value.objects.filter(
            submission=submission
        ).values_list("code", "value", "not_applicable", "not_reported"):
            if value is not None:
                values[code] = value
            elif not_applicable:
                marks[code] = "not_applicable"
            elif not_reported:
                marks[code] = "not_reported"
    with schema_context("public"), transaction.atomic():
        publication = (
            Publication.objects.select_for_update().filter(school=school, period=period).first()
        )
        if publication is not None and publication.version >= submission.version:
            return PublishOutcome(
                school.schema_name, period.code, publication.version, changed=False
            )
        Fact.objects.filter(school=school, period=period).exclude(
            indicator__in=list(values)
        ).delete()
        Fact.objects.bulk_create(
            [
                Fact(
                    school=school,
                    period=period,
                    indicator=code,
                    value=value,
                    status=submission.status,
                    version=submission.version,
                )
                for code, value in values.items()
            ],
            update_conflicts=True,
            unique_fields=["school", "period", "indicator"],
            update_fields=["value", "status", "version", "published_at"],
        )
        Publication.objects.update_or_create(
            school=school,
            period=period,
            defaults={
                "version": submission.version,
                "status": submission.status,
                "submitted_at": submission.submitted_at,
                "changed_at": submission.updated_at,
                "marks": marks,
            },
        )
        clusters = aggregation_request_for_school(school=school, period=period)
    return PublishOutcome(school.schema_name, period.code, submission.version, True, clusters)


def aggregation_request_for_school(*, school: School, period: Period) -> tuple[int, ...]:
    cluster_ids = tuple(
        ClusterMembership.objects.filter(school=school, year=period.year).values_list(
            "cluster_id", flat=True
        )
    )
    for cluster_id in cluster_ids:
        aggregation_request(cluster_id=cluster_id, period=period)
    return cluster_ids


def aggregation_request(*, cluster_id: int, period: Period) -> None:
    """Mark (cluster, period) stale and queue its aggregation after commit."""
    state, _created = AggregationState.objects.get_or_create(cluster_id=cluster_id, period=period)
    AggregationState.objects.filter(pk=state.pk).update(
        requested=F("requested") + 1, requested_at=timezone.now()
    )
    code = period.code

    def send() -> None:
        from aggregation.tasks import aggregate_cluster_period

        try:
            aggregate_cluster_period.apply_async(
                kwargs={"cluster_id": cluster_id, "period_code": code}, countdown=0.2
            )
        except Exception as error:
            logger.warning(
                "Aggregation of %s %s deferred to reconcile: %s", cluster_id, code, error
            )

    transaction.on_commit(send)


def cluster_aggregate(*, cluster: Cluster, period: Period, force: bool = False) -> bool:
    """Compute the snapshots of (cluster, period) on both bases, if stale.

    Returns whether it computed. The state row's lock serialises runs; snapshots are
    written in the same transaction, so readers see the old ones or the new ones.
    """
    with schema_context("public"), transaction.atomic():
        state, _created = AggregationState.objects.get_or_create(cluster=cluster, period=period)
        state = AggregationState.objects.select_for_update().get(pk=state.pk)
        has_snapshots = Snapshot.objects.filter(cluster=cluster, period=period).exists()
        if state.computed >= state.requested and has_snapshots and not force:
            return False
        target = state.requested
        school_ids = list(
            ClusterMembership.objects.filter(cluster=cluster, year=period.year).values_list(
                "school_id", flat=True
            )
        )
        previous = Period.objects.filter(code=previous_year_period(period.code)).first()
        period_ids = [period.pk] + ([previous.pk] if previous else [])
        facts = facts_frame(schools=school_ids, periods=period_ids)
        if not len(facts):
            facts = pd.DataFrame(columns=FACT_COLUMNS)
        members = members_frame(year=period.year)
        submissions = publications_frame(schools=school_ids, period=period)
        declared_rows = list(
            DeclaredTotal.objects.filter(cluster=cluster, period=period).values_list(
                "indicator", "value", "source"
            )
        )
        declared = {code: value for code, value, _source in declared_rows}
        declared_sources = {code: source for code, _value, source in declared_rows}
        published_marks = {
            slug: (status, marks)
            for slug, status, marks in Publication.objects.filter(
                school_id__in=school_ids, period=period
            ).values_list("school__schema_name", "status", "marks")
        }
        catalogue = catalogue_for_year(period.year)
        now = timezone.now()
        basis: BasisName
        for basis in ("accepted", "submitted"):
            data = build_cluster_snapshot(
                facts=facts,
                members=members,
                submissions=submissions,
                catalogue=catalogue,
                cluster=cluster.slug,
                period=period.code,
                basis=basis,
                deadline=period.deadline,
                declared=declared,
                declared_sources=declared_sources,
                marks=marks_on_basis(published_marks, basis),
                now=now,
            )
            Snapshot.objects.update_or_create(
                cluster=cluster,
                period=period,
                basis=basis,
                defaults={"fingerprint": data["fingerprint"], "data": data, "computed_at": now},
            )
        state.computed = target
        state.computed_at = now
        state.save(update_fields=["computed", "computed_at"])
        snapshots_stored.send(sender=Snapshot, period=period)
    return True


def cluster_basis_set(*, cluster: Cluster, period: Period, basis: str) -> AggregationState:
    if basis not in Basis.values:
        raise ValueError(basis)
    state, _created = AggregationState.objects.update_or_create(
        cluster=cluster, period=period, defaults={"basis": basis}
    )
    return state


@dataclass(frozen=True)
class ReconcileReport:
    republished: list[str]
    reaggregated: list[str]


def reconcile(*, aggregate_inline: bool = False) -> ReconcileReport:
    """Republish every submission whose version is ahead of the fact table, and
    re-aggregate every (cluster, period) whose snapshot is behind its requests.

    This is the one place that looks into every schema (one small query each): it is
    what makes a lost message or a broker outage a delay rather than a loss.
    """
    republished: list[str] = []
    published = {
        (school_id, period_id): version
        for school_id, period_id, version in Publication.objects.values_list(
            "school_id", "period_id", "version"
        )
    }
    periods = {period.pk: period for period in Period.objects.all()}
    for school in School.objects.schools():
        with schema_context(school.schema_name):
            current = list(Submission.objects.values_list("period_id", "version"))
        for period_id, version in current:
            if published.get((school.pk, period_id), -1) < version and period_id in periods:
                outcome = submission_publish(school=school, period=periods[period_id])
                if outcome.changed:
                    republished.append(f"{school.schema_name} {outcome.period} v{outcome.version}")
    reaggregated: list[str] = []
    with schema_context("public"):
        stale = AggregationState.objects.filter(computed__lt=F("requested")).select_related(
            "cluster", "period"
        )
        for state in stale:
            label = f"{state.cluster.slug} {state.period.code}"
            if aggregate_inline:
                cluster_aggregate(cluster=state.cluster, period=state.period)
            else:
                queue_aggregate(cluster_id=state.cluster_id, period_code=state.period.code)
            reaggregated.append(label)
    return ReconcileReport(republished, reaggregated)


def queue_aggregate(*, cluster_id: int, period_code: str) -> None:
    from aggregation.tasks import aggregate_cluster_period

    aggregate_cluster_period.apply_async(
        kwargs={"cluster_id": cluster_id, "period_code": period_code}
    )
