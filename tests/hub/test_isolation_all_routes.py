"""Tenant isolation over every route a school's host serves, pages and API alike.

The routes are read from the URLconf itself, so a route added later is covered
without anyone remembering to add it here. Every parameter is filled with a REAL
value of dienbien (a member of the northern cluster), its cluster, seed 002's
half-year, its report and its upload: an object that exists, so a refusal can only
come from an access rule, and the owner's 200 on the very same address proves it.
A route that cannot be filled so is listed below with the reason.

All routes are checked in one test per viewpoint (the failures are collected and
shown together): building the half-year once per route would be too slow."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context

from rankings.services import scheme_ensure_example
from reviews.services import report_generate, report_request
from submissions.models import Upload
from tests.conftest import user
from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (shared fixture)
from tests.world import NORTH

HOST_SCHOOL = "dienbien"
METHODS = ("get", "post", "put")

# Open to anyone by design: signing in and out, setting one's own password from a
# one-time link, language, health, the token endpoint, and revoking one's own tokens
# (they touch no school's data).
OPEN_ROUTES = {
    "accounts/login/",
    "accounts/logout/",
    "accounts/reset/<uidb64>/<token>/",
    "accounts/reset/done/",
    "i18n/setlang/",
    "healthz/",
    "api/v1/auth/token/",
    "api/v1/auth/token/revoke/",
    "api/v1/auth/token/revoke-all/",
}

CLUSTER_API = "api/v1/clusters/<slug:cluster_slug>/periods/<str:period_code>/"
# Who reads each route on dienbien's host (GET answers 200); anything not listed is
# read by dienbien's own approver.
READERS = {
    # The cluster's report work is the lead's and deputies' (a member is refused).
    CLUSTER_API + "narratives/": "lead",
    CLUSTER_API + "reports/": "lead",
    CLUSTER_API + "reports/<int:job_id>/": "lead",
    CLUSTER_API + "reports/<int:job_id>/<str:kind>/": "lead",
    "cluster/<slug:cluster_slug>/<str:period_code>/": "lead",
    # Declared cluster totals: read by the lead, deputies and department.
    CLUSTER_API + "declared/": "lead",
    "cluster/<slug:cluster_slug>/<str:period_code>/declared/": "lead",
    # The department's own reads.
    "api/v1/periods/<str:period_code>/academy/": "department",
    "api/v1/periods/<str:period_code>/rankings/visibility/": "department",
    "api/v1/scoring/schemes/": "department",
    "api/v1/scoring/schemes/<int:year>/": "department",
}
USERS = {"lead": "quangninh-approver", "department": "department", None: "dienbien-approver"}

# Routes that serve no GET at all (writes only): an insider's GET is 405.
WRITE_ONLY = {
    CLUSTER_API + "basis/",
    CLUSTER_API + "narratives/prefill/",
    CLUSTER_API + "narratives/<str:section>/",  # PUT only; the sections are read together
    "api/v1/periods/<str:period_code>/rankings/recompute/",
    "api/v1/scoring/schemes/<int:year>/criteria/<slug:code>/",
    "api/v1/submissions/<str:period_code>/submit/",
    "api/v1/submissions/<str:period_code>/accept/",
    "api/v1/submissions/<str:period_code>/return/",
    "api/v1/submissions/<str:period_code>/reopen/",
    "api/v1/submissions/<str:period_code>/upload/",
    "api/v1/staff/<str:username>/",  # DELETE withdraws, PUT gives back an editor role
    "submissions/<str:period_code>/review/",
    "submissions/<str:period_code>/reopen/",
    "cluster/<slug:cluster_slug>/<str:period_code>/review/<slug:school>/",
    "cluster/<slug:cluster_slug>/<str:period_code>/basis/",
    "cluster/<slug:cluster_slug>/<str:period_code>/narratives/prefill/",
    "cluster/<slug:cluster_slug>/<str:period_code>/narratives/<str:section>/",
    "cluster/<slug:cluster_slug>/<str:period_code>/reports/",
}

# Not checked from another school's own host, with the reason.
NOT_CROSS_HOST = {
    # An upload id is local to the host school's schema: on another school's host it
    # names nothing (404) whoever asks. dienbien's upload is checked on dienbien's host.
    "submissions/<str:period_code>/upload/<int:upload_id>/file/",
}
# Parameters that name something of dienbien or its cluster (a period is shared by all).
CROSS_PARAMETERS = {"cluster_slug", "school", "job_id", "upload_id"}


def concrete_routes(patterns, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += concrete_routes(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            routes.append(text)
    return routes


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
SCHOOL_ROUTES = sorted(
    set(concrete_routes(get_resolver("hub.urls_school").url_patterns)) - OPEN_ROUTES
)


def parameters(route: str) -> set[str]:
    return set(PARAMETER.findall(route))


@dataclass
class Filled:
    values: dict[str, str]

    def url(self, route: str) -> str:
        values = dict(self.values)
        if "/criteria/" in route:
            values["code"] = "classes"  # a criterion of the example scheme, not an indicator
        return "/" + PARAMETER.sub(lambda m: values[m.group(1)], route)


@pytest.fixture
def filled(seed_002_cluster, world) -> Filled:  # noqa: F811
    """Seed 002's half-year with a generated report, the example scoring scheme and an
    upload kept in dienbien's schema: real values for every route parameter."""
    period = seed_002_cluster["period"]
    job = report_request(
        cluster=seed_002_cluster["cluster"], period=period, language="vi", username="t"
    )
    assert report_generate(job_id=job.pk)
    scheme_ensure_example(year=period.year)
    with schema_context(HOST_SCHOOL):
        upload = Upload(
            original_name="so-lieu.xlsx",
            sha256="0" * 64,
            size=5,
            uploaded_by=f"{HOST_SCHOOL}-editor",
            period=period,
        )
        upload.file.save("so-lieu.xlsx", ContentFile(b"bytes"), save=False)
        upload.save()
    return Filled(
        {
            "period_code": period.code,
            "cluster_slug": NORTH,
            "section": "limitations",
            "job_id": str(job.pk),
            "kind": "docx",
            "code": "training.classes",
            "school": HOST_SCHOOL,
            "year": str(period.year),
            "upload_id": str(upload.pk),
            "username": f"{HOST_SCHOOL}-editor",
        }
    )


