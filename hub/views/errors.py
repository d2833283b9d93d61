"""The pages' one mapping of domain refusals (core.errors) to HTTP: ForbiddenError is
the hub's 403 page, NotFoundError its 404 page, any other DomainError a plain 400.
The API's twin is api.errors.exception_handler."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase

from core.errors import DomainError, ForbiddenError, NotFoundError
from hub.http import HubRequest

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
    """A page view whose domain refusals become the hub's 403/404 pages or a 400,
    never a 500."""

    @wraps(view)
    def wrapped(request: HubRequest, *args: Any, **kwargs: Any) -> Answer | HttpResponse:
        with http_errors():
            try:
                return view(request, *args, **kwargs)
            except (ForbiddenError, NotFoundError):
                raise
            except DomainError as error:
                return HttpResponseBadRequest(error.message)

    return wrapped
