"""One school's scorecard: each criterion's value, points, weight and light."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from core.language import current_language
from hub.charts import scorecard_bars
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import (
    export_url,
    no_ranking_page,
    open_ranking,
    scheme_line,
    wants_xlsx,
    xlsx,
)
from rankings.build import LIGHT_THRESHOLDS, explain_row
from rankings.exports import scorecard_export
from rankings.selectors import (
    names,
    note_text,
    scorecard_view,
    state_label,
    stored_scheme,
)


@page
def scorecard_page(request: HubRequest, period_code: str, school: str) -> HttpResponse:
    period, access, read, context = open_ranking(request, period_code)
    if read.ranking is None:
        return no_ranking_page(request, context, read, period)
    card = scorecard_view(read=read, period=period, school=school, access=access)
    who = names()
    row = card.row
    if wants_xlsx(request):
        return xlsx(scorecard_export(card=card, period=period, school=school, names=who))
    return render(
        request,
        "department/scorecard.html",
        {
            **context,
            **scheme_line(read),
            "school": school,
            "school_name": who.school(school),
            "cluster_name": who.cluster(row.get("cluster")),
            "row": row,
            "state_label": state_label(row["data_state"]),
            "explanation": explain_row(row, stored_scheme(card.data), current_language()),
            "general_notes": [
                note_text(note) for note in row.get("notes", []) if not note.get("criterion")
            ],
            "items": [
                {**item, "share": round(item["weight_share"] * 100, 1)} for item in card.items
            ],
            "chart": scorecard_bars(card.items),
            "green": int(LIGHT_THRESHOLDS[0]),
            "amber": int(LIGHT_THRESHOLDS[1]),
            "export_url": export_url(request),
        },
    )
