"""hub.views.errors: the pages' one mapping of domain refusals to HTTP."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from hub.views.errors import http_errors, page


def raising(error: Exception):
    @page
    def view(request, code: str) -> HttpResponse:
        raise error

    return view


def test_a_page_that_answers_is_left_alone():
    @page
    def view(request, code: str) -> HttpResponse:
        return HttpResponse(code)

    assert view(RequestFactory().get("/"), code="2025-H1").content == b"2025-H1"


def test_forbidden_is_the_403_page_with_the_rule():
    with pytest.raises(PermissionDenied, match="not yours"):
        raising(ForbiddenError("not yours"))(RequestFactory().get("/"), code="x")


def test_not_found_is_the_404_page_with_the_message():
    with pytest.raises(Http404, match="no period x"):
        raising(NotFoundError("no period x"))(RequestFactory().get("/"), code="x")


@pytest.mark.parametrize(
    ("error", "status"), [(ConflictError("stale"), 409), (DomainError("stale"), 400)]
)
def test_a_conflict_is_409_and_any_other_refusal_400_naming_it(error, status):
    response = raising(error)(RequestFactory().get("/"), code="x")
    assert response.status_code == status
    assert response.content == b"stale"
    assert response["Content-Type"].startswith("text/plain")


def test_a_bug_is_not_turned_into_a_refusal():
    with pytest.raises(KeyError):
        raising(KeyError("x"))(RequestFactory().get("/"), code="x")


def test_http_errors_maps_inside_a_helper():
    with pytest.raises(Http404), http_errors():
        raise NotFoundError("gone")
    with pytest.raises(PermissionDenied), http_errors():
        raise ForbiddenError("no")
    with pytest.raises(DomainError), http_errors():
        raise DomainError("left to the page")
