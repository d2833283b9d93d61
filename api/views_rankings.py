"""Rankings and scoring schemes for the department (journey 3).

Thin twins of the department's pages (`hub.views.rankings`): both call the reads of
`rankings.selectors`, which apply the one access rule of `rankings.access` (the
department sees everything; a school's user its own cluster's ranking and its own
row nationally, every cluster's when the department opens the period; anyone else
403). Scheme edits need `can_manage_scoring` and are validated by
`rankings.services`. Every table can be had as XLSX with ``?export=xlsx``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aggregation.models import Basis
from catalogue.selectors import period_get
from core.errors import DomainError, NotFoundError
from core.filetypes import XLSX
from rankings.access import (
    department_access,
    ranking_access,
    require_department,
    require_manage,
    require_view,
)
from rankings.exports import (
    Export,
    comparison_export,
    leaderboard_export,
    ranking_export,
    scheme_export,
    scorecard_export,
    trend_export,
)
from rankings.models import Direction, Normalisation
from rankings.selectors import (
    comparison_view,
    leaderboard_view,
    names,
    ranking_payload,
    require_scope,
    row_out,
    scheme_dict,
    scheme_for_year,
    schemes_list,
    scorecard_view,
    stored_scheme,
    trend_view,
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

EXPORT = OpenApiParameter("export", str, enum=["xlsx"], required=False)


def wants_xlsx(request: Request) -> bool:
    export = request.query_params.get("export")
    if export not in (None, "", "xlsx"):
        raise DomainError(_("Chỉ xuất được định dạng xlsx."))
    return export == "xlsx"


def xlsx_response(export: Export) -> HttpResponse:
    response = HttpResponse(export.content(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slugify(export.filename)}.xlsx"'
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
        period = period_get(period_code)
        cluster = request.query_params.get("cluster") or None
        scope = request.query_params.get("scope") or ("cluster" if cluster else "national")
        access = ranking_access(user=request.user, period=period)
        require_scope(scope=scope, cluster=cluster, access=access)
        export = wants_xlsx(request)
        who = names()
        read = ranking_obtain(period=period)
        payload = ranking_payload(
            read=read, period=period, scope=scope, cluster=cluster, access=access, names=who
        )
        if not export:
            return Response(payload)
        assert read.ranking is not None  # ranking_payload raised otherwise
        return xlsx_response(ranking_export(data=read.ranking.data, payload=payload, names=who))


class ClusterComparisonView(APIView):
    """Cluster against cluster: scores, totals and per-school averages."""

    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, period_code: str) -> Response | HttpResponse:
        period = period_get(period_code)
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        who = names()
        comparison = comparison_view(
            read=ranking_obtain(period=period), period=period, access=access, names=who
        )
        if export:
            return xlsx_response(comparison_export(comparison=comparison, period=period, names=who))
        ranking = comparison.ranking
        return Response(
            {
                "period": period.code,
                "scheme_version": ranking.scheme_version,
                "fingerprint": ranking.fingerprint,
                "computed_at": ranking.computed_at.isoformat(),
                "stale": comparison.stale,
                "restricted": comparison.restricted,
                "indicators": [
                    {"code": code, "label": label} for code, label in comparison.indicators
                ],
                "clusters": comparison.clusters,
            }
        )


class LeaderboardView(APIView):
    """One indicator's leaderboard (``?cluster=<slug>`` for a cluster's)."""

    @extend_schema(
        parameters=[OpenApiParameter("cluster", str, required=False), EXPORT],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, period_code: str, code: str) -> Response | HttpResponse:
        period = period_get(period_code)
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        who = names()
        board = leaderboard_view(
            period=period,
            code=code,
            cluster=request.query_params.get("cluster") or None,
            access=access,
            names=who,
        )
        if export:
            return xlsx_response(leaderboard_export(board=board, names=who))
        return Response(
            {
                "period": board.period,
                "indicator": board.code,
                "label": board.label,
                "basis": board.basis,
                "cluster": board.cluster,
                "restricted": board.restricted,
                "rows": board.rows,
            }
        )


class ScorecardView(APIView):
    """One school's scorecard: each criterion's value, points, weight and light."""

    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, period_code: str, school: str) -> Response | HttpResponse:
        period = period_get(period_code)
        access = ranking_access(user=request.user, period=period)
        require_view(access)
        export = wants_xlsx(request)
        card = scorecard_view(
            read=ranking_obtain(period=period), period=period, school=school, access=access
        )
        who = names()
        if export:
            return xlsx_response(
                scorecard_export(card=card, period=period, school=school, names=who)
            )
        return Response(
            {
                "period": period.code,
                "scheme_version": card.ranking.scheme_version,
                "stale": card.stale,
                **row_out(card.row, scope="national", names=who, scheme=stored_scheme(card.data)),
                "criteria": card.items,
            }
        )


class TrendView(APIView):
    """A school's rank and score across every period with a ranking."""

    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, school: str) -> Response | HttpResponse:
        export = wants_xlsx(request)
        points = trend_view(user=request.user, school=school)
        who = names()
        if export:
            return xlsx_response(trend_export(points=points, school=school, names=who))
        return Response({"school": school, "school_name": who.school(school), "points": points})


class VisibilityInput(serializers.Serializer):
    open_to_schools = serializers.BooleanField()


class VisibilityView(APIView):
    """The department's grant: may schools see every cluster's ranking of the period?"""

    @extend_schema(responses=VisibilityInput)
    def get(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        require_department(
            department_access(request.user),
            _("Chỉ Vụ Các trường chính trị xem được thiết lập này."),
        )
        return Response({"period": period.code, "open_to_schools": visibility_of(period=period)})

    @extend_schema(request=VisibilityInput, responses=VisibilityInput)
    def put(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
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
        period = period_get(period_code)
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


class SchemeListView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="scoring_schemes_list")
    def get(self, request: Request) -> Response:
        require_department(department_access(request.user))
        return Response([scheme_dict(scheme) for scheme in schemes_list()])

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
        return Response(scheme_dict(scheme), status=201)


class SchemeView(APIView):
    @extend_schema(parameters=[EXPORT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, year: int) -> Response | HttpResponse:
        require_department(department_access(request.user))
        export = wants_xlsx(request)
        scheme = scheme_for_year(year=year)
        if scheme is None:
            raise NotFoundError(_("Năm %(year)s chưa có bảng điểm.") % {"year": year})
        if export:
            return xlsx_response(scheme_export(scheme=scheme))
        return Response(scheme_dict(scheme))

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
        values: dict[str, Any] = dict(data.validated_data)
        expected = values.pop("version")
        criteria = values.pop("criteria", None)
        scheme = scheme_update(
            year=year,
            expected_version=expected,
            actor=user_name(request),
            fields=values,
            criteria=criteria,
        )
        return Response(scheme_dict(scheme))


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
        return Response(scheme_dict(scheme))


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
