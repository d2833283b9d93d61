"""The department administrators' API for running the year (public host only):
clusters and their members per year, schools, people and roles, periods, mergers and
the history of changes. Each view validates its input and calls one service or
selector of `administration`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from administration import selectors, services
from administration.decision_file import read_rows
from administration.services import DepartmentRole, MemberLine
from api.permissions import request_tenant
from catalogue.selectors import period_get
from tenants.models import ClusterRole, School, SchoolRole


def actor_of(request: Request) -> str:
    return request.user.get_username()


class DepartmentAdminOnly(BasePermission):
    """The hub's own host, and a department user with the admin role: the department's
    ordinary token cannot run the year."""

    message = "Chỉ quản trị viên của Vụ mới thiết lập được năm học."

    def has_permission(self, request: Request, view: APIView) -> bool:
        on_public = request_tenant(request).schema_name == settings.PUBLIC_SCHEMA_NAME
        return on_public and selectors.is_department_admin(request.user)


class AdminView(APIView):
    permission_classes = [DepartmentAdminOnly]


def year_param(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        year = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({"year": "Năm phải là số, ví dụ 2025."}) from None
    if not 2000 <= year <= 2100:
        raise serializers.ValidationError({"year": "Năm không hợp lệ."})
    return year


# --------------------------------------------------------------------------- clusters


class ClusterListView(AdminView):
    class InputSerializer(serializers.Serializer):
        slug = serializers.SlugField(max_length=80)
        name_vi = serializers.CharField(max_length=255)
        name_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
        region = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def get(self, request: Request) -> Response:
        year = year_param(request.query_params.get("year"))
        return Response(selectors.clusters_of_year(year=year))

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cluster = services.cluster_create(actor=actor_of(request), **data.validated_data)
        return Response(
            {
                "slug": cluster.slug,
                "name_vi": cluster.name_vi,
                "name_en": cluster.name_en,
                "region": cluster.region,
            },
            status=status.HTTP_201_CREATED,
        )


class ClusterCopyYearView(AdminView):
    class InputSerializer(serializers.Serializer):
        from_year = serializers.IntegerField(min_value=2000, max_value=2100)
        to_year = serializers.IntegerField(min_value=2000, max_value=2100)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copied = services.clusters_copy_year(actor=actor_of(request), **data.validated_data)
        return Response({"copied": copied})


class ClusterImportView(AdminView):
    """The Academy's decision as CSV or XLSX (columns cluster, school, role)."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        dry_run = serializers.BooleanField(default=True)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload, year = data.validated_data["file"], data.validated_data["year"]
        dry_run = data.validated_data["dry_run"]
        rows = read_rows(name=upload.name or "", data=upload.read())
        plan = services.clusters_import(
            rows=rows, year=year, actor=actor_of(request), dry_run=dry_run
        )
        body = {
            "year": plan.year,
            "dry_run": dry_run,
            "applied": plan.applied,
            "problems": plan.problems,
            "clusters": {
                slug: [{"school": line.school, "role": line.role} for line in lines]
                for slug, lines in plan.clusters.items()
            },
        }
        return Response(body, status=status.HTTP_200_OK if plan.ok else status.HTTP_400_BAD_REQUEST)


class MemberSerializer(serializers.Serializer):
    school = serializers.CharField(max_length=63)
    role = serializers.ChoiceField(choices=ClusterRole.values, default=ClusterRole.MEMBER)


class ClusterMembersView(AdminView):
    class InputSerializer(serializers.Serializer):
        members = MemberSerializer(many=True)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    def get(self, request: Request, slug: str, year: int) -> Response:
        cluster = selectors.cluster_by_slug(slug)
        return Response(
            {
                "cluster": cluster.slug,
                "year": year,
                "members": selectors.cluster_members(cluster=cluster, year=year),
            }
        )

    def put(self, request: Request, slug: str, year: int) -> Response:
        cluster = selectors.cluster_by_slug(slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cluster_members_replace(
            cluster=cluster,
            year=year,
            members=[MemberLine(**member) for member in data.validated_data["members"]],
            actor=actor_of(request),
            reason=data.validated_data["reason"],
        )
        return self.get(request, slug, year)


# --------------------------------------------------------------------------- schools


def school_out(school: School) -> dict[str, Any]:
    return {
        "slug": school.schema_name,
        "name_vi": school.name_vi,
        "short_name": school.short_name,
        "province": school.province,
        "is_active": school.is_active,
        "hosts": selectors.school_hosts(school),
        "predecessors": [
            {
                "slug": lineage.predecessor.schema_name,
                "name_vi": lineage.predecessor.name_vi,
                "effective": lineage.effective_label,
            }
            for lineage in selectors.predecessors_of(school)
        ],
    }


class SchoolListView(AdminView):
    class InputSerializer(serializers.Serializer):
        slug = serializers.CharField(max_length=41)
        name_vi = serializers.CharField(max_length=255)
        short_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
        province = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def get(self, request: Request) -> Response:
        return Response([school_out(school) for school in selectors.schools_list()])

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = services.school_create(actor=actor_of(request), **data.validated_data)
        return Response(school_out(school), status=status.HTTP_201_CREATED)


class SchoolDetailView(AdminView):
    class InputSerializer(serializers.Serializer):
        name_vi = serializers.CharField(max_length=255, required=False)
        short_name = serializers.CharField(max_length=120, required=False)
        province = serializers.CharField(max_length=120, required=False, allow_blank=True)
        is_active = serializers.BooleanField(required=False)

    def get(self, request: Request, slug: str) -> Response:
        return Response(school_out(selectors.school_by_slug(slug)))

    def patch(self, request: Request, slug: str) -> Response:
        school = selectors.school_by_slug(slug)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        school = services.school_update(
            school=school, changes=data.validated_data, actor=actor_of(request)
        )
        return Response(school_out(school))


# --------------------------------------------------------------------------- people


class UserListView(AdminView):
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)

    def get(self, request: Request) -> Response:
        return Response(selectors.users_with_roles())

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=actor_of(request), **data.validated_data)
        return Response(
            {
                "username": user.username,
                "full_name": user.first_name,
                "email": user.email,
                # The new user opens this link to set their own password.
                "password_set_link": request.build_absolute_uri(services.password_set_path(user)),
            },
            status=status.HTTP_201_CREATED,
        )


