"""Writes of the lead school's review: narratives (with history) and report jobs."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from aggregation.selectors import cluster_basis, snapshot_read
from catalogue.models import Period
from core.errors import ConflictError, DomainError
from reviews.context import report_context
from reviews.models import ClusterNarrative, ClusterNarrativeRevision, JobStatus, ReportJob, Section
from reviews.reports import build_docx, build_pdf, build_xlsx
from reviews.selectors import report_next_number
from submissions.models import Narrative, NarrativeSection
from tenants.models import Cluster, ClusterMembership

logger = logging.getLogger(__name__)

# Which school narrative feeds which report section.
PREFILL_FROM = {
    Section.LIMITATIONS: NarrativeSection.LIMITATIONS,
    Section.PROPOSALS: NarrativeSection.PROPOSALS,
    Section.NEXT_TASKS: NarrativeSection.NEXT_TASKS,
}


def clean_items(items: list[Any]) -> list[dict[str, Any]]:
    cleaned = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            continue
        month = item.get("month")
        if month not in (None, "") and (not str(month).isdigit() or not 1 <= int(month) <= 12):
            raise DomainError(_("Tháng phải từ 1 đến 12: %(month)s") % {"month": month})
        cleaned.append(
            {
                "text": str(item["text"]).strip(),
                "school": item.get("school") or None,
                "owner": item.get("owner") or None,
                "month": int(month) if month not in (None, "") else None,
            }
        )
    return cleaned


def cluster_narrative_save(
    *,
    cluster: Cluster,
    period: Period,
    section: str,
    items: list[Any],
    expected_version: int,
    username: str,
) -> ClusterNarrative:
    """Save a section; a stale version is refused (nothing is merged or overwritten)."""
    if section not in Section.values:
        raise DomainError(_("Mục báo cáo không hợp lệ: %(section)s") % {"section": section})
    with transaction.atomic():
        narrative, _created = ClusterNarrative.objects.get_or_create(
            cluster=cluster, period=period, section=section
        )
        narrative = ClusterNarrative.objects.select_for_update().get(pk=narrative.pk)
        if narrative.version != expected_version:
            raise ConflictError(
                _("Mục này đã được người khác sửa (phiên bản %(current)s); hãy tải lại.")
                % {"current": narrative.version},
                version=narrative.version,
            )
        cleaned = clean_items(items)
        if cleaned == narrative.items:
            return narrative
        narrative.items = cleaned
        narrative.version += 1
        narrative.updated_by = username
        narrative.save()
        ClusterNarrativeRevision.objects.create(
            narrative=narrative, version=narrative.version, items=cleaned, saved_by=username
        )
    return narrative


def cluster_narratives_prefill(*, cluster: Cluster, period: Period, username: str) -> list[str]:
    """Fill empty sections with the member schools' own narratives, each item tagged
    with its school. Reads each member's schema once (a lead's explicit action, over at
    most a dozen schools); sections already edited are left alone."""
    members = ClusterMembership.objects.filter(cluster=cluster, year=period.year).select_related(
        "school"
    )
    gathered: dict[str, list[dict[str, Any]]] = {str(section): [] for section in PREFILL_FROM}
    for membership in members:
        with schema_context(membership.school.schema_name):
            texts = dict(
                Narrative.objects.filter(submission__period=period).values_list("section", "text")
            )
        for prefill_section, source in PREFILL_FROM.items():
            for line in (texts.get(source) or "").splitlines():
                line = line.strip(" -•\t")
                if line:
                    gathered[str(prefill_section)].append(
                        {"text": line, "school": membership.school.schema_name}
                    )
    filled: list[str] = []
    for section, items in gathered.items():
        existing = ClusterNarrative.objects.filter(
            cluster=cluster, period=period, section=section
        ).first()
        if items and (existing is None or not existing.items):
            cluster_narrative_save(
                cluster=cluster,
                period=period,
                section=section,
                items=items,
                expected_version=existing.version if existing else 0,
                username=username,
            )
            filled.append(section)
    return filled


def report_request(*, cluster: Cluster, period: Period, language: str, username: str) -> ReportJob:
    """Queue a report generation; it runs after commit on the reports queue."""
    if language not in ("vi", "en"):
        raise DomainError(_("Ngôn ngữ báo cáo phải là vi hoặc en."))
    if snapshot_read(cluster=cluster, period=period) is None:
        raise DomainError(_("Chưa có số liệu tổng hợp cho cụm trong kỳ này."))
    with transaction.atomic():
        # Lock the cluster row so two requests never take the same report number.
        Cluster.objects.select_for_update().get(pk=cluster.pk)
        job = ReportJob.objects.create(
            cluster=cluster,
            period=period,
            number=report_next_number(cluster=cluster, period=period),
            language=language,
            basis=cluster_basis(cluster=cluster, period=period),
            requested_by=username,
        )
        job_id = job.pk

        def send() -> None:
            from reviews.tasks import generate_report

            try:
                # The job is hub data: run it in the public schema whichever host asked.
                with schema_context("public"):
                    generate_report.delay(job_id=job_id)
            except Exception as error:
                logger.warning("Report job %s not queued yet: %s", job_id, error)

        transaction.on_commit(send)
    return job


def report_generate(*, job_id: int) -> bool:
    """Build DOCX, XLSX and PDF for a queued job. A job already taken is left alone,
    so a redelivered message never builds a report twice."""
    taken = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=5
    )
    if taken != 1:
        return False
    job = ReportJob.objects.select_related("cluster", "period").get(pk=job_id)
    try:
        snapshot = snapshot_read(cluster=job.cluster, period=job.period, basis=job.basis)
        if snapshot is None:
            raise DomainError(_("Chưa có số liệu tổng hợp cho cụm trong kỳ này."))
        context = report_context(
            cluster=job.cluster,
            period=job.period,
            snapshot=snapshot,
            language=job.language,
            number=job.number,
            issue_date=timezone.localdate(),
        )
        stem = f"{job.cluster.slug}-{job.period.code}-{job.number:02d}-{job.language}"
        for field, builder, progress in (
            ("docx", build_docx, 40),
            ("xlsx", build_xlsx, 60),
            ("pdf", build_pdf, 95),
        ):
            getattr(job, field).save(f"{stem}.{field}", ContentFile(builder(context)), save=False)
            ReportJob.objects.filter(pk=job.pk).update(progress=progress)
        job.fingerprint = snapshot["fingerprint"]
        job.status = JobStatus.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.save()
    except DatabaseError:
        # Transient: release the claim so that the task's retry can take the job again.
        logger.warning("Report job %s released for a retry", job_id, exc_info=True)
        ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, progress=0
        )
        raise
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        report_fail(job_id=job_id, message=str(error))
        raise
    return True


def report_fail(*, job_id: int, message: str) -> None:
    ReportJob.objects.filter(pk=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now()
    )
