"""Every page on a school's host checks the user against that school.

Being logged in is never enough: the user must belong to the host's school, be a
member of the department, or (for review) belong to the lead or a deputy school of
the host school's cluster. The API does the same check in `api.permissions`, because
token authentication happens inside DRF, after this middleware.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from hub.http import HubRequest
from tenants.access import Access, access_for

# Paths anyone may reach on any host: signing in, switching language, health, assets.
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/reset/",
    "/i18n/",
    "/static/",
    "/healthz/",
)
API_PREFIX = "/api/"


class TenantAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HubRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        # Lazy: API requests authenticate inside DRF and compute their own.
        access = (
            cast(Access, SimpleLazyObject(lambda: access_for(user=request.user, tenant=tenant)))
            if tenant
            else None
        )
        request.access = access
        if tenant is None or request.path.startswith((*OPEN_PREFIXES, API_PREFIX)):
            return self.get_response(request)
        if tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
            if request.path.startswith("/admin/"):
                return self.get_response(request)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if access is None or not access.can_view:
            raise PermissionDenied
        return self.get_response(request)
