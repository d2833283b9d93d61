from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import request_access
from tenants.selectors import department_membership, user_schools


class TokenView(ObtainAuthToken):
    """`POST username, password` → `{"token": ...}`, valid on every host the user may use."""

    permission_classes = [AllowAny]


class MeOutput(serializers.Serializer):
    class MembershipOutput(serializers.Serializer):
        school = serializers.CharField(source="school.schema_name")
        school_name = serializers.CharField(source="school.name_vi")
        role = serializers.CharField()

    username = serializers.CharField()
    full_name = serializers.CharField()
    department = serializers.BooleanField()
    memberships = MembershipOutput(many=True)
    tenant = serializers.DictField()
    access = serializers.DictField()


class MeView(APIView):
    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        tenant = request.tenant  # type: ignore[attr-defined]
        access = request_access(request)
        is_public = tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
        data = {
            "username": request.user.get_username(),
            "full_name": request.user.get_full_name(),  # type: ignore[union-attr]
            "department": department_membership(request.user) is not None,
            "memberships": user_schools(request.user),  # type: ignore[arg-type]
            "tenant": {
                "schema": tenant.schema_name,
                "name": tenant.name_vi,
                "kind": "public" if is_public else "school",
            },
            "access": {
                "school_role": access.school_role,
                "review_roles": {str(year): role for year, role in access.review_roles.items()},
                "can_manage_scoring": access.can_manage_scoring,
            },
        }
        return Response(MeOutput(data).data)


token_schema = extend_schema(
    request=inline_serializer(
        "TokenInput", {"username": serializers.CharField(), "password": serializers.CharField()}
    ),
    responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}),
)
