"""The cluster's report on the board: its jobs, the preview as the job will build
it, and the request that queues one (the lead or the department)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone as django_timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.language import current_language
from hub.http import HubRequest
from hub.views.cluster.common import (
    BASIS_LABELS,
    JOB_LABELS,
    LANGUAGE_LABELS,
    Viewer,
    generators_only,
    open_viewer,
    page_url,
)
from reviews.context import report_context
from reviews.models import JobStatus
from reviews.reports import PREVIEW_CSS, ReportContextError, render_html
from reviews.selectors import report_is_out_of_date, report_jobs
from reviews.services import report_request

FILE_KINDS = (("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF"))


def _api_report_url(viewer: Viewer, job_id: int, kind: str = "") -> str:
    base = f"/api/v1/clusters/{viewer.cluster.slug}/periods/{viewer.period.code}/reports/{job_id}/"
    return f"{base}{kind}/" if kind else base


def jobs_view(viewer: Viewer) -> list[dict[str, Any]]:
    rows = []
    for job in report_jobs(cluster=viewer.cluster, period=viewer.period):
        done = job.status == JobStatus.DONE
        rows.append(
            {
                "job": job,
                "status_label": JOB_LABELS.get(job.status, job.status),
                "language_label": LANGUAGE_LABELS.get(job.language, job.language),
                "basis_label": BASIS_LABELS.get(job.basis, job.basis),
                "poll_url": _api_report_url(viewer, job.pk),
                "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
                "out_of_date": done and report_is_out_of_date(job),
                "files": [
                    {"kind": kind, "label": label, "url": _api_report_url(viewer, job.pk, kind)}
                    for kind, label in FILE_KINDS
                    if done and getattr(job, kind)
                ],
            }
        )
    return rows


def report_preview(
    viewer: Viewer, snapshot: dict[str, Any], language: str, number: int
) -> SafeString:
    """The report as the job will build it now: same context, same text."""
    try:
        context = report_context(
            cluster=viewer.cluster,
            period=viewer.period,
            snapshot=snapshot,
            language=language,
            number=number,
            issue_date=django_timezone.localdate(),
        )
    except ReportContextError as error:
        return format_html('<p class="notice">{}</p>', error)
    # render_html escapes every piece of text it writes.
    return mark_safe(render_html(context))


@require_POST
def cluster_report_request(
    request: HubRequest, cluster_slug: str, period_code: str
) -> HttpResponse:
    """Queue the report (the lead or the department); the page then follows the job."""
    viewer = open_viewer(request, cluster_slug, period_code)
    generators_only(viewer)
    language = request.POST.get("language", current_language())
    try:
        job = report_request(
            cluster=viewer.cluster,
            period=viewer.period,
            language=language,
            username=request.user.get_username(),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã yêu cầu tạo báo cáo số %(number)s (%(language)s).")
            % {"number": job.number, "language": LANGUAGE_LABELS.get(language, language)},
        )
    return redirect(page_url(viewer, "reports"))


@require_GET
def preview_css(request: HubRequest) -> HttpResponse:
    """The report preview's stylesheet, from the one the report builders keep."""
    response = HttpResponse(PREVIEW_CSS, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response
