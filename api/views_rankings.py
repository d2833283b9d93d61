"""Rankings and scoring schemes for the department (journey 3).

Reads follow `rankings.selectors.RankingAccess`: the department sees
everything; a school's user sees its own cluster's ranking and its own row in the
national one (every cluster's when the department opens the period); anyone else
gets 403. Scheme edits need `can_manage_scoring`. Every table can be had as XLSX
with ``?export=xlsx``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aggregation.models import Basis
from api.views_submissions import resolve_period
from catalogue.selectors import catalogue_for_year
from core.errors import DomainError, ForbiddenError, NotFoundError
from rankings.build import Table, table_xlsx
from rankings.models import Direction, Normalisation, ScoringScheme
from rankings.selectors import (
    comparison_table,
    department_access,
    leaderboard_read,
    leaderboard_table,
    names,
    ranking_access,
    ranking_payload,
    ranking_table,
    require_manage,
    require_view,
    row_out,
    scheme_for_year,
    scheme_table,
    school_trend,
    scorecard_rows,
    scorecard_table,
    stored_scheme,
    trend_table,
    visibility_of,
)
from rankings.services import (
    criterion_update,
    ranking_obtain,
    ranking_visibility_set,
    rankings_request,
    scheme_copy,
    scheme_update,
)
from tenants.models import Cluster, School

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT = OpenApiParameter("export", str, enum=["xlsx"], required=False)


def language() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def wants_xlsx(request: Request) -> bool:
    export = request.query_params.get("export")
    if export not in (None, "", "xlsx"):
        raise DomainError(_("Chỉ xuất được định dạng xlsx."))
    return export == "xlsx"


def xlsx_response(tables: list[Table], filename: str) -> HttpResponse:
    response = HttpResponse(table_xlsx(tables), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.xlsx"'
    return response


def user_name(request: Request) -> str:
    return request.user.get_username()


# --------------------------------------------------------------------------- rankings


class RankingRowOutput(serializers.Serializer):
    school = serializers.CharField()
    school_name = serializers.CharField()
    cluster = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    rank_national = serializers.IntegerField(allow_null=True)
    rank_cluster = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    data_state = serializers.ChoiceField(choices=["accepted", "submitted", "missing"])
    contributions = serializers.DictField(child=serializers.FloatField())
    notes = serializers.ListField(child=serializers.DictField())
    explanation = serializers.ListField(child=serializers.CharField())


class RankingOutput(serializers.Serializer):
    period = serializers.CharField()
    scope = serializers.CharField()
    cluster = serializers.CharField(allow_null=True)
    scheme_version = serializers.IntegerField()
    is_example = serializers.BooleanField()
    fingerprint = serializers.CharField()
    computed_at = serializers.CharField()
    stale = serializers.BooleanField()
    restricted = serializers.BooleanField()
    criteria = serializers.ListField(child=serializers.DictField())
    rows = RankingRowOutput(many=True)


class RankingView(APIView):
    """Ranking of a period, nationwide (``?scope=national``) or within a cluster
    (``?cluster=<slug>``)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=["national", "cluster"], required=False),
            OpenApiParameter("cluster", str, required=False),
            EXPORT,
        ],
        responses=RankingOutput,
    )
    def get(self, request: Request, period_code: str) -> Response | HttpResponse:
        period = resolve_period(period_code)
        cluster = request.query_params.get("cluster") or None
        scope = request.query_params.get("scope") or ("cluster" if cluster else "national")
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        who = names()
        read = ranking_obtain(period=period)
        payload = ranking_payload(
            read=read,
            period=period,
            scope=scope,
            cluster=cluster,
            access=access,
            language=language(),
            names=who,
        )
        if not export:
            return Response(payload)
        ranking = read.ranking
        assert ranking is not None  # ranking_payload raised otherwise
        rows = _visible_rows(ranking.data, payload)
        title = _("Bảng xếp hạng %(period)s") % {"period": period.code}
        if scope == "cluster":
            title += f" – {payload['cluster_name']}"
        table = ranking_table(
            data=ranking.data,
            rows=rows,
            scope=scope,
            title=title,
            language=language(),
            names=who,
        )
        return xlsx_response([table], f"xep-hang-{period.code}-{cluster or 'toan-quoc'}")


