"""The cluster page itself (board, figures, text, report) and the saves of the
report's text, which answer with the page when refused."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aggregation.models import Basis
from aggregation.selectors import (
    aggregation_state_of,
    cluster_basis,
    snapshot_for_viewer,
    snapshot_read,
)
from catalogue.selectors import catalogue_for_year
from core.errors import ConflictError, DomainError
from core.language import current_language
from hub.http import HubRequest
from hub.views.cluster.board import board_counts, board_rows
from hub.views.cluster.common import (
    BASIS_LABELS,
    JOB_LABELS,
    ROLE_LABELS,
    SECTION_LABELS,
    Viewer,
    cluster_name,
    lead_only,
    open_viewer,
    page_url,
)
from hub.views.cluster.figures import (
    charts,
    declared_rows,
    findings_view,
    full_table,
    school_figures,
    school_names,
    summary_columns,
    summary_totals,
    total_tiles,
)
from hub.views.cluster.reports import jobs_view, report_preview
from hub.views.cluster.sections import SectionState, items_from_post, narrative_sections
from reviews.models import JobStatus, Section
from reviews.selectors import report_next_number
from reviews.services import cluster_narrative_save, cluster_narratives_prefill
from tenants.selectors import cluster_members


def render_page(
    request: HubRequest,
    viewer: Viewer,
    *,
    section_state: SectionState | None = None,
    status: int = 200,
) -> HttpResponse:
    cluster, period = viewer.cluster, viewer.period
    basis = cluster_basis(cluster=cluster, period=period)
    data = snapshot_read(cluster=cluster, period=period, basis=basis)
    snapshot = (
        snapshot_for_viewer(data, viewer_role=viewer.role, own_schools=set())
        if data is not None
        else None
    )
    catalogue = catalogue_for_year(period.year)
    rows = board_rows(request, viewer, snapshot)
    schools = {row.slug: row.school for row in rows}
    names = {row.slug: row.school.short_name or row.school.name_vi for row in rows}
    figures = school_figures(snapshot, schools, catalogue) if snapshot else []
    shown_names = school_names(snapshot, schools)
    findings = findings_view(snapshot, rows)
    state = aggregation_state_of(cluster=cluster, period=period)
    jobs = jobs_view(viewer)
    latest_done = next((j for j in jobs if j["job"].status == JobStatus.DONE), None)
    preview_language = request.GET.get("preview") or current_language()
    if preview_language not in ("vi", "en"):
        preview_language = "vi"
    number = report_next_number(cluster=cluster, period=period)
    context = {
        "viewer": viewer,
        "cluster": cluster,
        "cluster_name": cluster_name(cluster),
        "period": period,
        "period_label": period.label,
        "role_label": ROLE_LABELS.get(viewer.role, viewer.role),
        "basis": basis,
        "basis_label": BASIS_LABELS.get(basis, basis),
        "basis_choices": [(value, BASIS_LABELS[value]) for value in Basis.values],
        "rows": rows,
        "counts": board_counts(rows),
        "deadline": period.deadline,
        "snapshot": snapshot,
        "computed_at": (state.computed_at if state else None),
        "updating": bool(state and state.computed < state.requested),
        "tiles": total_tiles(snapshot, catalogue, shown_names, period.year) if snapshot else [],
        "summary_columns": summary_columns(catalogue),
        "figures": figures,
        "summary_totals": summary_totals(snapshot, catalogue, shown_names) if snapshot else [],
        "full_table": full_table(snapshot, figures, catalogue, shown_names) if snapshot else [],
        "declared": declared_rows(snapshot, catalogue, shown_names),
        **charts(snapshot, figures, catalogue),
        "findings": findings,
        "findings_count": sum(len(group["items"]) for group in findings),
        "members": [{"slug": row.slug, "name": names[row.slug]} for row in rows],
        "months": list(range(1, 13)),
        "sections": narrative_sections(viewer, names, section_state),
        "jobs": jobs,
        "latest_out_of_date": latest_done if latest_done and latest_done["out_of_date"] else None,
        "next_number": number,
        "preview_language": preview_language,
        "preview": report_preview(viewer, data, preview_language, number) if data else "",
        "language": current_language(),
        "job_labels": JOB_LABELS,
    }
    return render(request, "cluster/page.html", context, status=status)


@require_GET
def cluster_page(request: HubRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    return render_page(request, open_viewer(request, cluster_slug, period_code))


@require_POST
def cluster_prefill(request: HubRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    viewer = open_viewer(request, cluster_slug, period_code)
    lead_only(viewer)
    filled = cluster_narratives_prefill(
        cluster=viewer.cluster, period=viewer.period, username=request.user.get_username()
    )
    if filled:
        messages.success(
            request,
            _("Đã điền sẵn từ báo cáo của các trường: %(sections)s.")
            % {"sections": ", ".join(str(SECTION_LABELS[s]) for s in filled)},
        )
    else:
        messages.info(
            request,
            _(
                "Không có mục nào được điền thêm: các mục đã có nội dung, "
                "hoặc các trường chưa viết."
            ),
        )
    return redirect(page_url(viewer, "narratives"))


@require_POST
def cluster_narrative_page(
    request: HubRequest, cluster_slug: str, period_code: str, section: str
) -> HttpResponse:
    """Save one section of the report's text; a stale version is refused, not merged."""
    viewer = open_viewer(request, cluster_slug, period_code)
    lead_only(viewer)
    if section not in Section.values:
        raise Http404(_("Mục báo cáo không hợp lệ: %(section)s") % {"section": section})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Thiếu phiên bản của mục báo cáo."))
    members = {
        m.school.schema_name
        for m in cluster_members(cluster=viewer.cluster, year=viewer.period.year)
    }
    items = items_from_post(request, members)
    try:
        narrative = cluster_narrative_save(
            cluster=viewer.cluster,
            period=viewer.period,
            section=section,
            items=items,
            expected_version=version,
            username=request.user.get_username(),
        )
    except ConflictError as error:
        state = SectionState(section, [i for i in items if i["text"]], error.message, True)
        return render_page(request, viewer, section_state=state, status=409)
    except DomainError as error:
        state = SectionState(section, items, error.message, False)
        return render_page(request, viewer, section_state=state, status=400)
    if narrative.version == version:
        messages.info(request, _("Không có thay đổi nào để lưu."))
    else:
        messages.success(
            request,
            _("Đã lưu mục “%(section)s” (phiên bản %(version)s).")
            % {"section": SECTION_LABELS[section], "version": narrative.version},
        )
    return redirect(page_url(viewer, f"narrative-{section}"))
