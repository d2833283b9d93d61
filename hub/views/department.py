"""The department's pages (journey 3): rankings, leaderboards, scorecards, trends,
cluster against cluster, and the scoring scheme.

They live on the hub's own host. Who sees what is the one rule of
`rankings.selectors.RankingAccess` (the API applies the same): the
department everything; a school's user its own cluster's ranking and its own row
nationally (every cluster's when the department opens the period); others 403.

Charts are inline SVG drawn here from the same rows as the tables (no script, no
CDN). Every table can be downloaded with ``?export=xlsx``. A page showing a ranking
that is being recomputed (scheme edited, figures changed) says so and reloads itself
every few seconds until the new one is there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aggregation.models import Basis
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year, period_by_code
from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from hub.charts import (
    PALETTE,
    line_chart,
    scorecard_bars,
    simple_bars,
    stacked_bars,
)
from rankings.build import CRITERION_FIELDS, Table, explain_row, table_xlsx
from rankings.models import Direction, Normalisation
from rankings.selectors import (
    LIGHT_THRESHOLDS,
    RankingAccess,
    compared_indicators,
    comparison_table,
    department_access,
    indicator_label,
    leaderboard_codes,
    leaderboard_read,
    leaderboard_table,
    names,
    ranking_access,
    ranking_payload,
    ranking_table,
    scheme_for_year,
    scheme_table,
    school_trend,
    scorecard_rows,
    scorecard_table,
    state_label,
    stored_scheme,
    trend_table,
    visibility_of,
)
from rankings.services import (
    RankingRead,
    SchemeInvalid,
    ranking_obtain,
    ranking_visibility_set,
    scheme_copy,
    scheme_update,
)
from tenants.models import Cluster, ClusterMembership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Okabe–Ito and friends: distinguishable for colour-blind readers, one per criterion.


def language() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Domain refusals become the hub's 403/404 pages, never a 500."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ForbiddenError as error:
            raise PermissionDenied(error.message) from None
        except NotFoundError as error:
            raise Http404(error.message) from None

    return wrapped


def period_or_404(code: str) -> Period:
    period = period_by_code(code)
    if period is None:
        raise Http404(code)
    return period


def require_view(access: RankingAccess) -> None:
    if not access.can_view:
        raise PermissionDenied


def xlsx(tables: Sequence[Table], filename: str) -> HttpResponse:
    response = HttpResponse(table_xlsx(tables), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.xlsx"'
    return response


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def common(request: HttpRequest, period: Period | None, access: RankingAccess) -> dict[str, Any]:
    """Navigation shared by the pages: periods, clusters of the year, own schools."""
    periods = list(Period.objects.order_by("-year", "kind"))
    text = language()
    clusters: list[dict[str, str]] = []
    if period is not None:
        who = names()
        visible = Cluster.objects.filter(memberships__year=period.year).distinct().order_by("slug")
        for cluster in visible:
            if access.can_see_cluster(cluster.slug):
                clusters.append(
                    {
                        "slug": cluster.slug,
                        "name": who.cluster_short(cluster.slug, text),
                        "full_name": who.cluster(cluster.slug, text),
                    }
                )
    return {
        "access": request.access,  # type: ignore[attr-defined]
        "ranking_access": access,
        "period": period,
        "period_label": (period.label_en if text == "en" else period.label_vi) if period else "",
        "periods": periods,
        "nav_clusters": clusters,
        "own_schools": sorted(access.own_schools),
        "lang": text,
    }


# --------------------------------------------------------------------------- index


@page
def rankings_index(request: HttpRequest) -> HttpResponse:
    access = department_access(request.user)
    require_view(access)
    chosen = request.GET.get("period")
    if chosen and period_by_code(chosen) is not None:
        return redirect("rankings_period", period_code=chosen)
    periods = list(Period.objects.order_by("-year", "kind"))
    text = language()
    who = names()
    own_clusters: dict[str, list[dict[str, str]]] = {}
    if access.own_schools:
        for membership in ClusterMembership.objects.filter(
            school__schema_name__in=access.own_schools
        ).select_related("cluster", "school"):
            own_clusters.setdefault(str(membership.year), []).append(
                {
                    "slug": membership.cluster.slug,
                    "name": membership.cluster.name_en
                    if text == "en"
                    else membership.cluster.name_vi,
                    "school": membership.school.schema_name,
                }
            )
    years = sorted({period.year for period in periods}, reverse=True)
    schemes = {year: scheme_for_year(year=year) for year in years} if access.is_department else {}
    rows = [
        {
            "period": period,
            "label": period.label_en if text == "en" else period.label_vi,
            "clusters": own_clusters.get(str(period.year), []),
            "has_scheme": bool(schemes.get(period.year)) if access.is_department else None,
        }
        for period in periods
    ]
    return render(
        request,
        "department/index.html",
        {
            **common(request, None, access),
            "rows": rows,
            "schemes": [(year, schemes.get(year)) for year in years],
            "own_school_links": [(slug, who.school(slug)) for slug in sorted(access.own_schools)],
        },
    )


# --------------------------------------------------------------------------- rankings


@page
def ranking_page(request: HttpRequest, period_code: str) -> HttpResponse:
    return _ranking(request, period_code, scope="national", cluster=None)


@page
def cluster_ranking_page(request: HttpRequest, period_code: str, cluster: str) -> HttpResponse:
    return _ranking(request, period_code, scope="cluster", cluster=cluster)


def ranking_read_for_page(
    request: HttpRequest, period_code: str
) -> tuple[Period, RankingAccess, RankingRead, dict[str, Any]]:
    """What every ranking page starts with: the period, the user's access (refused
    when they may see nothing), the current ranking and the shared page context."""
    period = period_or_404(period_code)
    access = ranking_access(user=request.user, period=period)
    require_view(access)
    return period, access, ranking_obtain(period=period), common(request, period, access)


def no_ranking_page(
    request: HttpRequest, context: dict[str, Any], read: RankingRead, period: Period
) -> HttpResponse:
    return render(
        request,
        "department/no_ranking.html",
        {**context, "scheme": read.scheme, "year": period.year},
    )


def _ranking(
    request: HttpRequest, period_code: str, *, scope: str, cluster: str | None
) -> HttpResponse:
    period, access, read, context = ranking_read_for_page(request, period_code)
    who = names()
    text = language()
    if read.ranking is None:
        if scope == "cluster" and not access.can_see_cluster(cluster):
            raise PermissionDenied
        return no_ranking_page(request, context, read, period)
    payload = ranking_payload(
        read=read,
        period=period,
        scope=scope,
        cluster=cluster,
        access=access,
        language=text,
        names=who,
    )
    data = read.ranking.data
    stored = {row["school"]: row for row in data["rows"]}
    if wants_xlsx(request):
        title = _("Bảng xếp hạng %(period)s") % {"period": period.code}
        if scope == "cluster":
            title += f" – {payload['cluster_name']}"
        table = ranking_table(
            data=data,
            rows=[stored[row["school"]] for row in payload["rows"]],
            scope=scope,
            title=title,
            language=text,
            names=who,
        )
        return xlsx([table], f"xep-hang-{period.code}-{cluster or 'toan-quoc'}")
    criteria = payload["criteria"]
    colours = {item["code"]: PALETTE[index % len(PALETTE)] for index, item in enumerate(criteria)}
    rows = []
    for row in payload["rows"]:
        rows.append(
            {
                **row,
                "state_label": state_label(row["data_state"], text),
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
        )
    return render(
        request,
        "department/ranking.html",
        {
            **context,
            "payload": payload,
            "rows": rows,
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
            "export_url": request.path + "?export=xlsx",
            "can_grant": access.can_manage,
            "open_to_schools": visibility_of(period=period) if access.is_department else None,
            "light_thresholds": LIGHT_THRESHOLDS,
        },
    )


@page
def comparison_page(request: HttpRequest, period_code: str) -> HttpResponse:
    period, access, read, context = ranking_read_for_page(request, period_code)
    if read.ranking is None:
        return no_ranking_page(request, context, read, period)
    who = names()
    text = language()
    data = dict(read.ranking.data)
    clusters = data.get("clusters", [])
    if not access.sees_all:
        clusters = [item for item in clusters if item["cluster"] in access.own_clusters]
    data["clusters"] = clusters
    catalogue = catalogue_for_year(period.year)
    table = comparison_table(
        data=data,
        title=_("So sánh các cụm %(period)s") % {"period": period.code},
        language=text,
        names=who,
        catalogue=catalogue,
    )
    if wants_xlsx(request):
        return xlsx([table], f"so-sanh-cum-{period.code}")
    codes = compared_indicators(data)
    return render(
        request,
        "department/comparison.html",
        {
            **context,
            "stale": read.stale,
            "ranking": read.ranking,
            "scheme": data["scheme"],
            "clusters": [
                {
                    **item,
                    "name": who.cluster_short(item["cluster"], text),
                    "full_name": who.cluster(item["cluster"], text),
                    "cells": [
                        (
                            item["totals"].get(code),
                            item["averages"].get(code),
                            item["reporting"].get(code),
                        )
                        for code in codes
                    ],
                }
                for item in clusters
            ],
            "indicators": [(code, indicator_label(catalogue, code, text)) for code in codes],
            "chart": simple_bars(
                [
                    (who.cluster_short(item["cluster"], text), item["score_mean"])
                    for item in clusters
                ],
                label_width=300,
            ),
            "restricted": not access.sees_all,
            "export_url": request.path + "?export=xlsx",
        },
    )


@page
def leaderboard_page(request: HttpRequest, period_code: str) -> HttpResponse:
    period = period_or_404(period_code)
    access = ranking_access(user=request.user, period=period)
    require_view(access)
    text = language()
    catalogue = catalogue_for_year(period.year)
    codes = leaderboard_codes(catalogue)
    code = request.GET.get("code") or "training.learners"
    if code not in catalogue:
        raise Http404(code)
    cluster = request.GET.get("cluster") or None
    scheme = scheme_for_year(year=period.year)
    basis = scheme.basis if scheme else Basis.SUBMITTED
    rows = leaderboard_read(period=period, code=code, basis=basis)
    restricted = False
    if cluster:
        if not Cluster.objects.filter(slug=cluster).exists():
            raise Http404(cluster)
        if not access.can_see_cluster(cluster):
            raise PermissionDenied
        rows = [row for row in rows if row["cluster"] == cluster]
        rows.sort(
            key=lambda row: (row["rank_cluster"] is None, row["rank_cluster"] or 0, row["school"])
        )
    elif not access.sees_all:
        rows = [row for row in rows if row["school"] in access.own_schools]
        restricted = True
    who = names()
    label = indicator_label(catalogue, code, text)
    if wants_xlsx(request):
        title = f"{label} – {period.code}"
        return xlsx(
            [leaderboard_table(rows=rows, title=title, language=text, names=who)],
            f"chi-tieu-{code}-{period.code}",
        )
    context = common(request, period, access)
    return render(
        request,
        "department/leaderboard.html",
        {
            **context,
            "code": code,
            "label": label,
            "codes": [(item, vi if text == "vi" else en) for item, vi, en in codes],
            "cluster": cluster,
            "restricted": restricted,
            "basis": basis,
            "rows": [
                {
                    **row,
                    "rank": row["rank_cluster"] if cluster else row["rank_national"],
                    "name": who.school(row["school"]),
                    "cluster_name": who.cluster_short(row["cluster"], text),
                    "state_label": state_label(row["data_state"], text),
                }
                for row in rows
            ],
            "chart": simple_bars(
                [(who.school_short(row["school"]), row["value"]) for row in rows],
                label_width=300,
            ),
            "export_url": request.get_full_path()
            + ("&" if "?" in request.get_full_path() else "?")
            + "export=xlsx",
        },
    )


@page
def scorecard_page(request: HttpRequest, period_code: str, school: str) -> HttpResponse:
    period, access, read, context = ranking_read_for_page(request, period_code)
    if read.ranking is None:
        return no_ranking_page(request, context, read, period)
    data = read.ranking.data
    row = next((item for item in data["rows"] if item["school"] == school), None)
    if row is None:
        if not access.sees_all and school not in access.own_schools:
            raise PermissionDenied
        raise Http404(school)
    if not access.can_see_school(school, row.get("cluster")):
        raise PermissionDenied
    who = names()
    text = language()
    title = f"{who.school(school)} – {period.code}"
    if wants_xlsx(request):
        return xlsx(
            [scorecard_table(data=data, row=row, title=title, language=text)],
            f"phieu-diem-{school}-{period.code}",
        )
    items = scorecard_rows(data, row, text)
    return render(
        request,
        "department/scorecard.html",
        {
            **context,
            "stale": read.stale,
            "ranking": read.ranking,
            "scheme": data["scheme"],
            "school": school,
            "school_name": who.school(school),
            "cluster_name": who.cluster(row.get("cluster"), text),
            "row": row,
            "state_label": state_label(row["data_state"], text),
            "explanation": explain_row(row, stored_scheme(data), text),
            "general_notes": [
                note[text] for note in row.get("notes", []) if not note.get("criterion")
            ],
            "items": [{**item, "share": round(item["weight_share"] * 100, 1)} for item in items],
            "chart": scorecard_bars(items),
            "green": int(LIGHT_THRESHOLDS[0]),
            "amber": int(LIGHT_THRESHOLDS[1]),
            "export_url": request.path + "?export=xlsx",
        },
    )


@page
def trend_page(request: HttpRequest, school: str) -> HttpResponse:
    base = department_access(request.user)
    require_view(base)
    cache: dict[int, RankingAccess] = {}

    def allowed(period: Period, cluster: str | None) -> bool:
        if period.pk not in cache:
            cache[period.pk] = ranking_access(user=request.user, period=period)
        return cache[period.pk].can_see_school(school, cluster)

    points = school_trend(school=school, allowed=allowed)
    if not points and not (base.is_department or school in base.own_schools):
        raise PermissionDenied
    who = names()
    text = language()
    title = _("Xu hướng xếp hạng: %(school)s") % {"school": who.school(school)}
    if wants_xlsx(request):
        return xlsx([trend_table(points=points, title=title, language=text)], f"xu-huong-{school}")
    return render(
        request,
        "department/trend.html",
        {
            **common(request, None, base),
            "school": school,
            "school_name": who.school(school),
            "points": [
                {**point, "state_label": state_label(point["data_state"], text)} for point in points
            ],
            "score_chart": line_chart(
                [(point["period"], point["score"]) for point in points], top=None
            ),
            "rank_chart": line_chart(
                [(point["period"], point["rank_national"]) for point in points],
                top=1,
                second=[(point["period"], point["rank_cluster"]) for point in points],
            ),
            "export_url": request.path + "?export=xlsx",
        },
    )


@require_POST
@page
def visibility_page(request: HttpRequest, period_code: str) -> HttpResponse:
    period = period_or_404(period_code)
    access = department_access(request.user)
    if not access.can_manage:
        raise PermissionDenied
    opened = request.POST.get("open_to_schools") == "1"
    ranking_visibility_set(period=period, open_to_schools=opened, actor=request.user.get_username())
    messages.success(
        request,
        _("Các trường đã được xem bảng xếp hạng của mọi cụm.")
        if opened
        else _("Các trường chỉ xem được bảng xếp hạng của cụm mình."),
    )
    return redirect("rankings_period", period_code=period.code)


# --------------------------------------------------------------------------- scheme


@require_http_methods(["GET", "POST"])
@page
def scheme_page(request: HttpRequest, year: int) -> HttpResponse:
    access = department_access(request.user)
    if not access.is_department:
        raise PermissionDenied
    scheme = scheme_for_year(year=year)
    text = language()
    if request.method == "POST":
        if not access.can_manage:
            raise PermissionDenied
        actor = request.user.get_username()
        if request.POST.get("action") == "create":
            source = request.POST.get("from_year") or None
            scheme_copy(year=year, from_year=int(source) if source else None, actor=actor)
            messages.success(request, _("Đã tạo bảng điểm năm %(year)s.") % {"year": year})
            return redirect("rankings_scheme", year=year)
        if scheme is None:
            raise Http404(str(year))
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest("version")
        criteria = criteria_from_post(request.POST)
        try:
            updated = scheme_update(
                year=year,
                expected_version=expected,
                actor=actor,
                fields={
                    "label_vi": request.POST.get("label_vi", scheme.label_vi).strip()
                    or scheme.label_vi,
                    "label_en": request.POST.get("label_en", scheme.label_en).strip(),
                    "basis": request.POST.get("basis", scheme.basis),
                    "is_example": request.POST.get("is_example") == "1",
                },
                criteria=criteria,
            )
        except (SchemeInvalid, DomainError) as error:
            if isinstance(error, ForbiddenError | NotFoundError):
                raise
            messages.error(request, error.message)
            return render(
                request,
                "department/scheme.html",
                scheme_context(request, year, scheme, access, text, posted=criteria),
                status=409 if isinstance(error, ConflictError) else 400,
            )
        messages.success(
            request,
            _("Đã lưu bảng điểm (phiên bản %(version)s). Bảng xếp hạng đang được tính lại.")
            % {"version": updated.version},
        )
        target = request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("rankings_scheme", year=year)
    if scheme is not None and wants_xlsx(request):
        return xlsx([scheme_table(scheme=scheme, language=text)], f"bang-diem-{year}")
    return render(
        request, "department/scheme.html", scheme_context(request, year, scheme, access, text)
    )


def scheme_context(
    request: HttpRequest,
    year: int,
    scheme: Any,
    access: RankingAccess,
    text: str,
    posted: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    catalogue = catalogue_for_year(year)
    rows: list[dict[str, Any]] = []
    if scheme is not None:
        stored = list(scheme.criteria.all())
        total = sum(item.weight for item in stored) or 1.0
        source = posted or [
            {name: getattr(item, name) for name in CRITERION_FIELDS} for item in stored
        ]
        for index, item in enumerate(source):
            rows.append(
                {
                    **item,
                    "index": index,
                    "denominator": item.get("denominator") or "",
                    "share": round(100 * float(item.get("weight") or 0) / total, 1),
                }
            )
    periods = list(Period.objects.filter(year=year).order_by("kind"))
    next_url = request.GET.get("next") or ""
    return {
        **common(request, None, access),
        "year": year,
        "scheme": scheme,
        "rows": rows,
        "blank_index": len(rows),
        "can_manage": access.can_manage,
        "directions": Direction.choices,
        "normalisations": Normalisation.choices,
        "bases": Basis.choices,
        "indicators": [
            (spec.code, spec.label_vi if text == "vi" else spec.label_en)
            for spec in catalogue.indicators
        ],
        "year_periods": periods,
        "other_years": sorted(
            {period.year for period in Period.objects.exclude(year=year)}, reverse=True
        ),
        "next": next_url,
        "export_url": request.path + "?export=xlsx",
    }


def criteria_from_post(post: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Criteria rows of the scheme form: c-<n>-<field>, rows marked c-<n>-delete dropped,
    the blank row for a new criterion kept only when it has a code."""
    indexes = sorted(
        {int(key.split("-")[1]) for key in post if key.startswith("c-") and key.count("-") >= 2}
    )
    out = []
    for index in indexes:
        prefix = f"c-{index}-"
        if post.get(prefix + "delete"):
            continue
        code = (post.get(prefix + "code") or "").strip()
        if not code:
            continue
        item: dict[str, Any] = {"code": code}
        for name in CRITERION_FIELDS:
            if name == "code":
                continue
            raw = (post.get(prefix + name) or "").strip()
            if name in ("weight", "scale", "cap", "denominator_constant"):
                raw = raw.replace(",", ".")
                if raw == "":
                    item[name] = 1.0 if name == "scale" else (0.0 if name == "weight" else None)
                    continue
                try:
                    item[name] = float(raw)
                except ValueError:
                    item[name] = raw  # refused by the service's validation, with a message
            else:
                item[name] = raw
        out.append(item)
    return out


def ranking_url(period: Period) -> str:
    return reverse("rankings_period", kwargs={"period_code": period.code})
