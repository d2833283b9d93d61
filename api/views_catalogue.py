from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.selectors import catalogue_for_year, periods_list
from core.errors import DomainError


class IndicatorOutput(serializers.Serializer):
    code = serializers.CharField()
    label_vi = serializers.CharField()
    label_en = serializers.CharField()
    unit = serializers.CharField()
    section = serializers.CharField()
    # Declared fields are moved out of the class by DRF, so they do not clash with
    # Field.parent / Field.required at run time; mypy only sees the names.
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    split = serializers.CharField()
    kind = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    max_value = serializers.IntegerField()
    learners_code = serializers.CharField(allow_null=True)
    # What counts, what does not, an example from a real report (required from
    # catalogue version 2025; "" where an older version's indicator has none).
    definition_vi = serializers.CharField(allow_blank=True)
    definition_en = serializers.CharField(allow_blank=True)


class IndicatorListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="catalogue in force that year")],
        responses=IndicatorOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        raw_year = request.query_params.get("year") or str(timezone.localdate().year)
        if not raw_year.isdigit():
            raise DomainError(f"year={raw_year!r}: năm phải là số (ví dụ 2024).")
        catalogue = catalogue_for_year(int(raw_year))
        return Response(IndicatorOutput(catalogue.indicators, many=True).data)


class PeriodOutput(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    label_vi = serializers.CharField()
    label_en = serializers.CharField()
    opens_on = serializers.DateField()
    deadline = serializers.DateField()
    closes_on = serializers.DateField()


class PeriodListView(APIView):
    @extend_schema(responses=PeriodOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(PeriodOutput(periods_list(), many=True).data)
