"""Cluster against cluster: scores, totals and per-school averages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from catalogue.selectors import catalogue_for_year
from hub.charts import simple_bars
from hub.views.rankings.common import (
    export_url,
    no_ranking_page,
    open_ranking,
    page,
    wants_xlsx,
    xlsx,
)
from rankings.exports import comparison_table
from rankings.selectors import comparison_view, names, scheme_label


@page
def comparison_page(request: HttpRequest, period_code: str) -> HttpResponse:
    period, access, read, context = open_ranking(request, period_code)
    if read.ranking is None:
        return no_ranking_page(request, context, read, period)
    who = names()
    comparison = comparison_view(read=read, period=period, access=access, names=who)
    if wants_xlsx(request):
        table = comparison_table(
            data=comparison.data,
            title=_("So sánh các cụm %(period)s") % {"period": period.code},
            names=who,
            catalogue=catalogue_for_year(period.year),
        )
        return xlsx([table], f"so-sanh-cum-{period.code}")
    codes = [code for code, _label in comparison.indicators]
    return render(
        request,
        "department/comparison.html",
        {
            **context,
            "stale": comparison.stale,
            "ranking": comparison.ranking,
            "scheme": comparison.data["scheme"],
            "scheme_label": scheme_label(comparison.data["scheme"]),
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
