"""The API's access rule: the same one the pages apply in hub.access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.access import Access, access_for

if TYPE_CHECKING:
    from rest_framework.views import APIView


def request_access(request: Request) -> Access:
    """Access of the DRF-authenticated user (token or session) on this host, cached."""
    cached = getattr(request, "_hub_access", None)
    if cached is None:
        cached = access_for(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
        request._hub_access = cached  # type: ignore[attr-defined]
    return cached


def on_public_host(request: Request) -> bool:
    return request.tenant.schema_name == settings.PUBLIC_SCHEMA_NAME  # type: ignore[attr-defined]


class HostAccess(BasePermission):
    """Authenticated, and on a school host: a member, the department or a reviewer."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if on_public_host(request):
            return True
        return request_access(request).can_view


class PublicHostOnly(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return on_public_host(request)


class SchoolHostOnly(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return not on_public_host(request)
