"""Upload pages: a school's spreadsheet (school host) and the bulk backfill (hub host).

Most schools keep their figures in Excel, so the template is filled in a spreadsheet
program and sent back here. Both pages work in two steps:

1. The file is read in a dry run (`upload_process` / `bulk_process` with
   ``dry_run=True``): no figure is saved, the original file is kept (`Upload` in the
   school's media folder, `BulkUpload` on the hub) and the page shows what would change
   and every problem, located by sheet, row and column.
2. Confirming names the kept file, not a new one: the stored original is read again
   and applied. For a school the version seen at the dry run goes with it
   (``expected_version``), so a change made by someone else in between is refused with
   nothing applied. The bulk page passes the changes the dry run showed
   (``expected_changes``): the file is applied only if it still makes exactly those.

Who may do it is the API's rule (`api.views_uploads`): on a school host its editors
and approvers (`can_edit`); on the hub host the department and the users of a school
that leads a cluster (`imports.services.bulk_allowed_schools` then limits the schools).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year, period_by_code
from catalogue.spec import UNITS, Catalogue
from core.errors import ConflictError
from core.language import current_language
from imports.models import BulkUpload
from imports.services import BulkResult, bulk_process
from submissions import selectors
from submissions.models import Channel, Status, Submission, Upload
from submissions.numbers import is_english
from submissions.services import Actor, submission_lock_reason
from submissions.spreadsheets import (
    MAX_BULK_BYTES,
    MAX_BYTES,
    UploadKind,
    UploadRefused,
    check_upload_size,
)
from submissions.uploads import ImportResult, upload_process
from tenants.models import Cluster, ClusterMembership, ClusterRole, School
from tenants.selectors import department_membership

HISTORY_LIMIT = 50


# --- helpers --------------------------------------------------------------------------


def _language() -> str:
    return get_language() or "vi"


def _english() -> bool:
    return is_english(_language())


def _megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


def _period_or_404(code: str) -> Period:
    period = period_by_code(code)
    if period is None:
        raise Http404(_("Không có kỳ báo cáo %(code)s.") % {"code": code})
    return period


def _period_label(period: Period) -> str:
    return period.label_en if _english() else period.label_vi


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the access middleware already sent them to login
        raise PermissionDenied
    return user


def _read_posted(file: UploadedFile, kind: UploadKind) -> tuple[bytes | None, str]:
    """The posted file's bytes, or None with the reason it is refused before reading."""
    try:
        check_upload_size(file.size, kind=kind, filename=file.name or "")
    except UploadRefused as refusal:
        return None, refusal.message(current_language())
    return file.read(), ""


def _read_stored(file: FieldFile, sha256: str) -> bytes | None:
    """The kept original, as received; None if it is gone or no longer the same bytes."""
    try:
        with file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _posted_int(request: HttpRequest, name: str) -> int | None:
    try:
        number = int(request.POST.get(name, ""))
    except ValueError:
        return None
    return number if number >= 0 else None


def _indicator_view(catalogue: Catalogue, code: str) -> dict[str, str]:
    indicator = catalogue.by_code.get(code)
    if indicator is None:
        return {"code": code, "label": code, "unit": ""}
    vi, en = UNITS.get(indicator.unit, (indicator.unit, indicator.unit))
    return {
        "code": code,
        "label": indicator.label_en if _english() else indicator.label_vi,
        "unit": en if _english() else vi,
    }


