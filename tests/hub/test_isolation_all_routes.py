"""Tenant isolation over every route a school's host serves, pages and API alike.

The routes are read from the URLconf itself, so a route added later is covered
without anyone remembering to add it here."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import user

# Open to anyone by design: signing in and out, language, health, the token endpoint.
OPEN_ROUTES = {
    "accounts/login/",
    "accounts/logout/",
    "i18n/setlang/",
    "healthz/",
    "api/v1/auth/token/",
}
PLACEHOLDERS = {
    "period_code": "2024-H1",
    "cluster_slug": "mien-nui-bien-gioi-phia-bac",
    "section": "limitations",
    "job_id": "1",
    "kind": "docx",
    "code": "training.classes",
    "school": "dienbien",
    "year": "2024",
    "upload_id": "1",
}


def concrete_routes(patterns, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += concrete_routes(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            routes.append(text)
    return routes


def fill(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PLACEHOLDERS.get(m.group(1), "x"), route)


SCHOOL_ROUTES = sorted(
    {fill(route) for route in concrete_routes(get_resolver("hub.urls_school").url_patterns)}
    - OPEN_ROUTES
)


@pytest.mark.parametrize("route", SCHOOL_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_user_of_a_school_in_another_cluster_never_reaches_dienbien(
    world, api_client, route, method
):
    """backan (northern midlands) has no role in dienbien's cluster in any year."""
    client = api_client("backan-approver", "dienbien")
    client.force_login(user("backan-approver"))  # pages use the session, the API the token
    response = getattr(client, method)("/" + route, {}, format="json")
    assert response.status_code in (403, 404, 405), (route, response.status_code)


@pytest.mark.parametrize("route", SCHOOL_ROUTES)
def test_anonymous_never_reaches_a_school(world, api_client, route):
    response = api_client(None, "dienbien").get("/" + route)
    if route.startswith("api/"):
        assert response.status_code in (401, 403, 404), (route, response.status_code)
    else:
        assert response.status_code in (302, 404), (route, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_the_route_list_is_not_empty():
    assert len(SCHOOL_ROUTES) > 15
