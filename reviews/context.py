"""Builds the report's pure context from the snapshot and the review's narratives."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from aggregation.models import DeclaredTotal, Publication
from aggregation.selectors import open_findings
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from core.language import pick
from reviews.models import ClusterNarrative, Section
from reviews.reports import (
    CompletenessRow,
    FindingRow,
    NarrativeItem,
    Narratives,
    ReportContext,
    SchoolFigures,
)
from submissions.selectors import submission_states
from tenants.models import Cluster, ClusterMembership, ClusterRole, School


def recipients(language: str) -> tuple[str, ...]:
    """The hub's reports' "Nơi nhận" list in `language` (the signature block keeps the
    builders' defaults, "T/M CỤM THI ĐUA" / "CỤM TRƯỞNG")."""
    with translation.override(language):
        return (
            _("Học viện Chính trị quốc gia Hồ Chí Minh (Vụ Các trường chính trị)"),
            _("Các trường trong Cụm thi đua"),
            _("Lưu: VT, Cụm thi đua"),
        )


def narrative_items(*, cluster: Cluster, period: Period) -> dict[str, list[dict[str, Any]]]:
    rows = ClusterNarrative.objects.filter(cluster=cluster, period=period)
    return {row.section: list(row.items) for row in rows}


def declared_figures(
    *, cluster: Cluster, period: Period, snapshot: dict[str, Any]
) -> tuple[dict[str, int | None], dict[str, str]]:
    """The cluster-only declared figures: the snapshot's ``declared`` (value, source),
    and any declared total stored since (the snapshot may predate it)."""
    values: dict[str, int | None] = {}
    sources: dict[str, str] = {}
    for code, entry in (snapshot.get("declared") or {}).items():
        values[code] = entry.get("value") if isinstance(entry, dict) else entry
        sources[code] = entry.get("source", "") if isinstance(entry, dict) else ""
    for code, value in DeclaredTotal.objects.filter(cluster=cluster, period=period).values_list(
        "indicator", "value"
    ):
        values.setdefault(code, value)
    return values, sources


def report_findings(
    *, period: Period, snapshot: dict[str, Any], schools: dict[str, School], language: str
) -> tuple[FindingRow, ...]:
    """The report's findings: each school's open findings from the one selector its
    own page, the API and the board read (`aggregation.selectors.open_findings`), in
    the snapshot's school order; then the declared cluster figures' findings (gaps
    between declared and computed totals), which only the snapshot has."""
    ordered = [schools[row["school"]] for row in snapshot["schools"] if row["school"] in schools]
    # A school known only by its published figures (a backfill, a benchmark's
    # synthetic school) has no schema, hence no submission and no findings of its own.
    with_submission = submission_states(
        schools=[school for school in ordered if schema_exists(school.schema_name)],
        period=period,
    )
    per_school = open_findings(
        schools=[school for school in ordered if school.schema_name in with_submission],
        period=period,
    )
    rows = [
        FindingRow(school=school.name_vi, message=finding.message(language))
        for school in ordered
        for finding in per_school.get(school.schema_name, [])
    ]
    rows += [
        FindingRow(school=None, message=pick(f["message_vi"], f.get("message_en"), language))
        for f in snapshot["findings"]
        if f.get("scope", "school") != "school"
    ]
    return tuple(rows)


def report_context(
    *,
    cluster: Cluster,
    period: Period,
    snapshot: dict[str, Any],
    language: str,
    number: int,
    issue_date: date,
) -> ReportContext:
    schools = {
        s.schema_name: s
        for s in School.objects.filter(schema_name__in=[r["school"] for r in snapshot["schools"]])
    }
    lead = (
        ClusterMembership.objects.filter(cluster=cluster, year=period.year, role=ClusterRole.LEAD)
        .select_related("school")
        .first()
    )
    lead_school = lead.school if lead else None
    totals: dict[str, int | None] = dict(snapshot["totals"])
    # Cluster-wide figures a historical report gives only as a total (seed 002's staff
    # and contest figures) stay declared: their own rows and sentence, never a column's
    # total; any gap with the schools' own figures is listed among the findings.
    declared, sources = declared_figures(cluster=cluster, period=period, snapshot=snapshot)
    submitted_at = dict(
        Publication.objects.filter(
            period=period, school__schema_name__in=list(schools)
        ).values_list("school__schema_name", "submitted_at")
    )
    completeness = snapshot["completeness"]
    late = set(completeness.get("late", []))
    status_of = {
        slug: status
        for status in ("accepted", "submitted", "returned", "draft", "missing")
        for slug in completeness.get(status, [])
    }
    items = narrative_items(cluster=cluster, period=period)

    def name(slug: str | None) -> str | None:
        return schools[slug].name_vi if slug in schools else slug

    def narrative(section: str) -> tuple[NarrativeItem, ...]:
        return tuple(
            NarrativeItem(
                text=item.get("text", ""),
                school=name(item.get("school")),
                owner=name(item.get("owner")),
                month=item.get("month"),
                year=item.get("year"),
                text_en=item.get("text_en", ""),
            )
            for item in items.get(section, [])
            if item.get("text")
        )

    return ReportContext(
        language=language,
        cluster_name_vi=cluster.name_vi,
        cluster_name_en=cluster.name_en,
        period_code=period.code,
        lead_school_name=lead_school.name_vi if lead_school else "",
        lead_school_province=lead_school.province if lead_school else "",
        issue_date=issue_date,
        catalogue=catalogue_for_year(period.year),
        schools=tuple(
            SchoolFigures(
                name=schools[row["school"]].name_vi,
                role=row["role"],
                values=row["values"],
                figures=row.get("figures") or {},
            )
            for row in snapshot["schools"]
            if row["school"] in schools
        ),
        totals=totals,
        declared=declared,
        declared_sources=sources,
        document_number=f"{number:02d}-BC/CTĐ",
        narratives=Narratives(
            opening=narrative(Section.OPENING),
            limitations=narrative(Section.LIMITATIONS),
            proposals=narrative(Section.PROPOSALS),
            next_tasks=narrative(Section.NEXT_TASKS),
            scoring=narrative(Section.SCORING),
        ),
        completeness=tuple(
            CompletenessRow(
                school=schools[slug].name_vi,
                status=status_of.get(slug, "missing"),
                submitted_at=submitted_at.get(slug),
                late=slug in late,
            )
            for slug in completeness.get("expected", [])
            if slug in schools
        ),
        findings=report_findings(
            period=period, snapshot=snapshot, schools=schools, language=language
        ),
        recipients=recipients(language),
        signer_school=lead_school.name_vi if lead_school else "",
        fingerprint=snapshot["fingerprint"],
    )