def _visible_rows(data: dict[str, Any], payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored rows behind the payload's rows, in the payload's order."""
    by_school = {row["school"]: row for row in data["rows"]}
    return [by_school[row["school"]] for row in payload["rows"]]


class ClusterComparisonView(APIView):
    """Cluster against cluster: scores, totals and per-school averages."""

    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, period_code: str) -> Response | HttpResponse:
        period = resolve_period(period_code)
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        read = ranking_obtain(period=period)
        if read.ranking is None:
            raise NotFoundError(_("Chưa có bảng xếp hạng cho kỳ %(code)s.") % {"code": period.code})
        data = dict(read.ranking.data)
        clusters = data.get("clusters", [])
        restricted = not access.sees_all
        if restricted:
            clusters = [item for item in clusters if item["cluster"] in access.own_clusters]
        data["clusters"] = clusters
        who = names()
        text = language()
        catalogue = catalogue_for_year(period.year)
        if export:
            title = _("So sánh các cụm %(period)s") % {"period": period.code}
            table = comparison_table(
                data=data, title=title, language=text, names=who, catalogue=catalogue
            )
            return xlsx_response([table], f"so-sanh-cum-{period.code}")
        return Response(
            {
                "period": period.code,
                "scheme_version": read.ranking.scheme_version,
                "fingerprint": read.ranking.fingerprint,
                "computed_at": read.ranking.computed_at.isoformat(),
                "stale": read.stale,
                "restricted": restricted,
                "clusters": [
                    {**item, "cluster_name": who.cluster(item["cluster"], text)}
                    for item in clusters
                ],
            }
        )


class LeaderboardView(APIView):
    """One indicator's leaderboard (``?cluster=<slug>`` for a cluster's)."""

    @extend_schema(
        parameters=[OpenApiParameter("cluster", str, required=False), EXPORT],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, period_code: str, code: str) -> Response | HttpResponse:
        period = resolve_period(period_code)
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        cluster = request.query_params.get("cluster") or None
        scheme = scheme_for_year(year=period.year)
        basis = scheme.basis if scheme else Basis.SUBMITTED
        rows = leaderboard_read(period=period, code=code, basis=basis)
        restricted = False
        if cluster:
            if not Cluster.objects.filter(slug=cluster).exists():
                raise NotFoundError(_("Không có cụm %(cluster)s.") % {"cluster": cluster})
            if not access.can_see_cluster(cluster):
                raise ForbiddenError(
                    _("Bạn chỉ xem được bảng xếp hạng của cụm mình (trừ khi Vụ cho phép).")
                )
            rows = [row for row in rows if row["cluster"] == cluster]
            rows.sort(
                key=lambda row: (
                    row["rank_cluster"] is None,
                    row["rank_cluster"] or 0,
                    row["school"],
                )
            )
        elif not access.sees_all:
            rows = [row for row in rows if row["school"] in access.own_schools]
            restricted = True
        who = names()
        catalogue = catalogue_for_year(period.year)
        spec = catalogue[code]
        label = spec.label_en if language() == "en" else spec.label_vi
        if export:
            table = leaderboard_table(
                rows=rows, title=f"{label} – {period.code}", language=language(), names=who
            )
            return xlsx_response([table], f"chi-tieu-{code}-{period.code}")
        return Response(
            {
                "period": period.code,
                "indicator": code,
                "label": label,
                "basis": basis,
                "cluster": cluster,
                "restricted": restricted,
                "rows": [
                    {
                        **row,
                        "rank": row["rank_cluster"] if cluster else row["rank_national"],
                        "school_name": who.school(row["school"]),
                    }
                    for row in rows
                ],
            }
        )


class ScorecardView(APIView):
    """One school's scorecard: each criterion's value, points, weight and light."""

    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, period_code: str, school: str) -> Response | HttpResponse:
        period = resolve_period(period_code)
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        read = ranking_obtain(period=period)
        if read.ranking is None:
            raise NotFoundError(_("Chưa có bảng xếp hạng cho kỳ %(code)s.") % {"code": period.code})
        data = read.ranking.data
        row = next((item for item in data["rows"] if item["school"] == school), None)
        if row is None:
            if not access.sees_all and school not in access.own_schools:
                raise ForbiddenError(_("Bạn không xem được phiếu điểm của trường này."))
            raise NotFoundError(
                _("Trường %(school)s không có trong bảng xếp hạng.") % {"school": school}
            )
        if not access.can_see_school(school, row.get("cluster")):
            raise ForbiddenError(_("Bạn không xem được phiếu điểm của trường này."))
        who = names()
        text = language()
        if export:
            title = f"{who.school(school)} – {period.code}"
            return xlsx_response(
                [scorecard_table(data=data, row=row, title=title, language=text)],
                f"phieu-diem-{school}-{period.code}",
            )
        return Response(
            {
                "period": period.code,
                "scheme_version": read.ranking.scheme_version,
                "stale": read.stale,
                **row_out(
                    row,
                    scope="national",
                    language=text,
                    names=who,
                    scheme=stored_scheme(data),
                ),
                "criteria": scorecard_rows(data, row, text),
            }
        )


class TrendView(APIView):
    """A school's rank and score across every period with a ranking."""

    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, school: str) -> Response | HttpResponse:
        base = department_access(request.user)
        require_view(base)
        get_object_or_404(School, schema_name=school)
        export = wants_xlsx(request)
        cache: dict[int, Any] = {}

        def allowed(period: Any, cluster: str | None) -> bool:
            if period.pk not in cache:
                cache[period.pk] = ranking_access(user=request.user, period=period)
            return bool(cache[period.pk].can_see_school(school, cluster))

        points = school_trend(school=school, allowed=allowed)
        if not points and not (base.is_department or school in base.own_schools):
            raise ForbiddenError(_("Bạn không xem được xu hướng của trường này."))
        who = names()
        if export:
            title = _("Xu hướng xếp hạng: %(school)s") % {"school": who.school(school)}
            return xlsx_response(
                [trend_table(points=points, title=title, language=language())],
                f"xu-huong-{school}",
            )
        return Response({"school": school, "school_name": who.school(school), "points": points})


