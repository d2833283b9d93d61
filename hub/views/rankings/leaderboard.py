"""One indicator's leaderboard, national or within a cluster."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from catalogue.selectors import catalogue_for_year
from hub.charts import simple_bars
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import export_url, open_period, wants_xlsx, xlsx
from rankings.exports import leaderboard_export
from rankings.selectors import (
    DEFAULT_LEADERBOARD_CODE,
    leaderboard_codes,
    leaderboard_view,
    names,
)


@page
def leaderboard_page(request: HubRequest, period_code: str) -> HttpResponse:
    period, access, context = open_period(request, period_code)
    code = request.GET.get("code") or DEFAULT_LEADERBOARD_CODE
    who = names()
    board = leaderboard_view(
        period=period,
        code=code,
        cluster=request.GET.get("cluster") or None,
        access=access,
        names=who,
    )
    if wants_xlsx(request):
        return xlsx(leaderboard_export(board=board, names=who))
    return render(
        request,
        "department/leaderboard.html",
        {
            **context,
            "code": board.code,
            "label": board.label,
            "codes": leaderboard_codes(catalogue_for_year(period.year)),
            "cluster": board.cluster,
            "restricted": board.restricted,
            "basis": board.basis,
            "rows": board.rows,
            "chart": simple_bars(
                [(who.school_short(row["school"]), row["value"]) for row in board.rows],
                label_width=300,
            ),
            "export_url": export_url(request),
        },
    )
