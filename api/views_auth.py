from __future__ import annotations

from typing import cast

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import request_access, request_tenant, request_user
from hub.lockout import LOCKED_STATUS, lockout_message
from tenants.selectors import department_membership, user_schools
from tenants.tokens import token_issue, token_revoke, token_revoke_all


class TokenView(APIView):
    """`POST username, password` → `{"token", "expiry"}`, valid on every host the user
    may use. Tokens are stored hashed, expire (renewed while in use) and can be revoked;
    repeated wrong passwords lock the username for a while (django-axes)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        request=inline_serializer(
            "TokenInput",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer(
            "TokenOutput", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
    )
    def post(self, request: Request) -> Response:
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message()}, status=LOCKED_STATUS)
            return Response(credentials.errors, status=400)
        token, expiry = token_issue(user=credentials.validated_data["user"])
        return Response({"token": token, "expiry": expiry})


class TokenRevokeView(APIView):
    """`POST` with a token: that token stops working (sign out of one device)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        # knox's authentication puts the AuthToken used for this request here.
        token_revoke(token=cast(AuthToken, request.auth))
        return Response(status=204)


class TokenRevokeAllView(APIView):
    """`POST`: every token of the user stops working (a lost laptop, a left job)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        token_revoke_all(user=request_user(request))
        return Response(status=204)


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
        tenant = request_tenant(request)
        access = request_access(request)
        is_public = tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
        data = {
            "username": request.user.get_username(),
            "full_name": request_user(request).get_full_name(),
            "department": department_membership(request.user) is not None,
            "memberships": user_schools(request_user(request)),
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
