"""Publish school figures to the fact table, aggregate them per (cluster, period),
and reconcile whatever a lost message left stale."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from aggregation.models import (
    AggregationState,
    Basis,
    DeclaredTotal,
    DeclaredTotalChange,
    Fact,
    Publication,
    Snapshot,
)
from aggregation.selectors import facts_frame, members_frame, publications_frame
from aggregation.signals import snapshots_stored
from aggregation.transforms import Basis as BasisName
from aggregation.transforms import build_cluster_snapshot, marks_on_basis, previous_year_period
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from core.errors import DomainError
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


# --------------------------------------------------------------------------- declared totals


def declared_problems(*, items: Sequence[Mapping[str, Any]], period: Period) -> list[str]:
    """What is wrong with a list of declared totals ({indicator, value, source}): an
    indicator outside the year's catalogue or listed twice, a value that is not a
    non-negative whole number, a missing source. Empty when all is well."""
    catalogue = catalogue_for_year(period.year)
    problems: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        code = str(item.get("indicator") or "").strip()
        value = item.get("value")
        source = str(item.get("source") or "").strip()
        where = _("Dòng %(n)s") % {"n": position}
        if code not in catalogue:
            problems.append(
                _("%(where)s: chỉ tiêu %(code)s không có trong danh mục năm %(year)s.")
                % {"where": where, "code": code or "—", "year": period.year}
            )
        elif code in seen:
            problems.append(
                _("%(where)s: chỉ tiêu %(code)s đã có ở dòng trước.")
                % {"where": where, "code": code}
            )
        seen.add(code)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(_("%(where)s: giá trị phải là số nguyên không âm.") % {"where": where})
        if not source:
            problems.append(
                _("%(where)s: cần ghi nguồn (báo cáo nào công bố số này).") % {"where": where}
            )
    return problems


def declared_totals_replace(
    *, cluster: Cluster, period: Period, items: Sequence[Mapping[str, Any]], actor: str
) -> list[DeclaredTotal]:
    """Make the cluster's declared totals of the period exactly `items`
    ({indicator, value, source}): listed ones added or updated, others removed.

    All or nothing: any problem (`declared_problems`) raises DomainError with
    ``problems`` and changes nothing. Every change is recorded (who, when, before,
    after) and the cluster is re-aggregated after commit (the snapshot lists declared
    totals and their gap to the schools' sum). Who may call this is the caller's
    check (`tenants.access.require_declared_writer`)."""
    problems = declared_problems(items=items, period=period)
    if problems:
        raise DomainError(
            _("Số liệu công bố của cụm chưa hợp lệ; không có gì được lưu."), problems=problems
        )
    wanted = {
        str(item["indicator"]).strip(): (int(item["value"]), str(item["source"]).strip())
        for item in items
    }
    now = timezone.now()
    changed = False
    with transaction.atomic():
        current = {
            row.indicator: row
            for row in DeclaredTotal.objects.select_for_update().filter(
                cluster=cluster, period=period
            )
        }
        for code, row in current.items():
            if code not in wanted:
                DeclaredTotalChange.objects.create(
                    cluster=cluster,
                    period=period,
                    indicator=code,
                    before={"value": row.value, "source": row.source},
                    after=None,
                    actor=actor,
                )
                row.delete()
                changed = True
        for code, (value, source) in wanted.items():
            existing = current.get(code)
            if existing is not None and existing.value == value and existing.source == source:
                continue
            DeclaredTotalChange.objects.create(
                cluster=cluster,
                period=period,
                indicator=code,
                before=None
                if existing is None
                else {"value": existing.value, "source": existing.source},
                after={"value": value, "source": source},
                actor=actor,
            )
            DeclaredTotal.objects.update_or_create(
                cluster=cluster,
                period=period,
                indicator=code,
                defaults={"value": value, "source": source, "updated_by": actor, "updated_at": now},
            )
            changed = True
        if changed:
            aggregation_request(cluster_id=cluster.pk, period=period)
    return list(DeclaredTotal.objects.filter(cluster=cluster, period=period).order_by("indicator"))
