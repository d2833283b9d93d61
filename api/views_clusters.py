"""Cluster-wide figures: snapshots for the lead school, academy view for the department."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aggregation.models import Basis
from aggregation.selectors import academy_view, cluster_basis, snapshot_for_viewer, snapshot_read
from aggregation.services import cluster_basis_set
from api.permissions import request_access, request_user
from catalogue.models import Period
from catalogue.selectors import period_get
from core.errors import ForbiddenError, NotFoundError
from tenants.access import cluster_viewer_role, require_cluster_lead
from tenants.models import Cluster
from tenants.selectors import cluster_get, department_membership, user_school_slugs


@dataclass(frozen=True)
class OpenedCluster:
    cluster: Cluster
    period: Period
    role: str


def open_cluster(request: Request, cluster_slug: str, period_code: str) -> OpenedCluster:
    """The cluster and period named in the URL and the user's role in the cluster that
    year (`tenants.access.cluster_viewer_role`): NotFoundError for an unknown cluster or
    period, ForbiddenError for a user with no role. The pages' twin is
    hub.views.cluster.common.open_viewer."""
    cluster = cluster_get(cluster_slug)
    period = period_get(period_code)
    role = cluster_viewer_role(
        user=request_user(request),
        cluster=cluster,
        year=period.year,
        is_department=request_access(request).is_department,  # known from the permission
    )
    if role is None:
        raise ForbiddenError(
            _("Bạn không thuộc cụm này trong năm %(year)s.") % {"year": period.year}
        )
    return OpenedCluster(cluster=cluster, period=period, role=role)


STATES = ("complete", "partial", "missing", "not_reported", "not_applicable")


class FigureOutput(serializers.Serializer):
    """A value and its state (catalogue.rollup): "partial" means a lower bound."""

    value = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=STATES)


class SchoolFigureOutput(FigureOutput):
    derived = serializers.BooleanField(required=False, help_text="summed from the parts")
    missing = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), required=False, help_text="blank parts of a partial value"
    )


class TotalFigureOutput(FigureOutput):
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="contributors and schools partial, missing, not_reported, not_applicable",
    )
    schools = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="the schools concerned, by state (not shown to a member school)",
    )


class DeclaredOutput(serializers.Serializer):
    value = serializers.IntegerField()
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # a field, not Field.source


class SchoolRowOutput(serializers.Serializer):
    school = serializers.CharField()
    role = serializers.CharField()
    values = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    figures = serializers.DictField(child=SchoolFigureOutput())
    shares = serializers.DictField(child=serializers.FloatField(allow_null=True))
    ranks = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class SnapshotOutput(serializers.Serializer):
    cluster = serializers.CharField()
    period = serializers.CharField()
    basis = serializers.CharField()
    # The sum of the schools' shown values; its state is in `figures`.
    totals = serializers.DictField(child=serializers.IntegerField())
    figures = serializers.DictField(child=TotalFigureOutput())
    # Cluster-only figures a report declared: never part of `totals`.
    declared = serializers.DictField(child=DeclaredOutput())
    schools = serializers.ListField(child=SchoolRowOutput())
    completeness = serializers.DictField()
    findings = serializers.ListField(child=serializers.DictField())
    fingerprint = serializers.CharField()
    computed_at = serializers.CharField()


class SnapshotView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("basis", str, enum=Basis.values, required=False)],
        responses=SnapshotOutput,
    )
    def get(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        role = opened.role
        basis = request.query_params.get("basis") or None
        if basis is not None and basis not in Basis.values:
            raise NotFoundError(_("Cơ sở số liệu không hợp lệ: %(basis)s") % {"basis": basis})
        selected = cluster_basis(cluster=cluster, period=period)
        data = snapshot_read(cluster=cluster, period=period, basis=basis or selected)
        if data is None:
            raise NotFoundError(_("Chưa có số liệu tổng hợp cho cụm trong kỳ này."))
        own_schools = user_school_slugs(request_user(request))
        visible = snapshot_for_viewer(data, viewer_role=role, own_schools=own_schools)
        return Response({**visible, "basis_selected": selected})


class BasisInput(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.values)


class BasisView(APIView):
    """The lead school chooses whether its cluster's figures count accepted reports
    only, or submitted ones too."""

    @extend_schema(request=BasisInput, responses=BasisInput)
    def put(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        require_cluster_lead(opened.role)
        data = BasisInput(data=request.data)
        data.is_valid(raise_exception=True)
        state = cluster_basis_set(
            cluster=cluster, period=period, basis=data.validated_data["basis"]
        )
        return Response({"basis": state.basis})


class AcademyView(APIView):
    @extend_schema(parameters=[OpenApiParameter("basis", str, enum=Basis.values, required=False)])
    def get(self, request: Request, period_code: str) -> Response:
        if department_membership(request.user) is None:
            raise ForbiddenError(_("Chỉ Vụ Các trường chính trị xem được số liệu toàn quốc."))
        period = period_get(period_code)
        basis = request.query_params.get("basis") or Basis.SUBMITTED
        if basis == "accepted":
            return Response(academy_view(period=period, basis="accepted"))
        if basis == "submitted":
            return Response(academy_view(period=period, basis="submitted"))
        raise NotFoundError(_("Cơ sở số liệu không hợp lệ: %(basis)s") % {"basis": basis})
