"""A school's rank and score across every period with a ranking; a successor school's
trend includes its predecessors' history, labelled as theirs."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from hub.charts import line_chart
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import common, export_url, wants_xlsx, xlsx
from rankings.access import department_access
from rankings.exports import trend_export
from rankings.selectors import names, trend_view


def series(
    points: list[dict[str, Any]], periods: list[str], field: str, *, kind: str
) -> list[tuple[str, float | None]]:
    """One value per period of the points of a kind (None where there is none, or where
    several predecessors share the period: their scores do not add up)."""
    out: list[tuple[str, float | None]] = []
    for period in periods:
        found = [p[field] for p in points if p["period"] == period and p["kind"] == kind]
        out.append((period, found[0] if len(found) == 1 else None))
    return out


@page
def trend_page(request: HubRequest, school: str) -> HttpResponse:
    points = trend_view(user=request.user, school=school)
    who = names()
    if wants_xlsx(request):
        return xlsx(trend_export(points=points, school=school, names=who))
    periods = list(dict.fromkeys(point["period"] for point in points))
    predecessors = [point for point in points if point["kind"] == "predecessor"]
    mergers = list(
        {
            point["school"]: {
                "name": point["school_name"],
                "effective": point["effective"],
                "note": point["lineage_note"],
                "illustrative": point["illustrative"],
            }
            for point in predecessors
        }.values()
    )
    return render(
        request,
        "department/trend.html",
        {
            **common(request, None, department_access(request.user)),
            "school": school,
            "school_name": who.school(school),
            "points": points,
            "mergers": mergers,
            "score_chart": line_chart(
                series(points, periods, "score", kind="school"),
                top=None,
                second=series(points, periods, "score", kind="predecessor")
                if predecessors
                else None,
            ),
            "rank_chart": line_chart(
                series(points, periods, "rank_national", kind="school"),
                top=1,
                second=series(points, periods, "rank_cluster", kind="school"),
            ),
            "export_url": export_url(request),
        },
    )