def _change_rows(
    catalogue: Catalogue, changes: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Changes in catalogue order, each with the indicator's label in this language."""
    order = {indicator.code: index for index, indicator in enumerate(catalogue.indicators)}
    rows = [
        {**_indicator_view(catalogue, change["code"]), "old": change["old"], "new": change["new"]}
        for change in changes
    ]
    return sorted(rows, key=lambda row: order.get(row["code"], len(order)))


def _problem_rows(
    problems: Iterable[Mapping[str, Any]], catalogue: Catalogue | None
) -> list[dict[str, Any]]:
    rows = []
    for problem in problems:
        code = problem.get("code")
        label = ""
        if catalogue is not None and code and code in catalogue.by_code:
            label = _indicator_view(catalogue, code)["label"]
        rows.append({**problem, "label": label})
    return rows


def _same_changes(first: Iterable[Mapping[str, Any]], second: Iterable[Mapping[str, Any]]) -> bool:
    def key(change: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(str(change.get(name)) for name in ("school", "period", "code", "old", "new"))

    return sorted(map(key, first)) == sorted(map(key, second))


def _outcome(dry_run: bool, applied: bool, summary: Mapping[str, Any]) -> tuple[str, str]:
    """(css class, label) of what an upload did, for the history lists."""
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


# --- a school's upload (school host) --------------------------------------------------


def _school_access(request: HttpRequest, period: Period) -> None:
    access = request.access  # type: ignore[attr-defined]
    # Only the school's own editors and approvers: the department and the cluster's
    # reviewers read the report but never change its figures.
    if not (access.can_read_review(period.year) and access.can_edit):
        raise PermissionDenied


def _lock(period: Period) -> str | None:
    submission = selectors.submission_of(period=period)
    return submission_lock_reason(
        submission or Submission(period=period, status=Status.DRAFT), period
    )


def _actor(request: HttpRequest) -> Actor:
    user = _user(request)
    return Actor(user_id=user.pk, username=user.get_username(), channel=Channel.UPLOAD)


def _school_history(period: Period) -> list[dict[str, Any]]:
    rows = []
    for upload in Upload.objects.filter(period=period).order_by("-uploaded_at", "-id")[
        :HISTORY_LIMIT
    ]:
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


def _render_school(
    request: HttpRequest,
    period: Period,
    *,
    result: ImportResult | None = None,
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
        "period_label": _period_label(period),
        "lock": _lock(period),
        "max_mb": _megabytes(MAX_BYTES),
        "result": result,
        "file_name": file_name,
        "changes": _change_rows(catalogue, result.changes) if result else [],
        "errors": _problem_rows(result.errors, catalogue) if result else [],
        "warnings": _problem_rows(result.warnings, catalogue) if result else [],
        "confirmable": confirmable,
        "problem": problem,
        "conflict_upload": conflict_upload,
        "history": _school_history(period),
    }
    return render(request, "uploads/school.html", context, status=status)


@require_http_methods(["GET", "POST"])
def upload_page(request: HttpRequest, period_code: str) -> HttpResponse:
    """Templates to download, the upload form, the dry run's result, the history.

    POST without `action` (or "dry_run") reads a new file; "confirm" applies a dry run
    the user saw; "recheck" runs the dry run again on a kept file (after a conflict).
    """
    period = _period_or_404(period_code)
    _school_access(request, period)
    if request.method != "POST":
        return _render_school(request, period)
    lock = _lock(period)
    if lock is not None:
        return _render_school(request, period, problem=lock, status=409)
    action = request.POST.get("action", "dry_run")
    if action in ("confirm", "recheck"):
        return _from_kept_file(request, period, confirm=action == "confirm")
    if action != "dry_run":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))

    posted = request.FILES.get("file")
    if posted is None:
        return _render_school(
            request, period, problem=_("Hãy chọn một tệp .xlsx hoặc .csv để tải lên."), status=400
        )
    data, refusal = _read_posted(posted, "school")
    if data is None:
        return _render_school(request, period, problem=refusal, status=400)
    name = posted.name or "upload"
    result = upload_process(
        school=request.tenant,  # type: ignore[attr-defined]
        period=period,
        data=data,
        filename=name,
        actor=_actor(request),
        dry_run=True,
        language=_language(),
    )
    return _render_school(
        request, period, result=result, file_name=name, status=400 if result.errors else 200
    )


