"""The rankings' front page: every period, and what the user may open in each."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from catalogue.selectors import period_by_code
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import common
from rankings.access import department_access, require_view
from rankings.selectors import names, own_clusters_by_year, periods_all, scheme_for_year


@page
def rankings_index(request: HubRequest) -> HttpResponse:
    access = department_access(request.user)
    require_view(access)
    chosen = request.GET.get("period")
    if chosen and period_by_code(chosen) is not None:
        return redirect("rankings_period", period_code=chosen)
    periods = periods_all()
    own_clusters = own_clusters_by_year(access=access)
    years = sorted({period.year for period in periods}, reverse=True)
    schemes = {year: scheme_for_year(year=year) for year in years} if access.is_department else {}
    who = names()
    return render(
        request,
        "department/index.html",
        {
            **common(request, None, access),
            "rows": [
                {
                    "period": period,
                    "label": period.label,
                    "clusters": own_clusters.get(period.year, []),
                    "has_scheme": bool(schemes.get(period.year)),
                }
                for period in periods
            ],
            "schemes": [(year, schemes.get(year)) for year in years],
            "own_school_links": [(slug, who.school(slug)) for slug in sorted(access.own_schools)],
        },
    )
