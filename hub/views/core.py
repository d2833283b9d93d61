from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from administration.selectors import is_department_admin
from hub.http import HubRequest, page_user
from tenants.selectors import user_leads_a_cluster, user_schools
from tenants.services import school_host


@require_GET
def healthz(request: HubRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request: HubRequest) -> HttpResponse:
    tenant = request.tenant
    user = page_user(request)
    memberships = user_schools(user)
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    links = [
        {
            "school": membership.school,
            "role": membership.get_role_display(),
            "url": f"{request.scheme}://{school_host(membership.school.schema_name)}{suffix}/",
        }
        for membership in memberships
    ]
    if tenant.schema_name != settings.PUBLIC_SCHEMA_NAME:
        return render(request, "hub/home_school.html", {"school_links": links})
    leads_a_cluster = user_leads_a_cluster(user)
    return render(
        request,
        "hub/home_public.html",
        {
            "school_links": links,
            "leads_a_cluster": leads_a_cluster,
            "is_department_admin": is_department_admin(user),
        },
    )