def _from_kept_file(request: HttpRequest, period: Period, *, confirm: bool) -> HttpResponse:
    upload_id = _posted_int(request, "upload")
    version = _posted_int(request, "version")
    if upload_id is None or (confirm and version is None):
        return HttpResponseBadRequest(_("Thiếu tệp hoặc phiên bản của lần chạy thử."))
    # A dry run is confirmed by the person who saw it; the schema keeps it in this school.
    kept = Upload.objects.filter(
        pk=upload_id, period=period, dry_run=True, uploaded_by=_user(request).get_username()
    ).first()
    if kept is None:
        raise Http404(_("Không có lần tải tệp này."))
    if confirm and version != (kept.summary or {}).get("version"):
        # The version goes with the form, but it must be the one this dry run saw.
        return HttpResponseBadRequest(_("Phiên bản không khớp với lần chạy thử."))
    data = _read_stored(kept.file, kept.sha256)
    if data is None:
        return _render_school(
            request,
            period,
            problem=_("Không đọc lại được tệp đã lưu; hãy tải tệp lên lại."),
            status=409,
        )
    try:
        result = upload_process(
            school=request.tenant,  # type: ignore[attr-defined]
            period=period,
            data=data,
            filename=kept.original_name,
            actor=_actor(request),
            dry_run=not confirm,
            expected_version=version if confirm else None,
            language=_language(),
        )
    except ConflictError as error:
        return _render_school(
            request,
            period,
            problem=_already_applied(kept, period) or error.message,
            conflict_upload=kept.pk,
            status=409,
        )
    if result.applied:
        messages.success(request, result.message)
        return redirect("submission", period_code=period.code)
    already = _already_applied(kept, period) if confirm and result.unchanged else ""
    if already:
        return _render_school(request, period, problem=already, conflict_upload=kept.pk, status=409)
    return _render_school(
        request,
        period,
        result=result,
        file_name=kept.original_name,
        status=400 if result.errors else 200,
    )


def _already_applied(kept: Upload, period: Period) -> str:
    """Was this very file confirmed already (back button, a second tab)? Then say so
    rather than report a conflict or an empty change."""
    applied = (
        Upload.objects.filter(
            period=period, sha256=kept.sha256, applied=True, uploaded_at__gte=kept.uploaded_at
        )
        .order_by("-uploaded_at")
        .first()
    )
    if applied is None:
        return ""
    return _(
        "Tệp này đã được cập nhật (bởi %(user)s); không có gì được ghi thêm. "
        "Nếu muốn, hãy chạy thử lại để so với số liệu hiện tại."
    ) % {"user": applied.uploaded_by}


@require_GET
def upload_file(request: HttpRequest, period_code: str, upload_id: int) -> FileResponse:
    """The original file as received: for the school's own users only."""
    period = _period_or_404(period_code)
    access = request.access  # type: ignore[attr-defined]
    if access.school_role is None:
        raise PermissionDenied
    kept = Upload.objects.filter(pk=upload_id, period=period).first()
    if kept is None:
        raise Http404(_("Không có lần tải tệp này."))
    try:
        handle = kept.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404(_("Không có lần tải tệp này.")) from missing
    return FileResponse(handle, as_attachment=True, filename=kept.original_name)


# --- bulk backfill (hub host) ---------------------------------------------------------


def bulk_may_use(user: User | AnonymousUser) -> bool:
    """The department, or a user of a school that leads a cluster (in some year).

    The same rule as `imports.services.bulk_allowed_schools`, which then decides, per
    period, which schools the file may touch.
    """
    if not user.is_authenticated:
        return False
    if department_membership(user) is not None:
        return True
    return ClusterMembership.objects.filter(
        school__staff__user=user, role=ClusterRole.LEAD
    ).exists()


def _bulk_scope(user: User) -> list[dict[str, Any]]:
    """For a lead school's user: the clusters it leads, by year, with their schools."""
    led = (
        ClusterMembership.objects.filter(school__staff__user=user, role=ClusterRole.LEAD)
        .select_related("cluster", "school")
        .order_by("-year", "cluster__slug")
    )
    scope = []
    for lead in led:
        members = ClusterMembership.objects.filter(
            cluster=lead.cluster, year=lead.year
        ).select_related("school")
        scope.append(
            {
                "year": lead.year,
                "cluster": _cluster_name(lead.cluster),
                "lead": lead.school.name_vi,
                "schools": sorted(member.school.schema_name for member in members),
            }
        )
    return scope


def _cluster_name(cluster: Cluster) -> str:
    return cluster.name_en if _english() and cluster.name_en else cluster.name_vi


