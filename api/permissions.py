"""The API's access rule: the same one the pages apply in hub.access."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.contrib.auth.models import User
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.access import Access, access_for
from tenants.models import School

if TYPE_CHECKING:
    from rest_framework.views import APIView


class _OnHost(Protocol):
    """What the API's views read from a request beyond DRF's own: django-tenants'
    `tenant` (DRF's Request hands attribute reads to the HttpRequest it wraps) and the
    access cached below. The pages' twin is hub.http.HubRequest."""

    tenant: School
    _hub_access: Access | None


def request_tenant(request: Request) -> School:
    """The school whose host this is (the public tenant on the hub's own host)."""
    return cast(_OnHost, request).tenant


def request_user(request: Request) -> User:
    """The authenticated user (HostAccess has let only them through); 401 otherwise."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user


def request_access(request: Request) -> Access:
    """Access of the DRF-authenticated user (token or session) on this host, cached."""
    on_host = cast(_OnHost, request)
    cached = getattr(request, "_hub_access", None)
    if cached is None:
        cached = access_for(user=request.user, tenant=on_host.tenant)
        on_host._hub_access = cached
    return cached


def on_public_host(request: Request) -> bool:
    return request_tenant(request).schema_name == settings.PUBLIC_SCHEMA_NAME


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
