"""A school's rank and score across every period with a ranking."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from hub.charts import line_chart
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import common, export_url, wants_xlsx, xlsx
from rankings.access import department_access
from rankings.exports import trend_export
from rankings.selectors import names, trend_view


@page
def trend_page(request: HubRequest, school: str) -> HttpResponse:
    points = trend_view(user=request.user, school=school)
    who = names()
    if wants_xlsx(request):
        return xlsx(trend_export(points=points, school=school, names=who))
    return render(
        request,
        "department/trend.html",
        {
            **common(request, None, department_access(request.user)),
            "school": school,
            "school_name": who.school(school),
            "points": points,
            "score_chart": line_chart(
                [(point["period"], point["score"]) for point in points], top=None
            ),
            "rank_chart": line_chart(
                [(point["period"], point["rank_national"]) for point in points],
                top=1,
                second=[(point["period"], point["rank_cluster"]) for point in points],
            ),
            "export_url": export_url(request),
        },
    )
