"""The pages' one mapping of domain refusals (core.errors) to HTTP: ForbiddenError is
the hub's 403 page, NotFoundError its 404 page, ConflictError a 409 and any other
DomainError a 400, as api.errors.exception_handler answers over the API. A page that
shows a refusal on the form itself catches it first; this is what is left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from hub.http import HubRequest

PLAIN = "text/plain; charset=utf-8"
Answer = TypeVar("Answer", bound=HttpResponseBase)


@contextmanager
def http_errors() -> Iterator[None]:
    """Inside it, ForbiddenError becomes PermissionDenied (403) and NotFoundError Http404;
    for helpers that open what a URL names (a period, a cluster) before a page renders."""
    try:
        yield
    except ForbiddenError as error:
        raise PermissionDenied(error.message) from None
    except NotFoundError as error:
        raise Http404(error.message) from None


def page(view: Callable[..., Answer]) -> Callable[..., Answer | HttpResponse]:
    """A page view whose domain refusals become the hub's 403/404 pages, a 409 or a
    400, never a 500."""

    @wraps(view)
    def wrapped(request: HubRequest, *args: Any, **kwargs: Any) -> Answer | HttpResponse:
        with http_errors():
            try:
                return view(request, *args, **kwargs)
            except (ForbiddenError, NotFoundError):
                raise
            except DomainError as error:
                # Plain text: a message may quote what the user typed.
                return HttpResponse(
                    error.message,
                    status=409 if isinstance(error, ConflictError) else 400,
                    content_type=PLAIN,
                )

    return wrapped


def not_found(request: HubRequest, exception: Exception) -> HttpResponse:
    """The 404 of every host: JSON under /api/ (an API client never parses an HTML
    page), the hub's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Không có địa chỉ này trong API.")}, status=404)
    return page_not_found(request, exception)