def _bulk_groups(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Changes grouped by school, then period, each indicator labelled."""
    by_group: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        by_group[(change["school"], change["period"])].append(change)
    schools = {
        school.schema_name: school
        for school in School.objects.filter(schema_name__in={key[0] for key in by_group})
    }
    periods = {p.code: p for p in Period.objects.filter(code__in={key[1] for key in by_group})}
    groups = []
    for slug, code in sorted(by_group):
        period = periods.get(code)
        school = schools.get(slug)
        catalogue = catalogue_for_year(period.year if period else int(code[:4]))
        groups.append(
            {
                "school": slug,
                "school_name": school.name_vi if school else slug,
                "period": code,
                "period_label": _period_label(period) if period else code,
                "rows": _change_rows(catalogue, by_group[(slug, code)]),
            }
        )
    return groups


def _render_bulk(
    request: HttpRequest,
    *,
    result: BulkResult | None = None,
    file_name: str = "",
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    is_department = department_membership(user) is not None
    confirmable = bool(
        result is not None
        and result.changes
        and not result.errors
        and not result.forbidden
        and not result.applied
        and result.upload_id is not None
    )
    context = {
        "is_department": is_department,
        "scope": [] if is_department else _bulk_scope(user),
        "max_mb": _megabytes(MAX_BULK_BYTES),
        "result": result,
        "file_name": file_name,
        "groups": _bulk_groups(result.changes) if result is not None else [],
        "errors": _problem_rows(result.errors, None) if result is not None else [],
        "warnings": _problem_rows(result.warnings, None) if result is not None else [],
        "forbidden": sorted(set(result.forbidden)) if result is not None else [],
        "confirmable": confirmable,
        "problem": problem,
    }
    return render(request, "uploads/bulk.html", context, status=status)


def _bulk_status(result: BulkResult) -> int:
    if result.forbidden:
        return 403
    return 400 if result.errors else 200


@require_http_methods(["GET", "POST"])
def bulk_upload_page(request: HttpRequest) -> HttpResponse:
    """Many schools and periods from one long file: dry run, then confirm."""
    if not bulk_may_use(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render_bulk(request)
    user = _user(request)
    action = request.POST.get("action", "dry_run")
    if action == "confirm":
        return _bulk_confirm(request, user)
    if action != "dry_run":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    posted = request.FILES.get("file")
    if posted is None:
        return _render_bulk(
            request, problem=_("Hãy chọn một tệp .xlsx hoặc .csv để tải lên."), status=400
        )
    data, refusal = _read_posted(posted, "bulk")
    if data is None:
        return _render_bulk(request, problem=refusal, status=400)
    name = posted.name or "upload"
    result = bulk_process(user=user, data=data, filename=name, dry_run=True, language=_language())
    return _render_bulk(request, result=result, file_name=name, status=_bulk_status(result))


def _bulk_confirm(request: HttpRequest, user: User) -> HttpResponse:
    upload_id = _posted_int(request, "upload")
    if upload_id is None:
        return HttpResponseBadRequest(_("Thiếu tệp hoặc phiên bản của lần chạy thử."))
    kept = BulkUpload.objects.filter(
        pk=upload_id, uploaded_by=user.get_username(), dry_run=True
    ).first()
    if kept is None:
        raise Http404(_("Không có lần tải tệp này."))
    data = _read_stored(kept.file, kept.sha256)
    if data is None:
        return _render_bulk(
            request,
            problem=_("Không đọc lại được tệp đã lưu; hãy tải tệp lên lại."),
            status=409,
        )
    shown = (kept.summary or {}).get("changes") or []
    result = bulk_process(
        user=user,
        data=data,
        filename=kept.original_name,
        dry_run=False,
        language=_language(),
        expected_changes=shown,
    )
    if result.unchanged and _bulk_already_applied(kept):
        return _render_bulk(
            request,
            problem=_("Tệp này đã được cập nhật; không có gì được ghi thêm."),
            status=409,
        )
    if result.stale:
        # Show (and keep, so it can be confirmed) what the file would change now.
        again = bulk_process(
            user=user, data=data, filename=kept.original_name, dry_run=True, language=_language()
        )
        return _render_bulk(
            request, result=again, file_name=kept.original_name, problem=result.message, status=409
        )
    if result.applied:
        messages.success(request, result.message)
        return redirect("bulk_upload")
    return _render_bulk(
        request, result=result, file_name=kept.original_name, status=_bulk_status(result)
    )


def _bulk_already_applied(kept: BulkUpload) -> bool:
    """Was this very file confirmed already (back button, a second tab)?"""
    return BulkUpload.objects.filter(
        sha256=kept.sha256,
        uploaded_by=kept.uploaded_by,
        applied=True,
        uploaded_at__gte=kept.uploaded_at,
    ).exists()