class VisibilityInput(serializers.Serializer):
    open_to_schools = serializers.BooleanField()


class VisibilityView(APIView):
    """The department's grant: may schools see every cluster's ranking of the period?"""

    @extend_schema(responses=VisibilityInput)
    def get(self, request: Request, period_code: str) -> Response:
        period = resolve_period(period_code)
        if not department_access(request.user).is_department:
            raise ForbiddenError(_("Chỉ Vụ Các trường chính trị xem được thiết lập này."))
        return Response({"period": period.code, "open_to_schools": visibility_of(period=period)})

    @extend_schema(request=VisibilityInput, responses=VisibilityInput)
    def put(self, request: Request, period_code: str) -> Response:
        period = resolve_period(period_code)
        require_manage(department_access(request.user))
        data = VisibilityInput(data=request.data)
        data.is_valid(raise_exception=True)
        visibility = ranking_visibility_set(
            period=period,
            open_to_schools=data.validated_data["open_to_schools"],
            actor=user_name(request),
        )
        return Response({"period": period.code, "open_to_schools": visibility.open_to_schools})


class RecomputeView(APIView):
    """Queue the period's ranking now (it is also queued on every change)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, period_code: str) -> Response:
        period = resolve_period(period_code)
        require_manage(department_access(request.user))
        rankings_request(period=period)
        return Response({"period": period.code, "queued": True}, status=202)


# --------------------------------------------------------------------------- schemes


class CriterionIO(serializers.Serializer):
    code = serializers.SlugField(max_length=60)
    label_vi = serializers.CharField(max_length=255)
    label_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
    numerator = serializers.CharField(max_length=100)
    denominator = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    denominator_constant = serializers.FloatField(required=False, allow_null=True)
    weight = serializers.FloatField(min_value=0)
    direction = serializers.ChoiceField(choices=Direction.values, default=Direction.HIGHER)
    normalisation = serializers.ChoiceField(
        choices=Normalisation.values, default=Normalisation.MINMAX_NATIONAL
    )
    cap = serializers.FloatField(required=False, allow_null=True)
    scale = serializers.FloatField(required=False, default=1.0)


class CriterionPatch(serializers.Serializer):
    version = serializers.IntegerField(help_text="the scheme version the edit starts from")
    label_vi = serializers.CharField(max_length=255, required=False)
    label_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
    numerator = serializers.CharField(max_length=100, required=False)
    denominator = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    denominator_constant = serializers.FloatField(required=False, allow_null=True)
    weight = serializers.FloatField(min_value=0, required=False)
    direction = serializers.ChoiceField(choices=Direction.values, required=False)
    normalisation = serializers.ChoiceField(choices=Normalisation.values, required=False)
    cap = serializers.FloatField(required=False, allow_null=True)
    scale = serializers.FloatField(required=False)


class SchemeInput(serializers.Serializer):
    version = serializers.IntegerField(help_text="the scheme version the edit starts from")
    label_vi = serializers.CharField(max_length=255, required=False)
    label_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
    is_example = serializers.BooleanField(required=False)
    basis = serializers.ChoiceField(choices=Basis.values, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    criteria = CriterionIO(many=True, required=False)


class SchemeCreateInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    from_year = serializers.IntegerField(
        required=False, allow_null=True, help_text="copy this year's scheme; none: the example"
    )


def scheme_out(scheme: ScoringScheme) -> dict[str, Any]:
    criteria = list(scheme.criteria.all())
    total = sum(row.weight for row in criteria) or 1.0
    return {
        "year": scheme.year,
        "version": scheme.version,
        "label_vi": scheme.label_vi,
        "label_en": scheme.label_en,
        "is_example": scheme.is_example,
        "basis": scheme.basis,
        "description": scheme.description,
        "updated_at": scheme.updated_at.isoformat(),
        "updated_by": scheme.updated_by,
        "criteria": [
            {
                "code": row.code,
                "label_vi": row.label_vi,
                "label_en": row.label_en,
                "numerator": row.numerator,
                "denominator": row.denominator or None,
                "denominator_constant": row.denominator_constant,
                "weight": row.weight,
                "weight_share": round(row.weight / total, 6),
                "direction": row.direction,
                "normalisation": row.normalisation,
                "cap": row.cap,
                "scale": row.scale,
            }
            for row in criteria
        ],
    }


class SchemeListView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="scoring_schemes_list")
    def get(self, request: Request) -> Response:
        if not department_access(request.user).is_department:
            raise ForbiddenError(_("Chỉ Vụ Các trường chính trị xem được bảng điểm."))
        schemes = ScoringScheme.objects.prefetch_related("criteria")
        return Response([scheme_out(scheme) for scheme in schemes])

    @extend_schema(request=SchemeCreateInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        require_manage(department_access(request.user))
        data = SchemeCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = scheme_copy(
            year=data.validated_data["year"],
            from_year=data.validated_data.get("from_year"),
            actor=user_name(request),
        )
        return Response(scheme_out(scheme), status=201)


class SchemeView(APIView):
    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, year: int) -> Response | HttpResponse:
        if not department_access(request.user).is_department:
            raise ForbiddenError(_("Chỉ Vụ Các trường chính trị xem được bảng điểm."))
        export = wants_xlsx(request)
        scheme = scheme_for_year(year=year)
        if scheme is None:
            raise NotFoundError(_("Năm %(year)s chưa có bảng điểm.") % {"year": year})
        if export:
            return xlsx_response(
                [scheme_table(scheme=scheme, language=language())], f"bang-diem-{year}"
            )
        return Response(scheme_out(scheme))

    @extend_schema(request=SchemeInput, responses=OpenApiTypes.OBJECT)
    def put(self, request: Request, year: int) -> Response:
        return self._update(request, year)

    @extend_schema(request=SchemeInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, year: int) -> Response:
        return self._update(request, year)

    def _update(self, request: Request, year: int) -> Response:
        require_manage(department_access(request.user))
        data = SchemeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version")
        criteria = values.pop("criteria", None)
        scheme = scheme_update(
            year=year,
            expected_version=expected,
            actor=user_name(request),
            fields=values,
            criteria=criteria,
        )
        return Response(scheme_out(scheme))


class CriterionView(APIView):
    @extend_schema(request=CriterionPatch, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, year: int, code: str) -> Response:
        require_manage(department_access(request.user))
        data = CriterionPatch(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        expected = changes.pop("version")
        scheme = criterion_update(
            year=year,
            code=code,
            expected_version=expected,
            actor=user_name(request),
            changes=changes,
        )
        return Response(scheme_out(scheme))


__all__ = [
    "ClusterComparisonView",
    "CriterionView",
    "LeaderboardView",
    "RankingView",
    "RecomputeView",
    "SchemeListView",
    "SchemeView",
    "ScorecardView",
    "TrendView",
    "VisibilityView",
]
