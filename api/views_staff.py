"""A school's approver manages its own school's editors over the API (school host):
the same services as the /staff/ page (administration.services)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from administration import selectors, services
from api.permissions import HostAccess, SchoolHostOnly, request_access, request_tenant, request_user


class HostSchoolApprover(BasePermission):
    message = "Chỉ lãnh đạo phê duyệt của trường mới quản lý cán bộ nhập liệu."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request_access(request).can_approve


class StaffView(APIView):
    permission_classes = [IsAuthenticated, SchoolHostOnly, HostAccess, HostSchoolApprover]


class StaffListView(StaffView):
    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
        full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)

    def get(self, request: Request) -> Response:
        return Response(selectors.school_staff(request_tenant(request)))

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.school_editor_create(
            approver=request_user(request), school=request_tenant(request), **data.validated_data
        )
        return Response(
            {
                "username": user.username,
                "full_name": user.first_name,
                "email": user.email,
                "role": "editor",
                # The new editor opens this link once to set their own password.
                "password_set_link": request.build_absolute_uri(services.password_set_path(user)),
            },
            status=status.HTTP_201_CREATED,
        )


class StaffMemberView(StaffView):
    """DELETE withdraws the editor role; PUT gives it back."""

    def _set(self, request: Request, username: str, *, grant: bool) -> None:
        services.school_editor_set(
            approver=request_user(request),
            school=request_tenant(request),
            username=username,
            grant=grant,
        )

    def delete(self, request: Request, username: str) -> Response:
        self._set(request, username, grant=False)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def put(self, request: Request, username: str) -> Response:
        self._set(request, username, grant=True)
        return Response({"username": username, "role": "editor"})
