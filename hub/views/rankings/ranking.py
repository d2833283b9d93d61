"""A period's ranking, national or within one cluster (with the reasons of each row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from hub.charts import PALETTE, stacked_bars
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import (
    export_url,
    no_ranking_page,
    open_period,
    wants_xlsx,
    xlsx,
)
from rankings.build import LIGHT_THRESHOLDS
from rankings.exports import ranking_export
from rankings.selectors import names, ranking_payload, require_scope, visibility_of
from rankings.services import ranking_obtain


@page
def ranking_page(request: HubRequest, period_code: str) -> HttpResponse:
    return _ranking(request, period_code, scope="national", cluster=None)


@page
def cluster_ranking_page(request: HubRequest, period_code: str, cluster: str) -> HttpResponse:
    return _ranking(request, period_code, scope="cluster", cluster=cluster)


def _ranking(
    request: HubRequest, period_code: str, *, scope: str, cluster: str | None
) -> HttpResponse:
    period, access, context = open_period(request, period_code)
    require_scope(scope=scope, cluster=cluster, access=access)
    read = ranking_obtain(period=period)
    if read.ranking is None:
        return no_ranking_page(request, context, read, period)
    who = names()
    payload = ranking_payload(
        read=read, period=period, scope=scope, cluster=cluster, access=access, names=who
    )
    if wants_xlsx(request):
        return xlsx(ranking_export(data=read.ranking.data, payload=payload, names=who))
    criteria = payload["criteria"]
    colours = {item["code"]: PALETTE[index % len(PALETTE)] for index, item in enumerate(criteria)}
    return render(
        request,
        "department/ranking.html",
        {
            **context,
            "payload": payload,
            "rows": [{**row, **_cells(row, criteria)} for row in payload["rows"]],
            "criteria": [
                {
                    **item,
                    "colour": colours[item["code"]],
                    "share": round(item["weight_share"] * 100, 1),
                }
                for item in criteria
            ],
            "chart": stacked_bars(payload["rows"], criteria, colours, who, scope=scope),
            "scope": scope,
            "cluster": cluster,
            "export_url": export_url(request),
            "can_grant": access.can_manage,
            "open_to_schools": visibility_of(period=period) if access.is_department else None,
            "light_thresholds": LIGHT_THRESHOLDS,
        },
    )


def _cells(row: Mapping[str, Any], criteria: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The table's cells of a row: each criterion's contribution, flagged when a note
    (other than "summed from parts") concerns it; and the row's general notes."""
    return {
        "cells": [
            {
                "code": item["code"],
                "value": row["contributions"].get(item["code"]),
                "flagged": any(
                    note["criterion"] == item["code"] and note["reason"] != "rolled_up"
                    for note in row["notes"]
                ),
            }
            for item in criteria
        ],
        "general_notes": [note for note in row["notes"] if not note["criterion"]],
    }
