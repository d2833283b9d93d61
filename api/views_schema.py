"""The OpenAPI schema of the routes the requesting host serves."""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class HostSchemaView(SpectacularAPIView):
    """The hub's host and a school's host serve different routes (django-tenants picks
    the URLconf per host): the schema documents the ones of the host asked."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.urlconf = getattr(request, "urlconf", None)
        return super().get(request, *args, **kwargs)
