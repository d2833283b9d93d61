"""The bulk backfill page (hub host): many schools and periods from one long file, by
the department or a lead school's users; dry run, then confirm."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalogue.selectors import catalogue_for_year
from core.language import current_language, pick
from hub.http import HubRequest, page_user
from hub.views.errors import page
from hub.views.uploads.common import (
    change_rows,
    megabytes,
    posted_int,
    problem_rows,
    read_posted,
)
from imports import selectors
from imports.services import BulkResult, bulk_process
from submissions.spreadsheets import MAX_BULK_BYTES
from submissions.uploads import kept_bytes
from tenants.selectors import department_membership


def _scope(user: User) -> list[dict[str, Any]]:
    """For a lead school's user: the clusters it leads, by year, with their schools."""
    return [
        {
            "year": led.year,
            "cluster": pick(led.cluster.name_vi, led.cluster.name_en),
            "lead": led.lead_name,
            "schools": led.schools,
        }
        for led in selectors.led_clusters(user)
    ]


def _groups(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Changes grouped by school, then period, each indicator labelled."""
    by_group: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        by_group[(change["school"], change["period"])].append(change)
    schools = selectors.schools_by_slug(key[0] for key in by_group)
    periods = selectors.periods_by_code(key[1] for key in by_group)
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
                "period_label": period.label if period else code,
                "rows": change_rows(catalogue, by_group[(slug, code)]),
            }
        )
    return groups


def _render(
    request: HubRequest,
    *,
    result: BulkResult | None = None,
    file_name: str = "",
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = page_user(request)
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
        "scope": [] if is_department else _scope(user),
        "max_mb": megabytes(MAX_BULK_BYTES),
        "result": result,
        "file_name": file_name,
        "groups": _groups(result.changes) if result is not None else [],
        "errors": problem_rows(result.errors, None) if result is not None else [],
        "warnings": problem_rows(result.warnings, None) if result is not None else [],
        "forbidden": sorted(set(result.forbidden)) if result is not None else [],
        "confirmable": confirmable,
        "problem": problem,
    }
    return render(request, "uploads/bulk.html", context, status=status)


def _status(result: BulkResult) -> int:
    if result.forbidden:
        return 403
    return 400 if result.errors else 200


@require_http_methods(["GET", "POST"])
@page
def bulk_upload_page(request: HubRequest) -> HttpResponse:
    """Many schools and periods from one long file: dry run, then confirm."""
    if not selectors.bulk_may_use(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request)
    user = page_user(request)
    action = request.POST.get("action", "dry_run")
    if action == "confirm":
        return _confirm(request, user)
    if action != "dry_run":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    posted = request.FILES.get("file")
    if posted is None:
        return _render(
            request, problem=_("Hãy chọn một tệp .xlsx hoặc .csv để tải lên."), status=400
        )
    data, refusal = read_posted(posted, "bulk")
    if data is None:
        return _render(request, problem=refusal, status=400)
    name = posted.name or "upload"
    result = bulk_process(
        user=user, data=data, filename=name, dry_run=True, language=current_language()
    )
    return _render(request, result=result, file_name=name, status=_status(result))


def _confirm(request: HubRequest, user: User) -> HttpResponse:
    upload_id = posted_int(request, "upload")
    if upload_id is None:
        return HttpResponseBadRequest(_("Thiếu tệp hoặc phiên bản của lần chạy thử."))
    kept = selectors.bulk_dry_run_of(upload_id=upload_id, username=user.get_username())
    if kept is None:
        raise Http404(_("Không có lần tải tệp này."))
    data = kept_bytes(kept.file, kept.sha256)
    if data is None:
        return _render(
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
        language=current_language(),
        expected_changes=shown,
    )
    if result.unchanged and selectors.bulk_applied_copy_exists(upload=kept):
        return _render(
            request,
            problem=_("Tệp này đã được cập nhật; không có gì được ghi thêm."),
            status=409,
        )
    if result.stale:
        # Show (and keep, so it can be confirmed) what the file would change now.
        again = bulk_process(
            user=user,
            data=data,
            filename=kept.original_name,
            dry_run=True,
            language=current_language(),
        )
        return _render(
            request, result=again, file_name=kept.original_name, problem=result.message, status=409
        )
    if result.applied:
        messages.success(request, result.message)
        return redirect("bulk_upload")
    return _render(request, result=result, file_name=kept.original_name, status=_status(result))
