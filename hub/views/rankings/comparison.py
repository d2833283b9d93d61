"""Cluster against cluster: scores, totals and per-school averages."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from hub.charts import simple_bars
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
from rankings.exports import comparison_export
from rankings.selectors import comparison_view, names


@page
def comparison_page(request: HubRequest, period_code: str) -> HttpResponse:
    period, access, read, context = open_ranking(request, period_code)
    if read.ranking is None:
        return no_ranking_page(request, context, read, period)
    who = names()
    comparison = comparison_view(read=read, period=period, access=access, names=who)
    if wants_xlsx(request):
        return xlsx(comparison_export(comparison=comparison, period=period, names=who))
    codes = [code for code, _label in comparison.indicators]
    return render(
        request,
        "department/comparison.html",
        {
            **context,
            **scheme_line(read),
            "clusters": [
                {
                    **item,
                    "cells": [
                        (
                            item["totals"].get(code),
                            item["averages"].get(code),
                            item["reporting"].get(code),
                        )
                        for code in codes
                    ],
                }
                for item in comparison.clusters
            ],
            "indicators": comparison.indicators,
            "chart": simple_bars(
                [(item["cluster_short"], item["score_mean"]) for item in comparison.clusters],
                label_width=300,
            ),
            "restricted": comparison.restricted,
            "export_url": export_url(request),
        },
    )