class SchoolRoleSerializer(serializers.Serializer):
    school = serializers.CharField(max_length=63)
    role = serializers.ChoiceField(choices=SchoolRole.values)


class DepartmentRoleSerializer(serializers.Serializer):
    admin = serializers.BooleanField(default=False)
    scoring = serializers.BooleanField(default=False)


class UserRolesView(AdminView):
    class InputSerializer(serializers.Serializer):
        schools = SchoolRoleSerializer(many=True)
        department = DepartmentRoleSerializer(allow_null=True, required=False, default=None)
        is_active = serializers.BooleanField(required=False)

    def get(self, request: Request, username: str) -> Response:
        user = selectors.user_by_username(username)
        return Response({"username": user.username, **services.roles_of(user)})

    def put(self, request: Request, username: str) -> Response:
        user = selectors.user_by_username(username)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        department = data.validated_data["department"]
        roles = services.user_roles_replace(
            user=user,
            school_roles=[
                (item["school"], item["role"]) for item in data.validated_data["schools"]
            ],
            department=None if department is None else DepartmentRole(**department),
            is_active=data.validated_data.get("is_active"),
            actor=actor_of(request),
        )
        return Response({"username": user.username, **roles})


# --------------------------------------------------------------------------- periods


def period_out(period: Any) -> dict[str, Any]:
    return {
        "code": period.code,
        "year": period.year,
        "kind": period.kind,
        "opens_on": period.opens_on,
        "deadline": period.deadline,
        "closes_on": period.closes_on,
    }


class PeriodAdminView(AdminView):
    class InputSerializer(serializers.Serializer):
        opens_on = serializers.DateField(required=False)
        deadline = serializers.DateField(required=False)
        closes_on = serializers.DateField(required=False)

    def get(self, request: Request, code: str) -> Response:
        return Response(period_out(period_get(code)))

    def patch(self, request: Request, code: str) -> Response:
        period = period_get(code)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        period = services.period_update(
            period=period,
            opens_on=data.validated_data.get("opens_on"),
            deadline=data.validated_data.get("deadline"),
            closes_on=data.validated_data.get("closes_on"),
            actor=actor_of(request),
        )
        return Response(period_out(period))


class DeadlineExtensionView(AdminView):
    class InputSerializer(serializers.Serializer):
        school = serializers.CharField(max_length=63)
        deadline = serializers.DateField()
        reason = serializers.CharField()

    def post(self, request: Request, code: str) -> Response:
        period = period_get(code)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = services.deadline_extend(
            period=period,
            school=selectors.school_by_slug(data.validated_data["school"]),
            deadline=data.validated_data["deadline"],
            reason=data.validated_data["reason"],
            actor=actor_of(request),
        )
        return Response(
            {
                "period": period.code,
                "school": data.validated_data["school"],
                "deadline": extension.deadline,
                "reason": extension.reason,
            },
            status=status.HTTP_201_CREATED,
        )


# --------------------------------------------------------------------------- mergers, history


class MergerView(AdminView):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        into = serializers.CharField(max_length=63)
        sources = serializers.ListField(child=serializers.CharField(max_length=63), min_length=1)
        effective = serializers.CharField(max_length=10)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    def post(self, request: Request) -> Response:
        """Body: {"into": C, "from": [A, B], "effective": "2025-H2", "note": ...}."""
        body = request.data if isinstance(request.data, dict) else {}
        data = self.InputSerializer(
            data={
                "into": body.get("into"),
                "sources": body.get("from"),
                "effective": body.get("effective"),
                "note": body.get("note", ""),
            }
        )
        data.is_valid(raise_exception=True)
        into = selectors.school_by_slug(data.validated_data["into"])
        records = services.schools_merge(
            into=into,
            sources=[selectors.school_by_slug(slug) for slug in data.validated_data["sources"]],
            effective=data.validated_data["effective"],
            note=data.validated_data["note"],
            actor=actor_of(request),
        )
        return Response(
            {
                "into": into.schema_name,
                "from": [record.predecessor.schema_name for record in records],
                "effective": data.validated_data["effective"],
            },
            status=status.HTTP_201_CREATED,
        )


class HistoryView(AdminView):
    def get(self, request: Request) -> Response:
        changes = selectors.history(
            target_type=request.query_params.get("type"),
            target=request.query_params.get("target"),
        )
        return Response(
            [
                {
                    "at": change.at,
                    "actor": change.actor,
                    "action": change.action,
                    "type": change.target_type,
                    "target": change.target,
                    "before": change.before,
                    "after": change.after,
                    "reason": change.reason,
                }
                for change in changes
            ]
        )
