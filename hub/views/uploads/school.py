"""A school's upload page (school host): templates to download, the upload form, the
dry run's result, confirming it, the history of uploads, the kept originals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year, period_get
from core.errors import ConflictError
from core.language import current_language
from hub.http import HubRequest, page_access, page_user
from hub.views.errors import page
from hub.views.uploads.common import (
    change_rows,
    megabytes,
    posted_int,
    problem_rows,
    read_posted,
)
from submissions import selectors
from submissions.models import Channel, Status, Submission, Upload
from submissions.services import Actor, submission_lock_reason
from submissions.spreadsheets import MAX_BYTES
from submissions.uploads import UploadResult, kept_bytes, upload_process

HISTORY_LIMIT = 50


def _outcome(dry_run: bool, applied: bool, summary: Mapping[str, Any]) -> tuple[str, str]:
    """(css class, label) of what an upload did, for the history list."""
    if applied:
        return "applied", _("Đã cập nhật")
    if summary.get("errors"):
        return "refused", _("Có lỗi")
    if summary.get("unchanged"):
        return "unchanged", _("Không thay đổi")
    if dry_run:
        return "dry-run", _("Chạy thử")
    # Sent to be applied, but refused: someone changed the report in between.
    return "refused", _("Chưa cập nhật (xung đột)")


def _school_access(request: HubRequest, period: Period) -> None:
    access = page_access(request)
    # Only the school's own editors and approvers: the department and the cluster's
    # reviewers read the report but never change its figures.
    if not (access.can_read_review(period.year) and access.can_edit):
        raise PermissionDenied


def _lock(period: Period) -> str | None:
    submission = selectors.submission_of(period=period)
    return submission_lock_reason(
        submission or Submission(period=period, status=Status.DRAFT), period
    )


def _actor(request: HubRequest) -> Actor:
    user = page_user(request)
    return Actor(user_id=user.pk, username=user.get_username(), channel=Channel.UPLOAD)


def _history(period: Period) -> list[dict[str, Any]]:
    rows = []
    for upload in selectors.uploads_of(period=period, limit=HISTORY_LIMIT):
        summary = upload.summary or {}
        outcome, outcome_label = _outcome(upload.dry_run, upload.applied, summary)
        rows.append(
            {
                "id": upload.pk,
                "at": upload.uploaded_at,
                "by": upload.uploaded_by,
                "name": upload.original_name,
                "size": upload.size,
                "mode": _("Chạy thử") if upload.dry_run else _("Cập nhật"),
                "outcome": outcome,
                "outcome_label": outcome_label,
                "changes": len(summary.get("changes") or []),
                "errors": len(summary.get("errors") or []),
                "warnings": len(summary.get("warnings") or []),
            }
        )
    return rows


def _render(
    request: HubRequest,
    period: Period,
    *,
    result: UploadResult | None = None,
    file_name: str = "",
    problem: str = "",
    conflict_upload: int | None = None,
    status: int = 200,
) -> HttpResponse:
    catalogue = catalogue_for_year(period.year)
    confirmable = bool(
        result is not None
        and result.changes
        and not result.errors
        and not result.applied
        and result.upload_id is not None
    )
    context = {
        "period": period,
        "period_label": period.label,
        "lock": _lock(period),
        "max_mb": megabytes(MAX_BYTES),
        "result": result,
        "file_name": file_name,
        "changes": change_rows(catalogue, result.changes) if result else [],
        "errors": problem_rows(result.errors, catalogue) if result else [],
        "warnings": problem_rows(result.warnings, catalogue) if result else [],
        "confirmable": confirmable,
        "problem": problem,
        "conflict_upload": conflict_upload,
        "history": _history(period),
    }
    return render(request, "uploads/school.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def upload_page(request: HubRequest, period_code: str) -> HttpResponse:
    """Templates to download, the upload form, the dry run's result, the history.

    POST without `action` (or "dry_run") reads a new file; "confirm" applies a dry run
    the user saw; "recheck" runs the dry run again on a kept file (after a conflict).
    """
    period = period_get(period_code)
    _school_access(request, period)
    if request.method != "POST":
        return _render(request, period)
    lock = _lock(period)
    if lock is not None:
        return _render(request, period, problem=lock, status=409)
    action = request.POST.get("action", "dry_run")
    if action in ("confirm", "recheck"):
        return _from_kept_file(request, period, confirm=action == "confirm")
    if action != "dry_run":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))

    posted = request.FILES.get("file")
    if posted is None:
        return _render(
            request, period, problem=_("Hãy chọn một tệp .xlsx hoặc .csv để tải lên."), status=400
        )
    data, refusal = read_posted(posted, "school")
    if data is None:
        return _render(request, period, problem=refusal, status=400)
    name = posted.name or "upload"
    result = upload_process(
        school=request.tenant,
        period=period,
        data=data,
        filename=name,
        actor=_actor(request),
        dry_run=True,
        language=current_language(),
    )
    return _render(
        request, period, result=result, file_name=name, status=400 if result.errors else 200
    )


def _from_kept_file(request: HubRequest, period: Period, *, confirm: bool) -> HttpResponse:
    upload_id = posted_int(request, "upload")
    version = posted_int(request, "version")
    if upload_id is None or (confirm and version is None):
        return HttpResponseBadRequest(_("Thiếu tệp hoặc phiên bản của lần chạy thử."))
    # A dry run is confirmed by the person who saw it; the schema keeps it in this school.
    kept = selectors.dry_run_of(
        period=period, upload_id=upload_id, username=page_user(request).get_username()
    )
    if kept is None:
        raise Http404(_("Không có lần tải tệp này."))
    if confirm and version != (kept.summary or {}).get("version"):
        # The version goes with the form, but it must be the one this dry run saw.
        return HttpResponseBadRequest(_("Phiên bản không khớp với lần chạy thử."))
    data = kept_bytes(kept.file, kept.sha256)
    if data is None:
        return _render(
            request,
            period,
            problem=_("Không đọc lại được tệp đã lưu; hãy tải tệp lên lại."),
            status=409,
        )
    try:
        result = upload_process(
            school=request.tenant,
            period=period,
            data=data,
            filename=kept.original_name,
            actor=_actor(request),
            dry_run=not confirm,
            expected_version=version if confirm else None,
            language=current_language(),
        )
    except ConflictError as error:
        return _render(
            request,
            period,
            problem=_already_applied(kept) or error.message,
            conflict_upload=kept.pk,
            status=409,
        )
    if result.applied:
        messages.success(request, result.message)
        return redirect("submission", period_code=period.code)
    already = _already_applied(kept) if confirm and result.unchanged else ""
    if already:
        return _render(request, period, problem=already, conflict_upload=kept.pk, status=409)
    return _render(
        request,
        period,
        result=result,
        file_name=kept.original_name,
        status=400 if result.errors else 200,
    )


def _already_applied(kept: Upload) -> str:
    """Was this very file confirmed already (back button, a second tab)? Then say so
    rather than report a conflict or an empty change."""
    applied = selectors.applied_copy_of(upload=kept)
    if applied is None:
        return ""
    return _(
        "Tệp này đã được cập nhật (bởi %(user)s); không có gì được ghi thêm. "
        "Nếu muốn, hãy chạy thử lại để so với số liệu hiện tại."
    ) % {"user": applied.uploaded_by}


@require_GET
@page
def upload_file(request: HubRequest, period_code: str, upload_id: int) -> FileResponse:
    """The original file as received: for the school's own users only."""
    period = period_get(period_code)
    access = page_access(request)
    if access.school_role is None:
        raise PermissionDenied
    kept = selectors.upload_of(period=period, upload_id=upload_id)
    if kept is None:
        raise Http404(_("Không có lần tải tệp này."))
    try:
        handle = kept.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404(_("Không có lần tải tệp này.")) from missing
    return FileResponse(handle, as_attachment=True, filename=kept.original_name)
