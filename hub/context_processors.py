from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def hub_context(request: HttpRequest) -> dict[str, object]:
    tenant = getattr(request, "tenant", None)
    on_school_host = tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
    return {
        "tenant": tenant,
        "on_school_host": on_school_host,
        "access": getattr(request, "access", None),
        "hub_domain": settings.HUB_DOMAIN,
    }