@pytest.fixture
def ask(api_client):
    """ask(username, host school, method, url) -> status code; one signed-in client per
    user and host (pages use the session, the API the token: both are set)."""
    clients: dict[tuple[str | None, str], object] = {}

    def status(username: str | None, slug: str, method: str, url: str) -> int:
        if (username, slug) not in clients:
            client = api_client(username, slug)
            if username:
                client.force_login(user(username))
            client.raise_request_exception = False
            clients[username, slug] = client
        return getattr(clients[username, slug], method)(url, {}, format="json").status_code

    return status


def test_the_route_list_is_not_empty():
    assert len(SCHOOL_ROUTES) > 40
    listed = set(READERS) | WRITE_ONLY | NOT_CROSS_HOST
    assert listed <= set(SCHOOL_ROUTES), listed - set(SCHOOL_ROUTES)


def test_a_user_of_another_cluster_is_refused_every_route_of_the_school(filled, ask):
    """backan (northern midlands) has no role in dienbien's cluster in any year: 403
    on dienbien's host, whatever the route and the method."""
    wrong = [
        (method, url, answer)
        for route in SCHOOL_ROUTES
        for method in METHODS
        if (answer := ask("backan-approver", HOST_SCHOOL, method, url := filled.url(route))) != 403
    ]
    assert wrong == []


def test_anonymous_is_sent_to_sign_in_on_every_route(filled, api_client):
    wrong = []
    for route in SCHOOL_ROUTES:
        url = filled.url(route)
        response = api_client(None, HOST_SCHOOL).get(url)
        if route.startswith("api/"):
            if response.status_code != 401:
                wrong.append((url, response.status_code))
        elif response.status_code != 302 or not response["Location"].startswith("/accounts/login/"):
            wrong.append((url, response.status_code, response.get("Location")))
    assert wrong == []


def test_the_owner_reads_every_route_on_the_same_addresses(filled, ask):
    """The counterpart of the refusals: the same addresses are real and readable."""
    wrong = []
    for route in SCHOOL_ROUTES:
        url = filled.url(route)
        username = USERS[READERS.get(route)]
        expected = 405 if route in WRITE_ONLY else 200
        answer = ask(username, HOST_SCHOOL, "get", url)
        if answer != expected:
            wrong.append((username, url, answer, expected))
    assert wrong == []


# A member, then the lead, of the midlands cluster, each on its own school's host.
CROSS_OUTSIDERS = [("backan-approver", "backan"), ("thainguyen-approver", "thainguyen")]


def test_another_clusters_schools_on_their_own_hosts_are_refused_the_north(filled, ask):
    """From its own host, a school of the midlands (a member, then the lead) asks for
    the northern cluster, dienbien's rankings, the northern report: refused (the API
    403; a cluster page 404, as for a cluster the host school is not in), while the
    northern lead on its own host reaches the same address with the same method."""
    wrong = []
    for route in SCHOOL_ROUTES:
        if route in NOT_CROSS_HOST or not parameters(route) & CROSS_PARAMETERS:
            continue
        url = filled.url(route)
        for method in METHODS:
            owner = ask("quangninh-approver", "quangninh", method, url)
            if owner == 405:
                expected = 405  # the method is not served at all
            elif route.startswith("api/"):
                expected = 403
            else:
                expected = 404
            # The lead got past every access rule: a read answers 200, a write reaches
            # the view (done, or refused for its content: 200, 201, 302, 400, 409).
            reached = owner == 405 or (owner == 200 if method == "get" else owner not in (403, 404))
            if not reached:
                wrong.append((method, url, "lead", owner))
            for outsider, host in CROSS_OUTSIDERS:
                answer = ask(outsider, host, method, url)
                if answer != expected:
                    wrong.append((method, url, outsider, answer, "expected", expected))
    assert wrong == []
