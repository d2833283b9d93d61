"""What the department's pages share: the XLSX answer, the navigation context and
the opening of a ranking page (refusals: hub.views.errors.page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from catalogue.models import Period
from catalogue.selectors import period_get
from core.filetypes import XLSX
from hub.http import HubRequest
from rankings.access import RankingAccess, ranking_access, require_view
from rankings.exports import Export
from rankings.selectors import (
    RankingRead,
    clusters_visible,
    names,
    periods_all,
    scheme_label,
)
from rankings.services import ranking_obtain


def xlsx(export: Export) -> HttpResponse:
    response = HttpResponse(export.content(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slugify(export.filename)}.xlsx"'
    return response


def wants_xlsx(request: HubRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def export_url(request: HubRequest) -> str:
    """The page's own address (query kept) asking for its XLSX."""
    full = request.get_full_path()
    return full + ("&" if "?" in full else "?") + "export=xlsx"


def common(request: HubRequest, period: Period | None, access: RankingAccess) -> dict[str, Any]:
    """Navigation shared by the pages: periods, clusters of the year, own schools."""
    return {
        "access": request.access,
        "ranking_access": access,
        "period": period,
        "period_label": period.label if period else "",
        "periods": periods_all(),
        "nav_clusters": clusters_visible(year=period.year, access=access, names=names())
        if period is not None
        else [],
        "own_schools": sorted(access.own_schools),
    }


def open_period(
    request: HubRequest, period_code: str
) -> tuple[Period, RankingAccess, dict[str, Any]]:
    """The period named in the URL, the user's access to it (refused when they may see
    nothing) and the shared page context."""
    period = period_get(period_code)
    access = ranking_access(user=request.user, period=period)
    require_view(access)
    return period, access, common(request, period, access)


def open_ranking(
    request: HubRequest, period_code: str
) -> tuple[Period, RankingAccess, RankingRead, dict[str, Any]]:
    """`open_period` and the period's current ranking."""
    period, access, context = open_period(request, period_code)
    return period, access, ranking_obtain(period=period), context


def scheme_line(read: RankingRead) -> dict[str, Any]:
    """What `department/_scheme_line.html` shows: the ranking's scheme, version, time."""
    assert read.ranking is not None
    scheme = read.ranking.data["scheme"]
    return {
        "stale": read.stale,
        "ranking": read.ranking,
        "scheme": scheme,
        "scheme_label": scheme_label(scheme),
    }


def no_ranking_page(
    request: HubRequest, context: dict[str, Any], read: RankingRead, period: Period
) -> HttpResponse:
    return render(
        request,
        "department/no_ranking.html",
        {**context, "scheme": read.scheme, "year": period.year},
    )
