"""Declared cluster totals: the figures a cluster report published for the cluster as
a whole, with their source. Read by the cluster's readers (lead, deputies,
department); written, all or nothing, by the lead's approver or the department."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aggregation.models import DeclaredTotal
from aggregation.selectors import declared_totals
from aggregation.services import declared_totals_replace
from api.permissions import request_tenant
from api.views_clusters import open_cluster
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from core.errors import DomainError, ForbiddenError
from core.language import pick
from tenants.access import (
    can_write_declared,
    require_cluster_reader,
    require_declared_writer,
    school_in_cluster,
)
from tenants.models import Cluster


class DeclaredItem(serializers.Serializer):
    indicator = serializers.CharField(max_length=100)
    value = serializers.IntegerField(min_value=0)
    # The field shadows Field.source on the class only; DRF's metaclass takes it out.
    source = serializers.CharField(max_length=255)  # type: ignore[assignment]


class DeclaredInput(serializers.Serializer):
    items = DeclaredItem(many=True)


def item_out(row: DeclaredTotal, period: Period) -> dict[str, Any]:
    catalogue = catalogue_for_year(period.year)
    spec = catalogue.by_code.get(row.indicator)
    return {
        "indicator": row.indicator,
        "label": pick(spec.label_vi, spec.label_en) if spec else row.indicator,
        "value": row.value,
        "source": row.source,
        "updated_by": row.updated_by,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def open_declared(request: Request, cluster_slug: str, period_code: str) -> tuple[Cluster, Period]:
    """The cluster and period, on the public host or a host of one of the cluster's
    schools that year (elsewhere 403, as the other cluster APIs answer); the user must
    read the cluster (lead, deputies, department)."""
    opened = open_cluster(request, cluster_slug, period_code)
    tenant = request_tenant(request)
    if tenant.schema_name != settings.PUBLIC_SCHEMA_NAME and not school_in_cluster(
        school=tenant, cluster=opened.cluster, year=opened.period.year
    ):
        raise ForbiddenError(
            _("Trường này không thuộc cụm trong năm %(year)s.") % {"year": opened.period.year}
        )
    require_cluster_reader(opened.role, year=opened.period.year)
    return opened.cluster, opened.period


def body(request: Request, cluster: Cluster, period: Period) -> dict[str, Any]:
    return {
        "cluster": cluster.slug,
        "period": period.code,
        "can_edit": can_write_declared(user=request.user, cluster=cluster, year=period.year),
        "items": [item_out(row, period) for row in declared_totals(cluster=cluster, period=period)],
    }


class DeclaredView(APIView):
    """GET the cluster's declared totals; PUT replaces them all ({"items": [{indicator,
    value, source}]}): listed ones added or updated, others removed; nothing changes
    when any item is refused."""

    @extend_schema(responses=DeclaredInput)
    def get(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        cluster, period = open_declared(request, cluster_slug, period_code)
        return Response(body(request, cluster, period))

    @extend_schema(request=DeclaredInput, responses=DeclaredInput)
    def put(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        cluster, period = open_declared(request, cluster_slug, period_code)
        require_declared_writer(user=request.user, cluster=cluster, year=period.year)
        data = DeclaredInput(data=request.data)
        if not data.is_valid():
            raise DomainError(
                _("Số liệu công bố của cụm chưa hợp lệ; không có gì được lưu."),
                errors=data.errors,
            )
        declared_totals_replace(
            cluster=cluster,
            period=period,
            items=data.validated_data["items"],
            actor=request.user.get_username(),
        )
        return Response(body(request, cluster, period))
