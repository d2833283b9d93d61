"""Domain errors become 4xx answers with a readable message, never a 500.

The one place where a domain refusal gets its HTTP status in the API; pages map
the same classes in `hub.views.errors`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError

__all__ = ["exception_handler", "status_for"]

STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (ConflictError, status.HTTP_409_CONFLICT),
    (ForbiddenError, status.HTTP_403_FORBIDDEN),
    (NotFoundError, status.HTTP_404_NOT_FOUND),
)


def status_for(error: DomainError) -> int:
    for kind, code in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return code
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, **exc.extra}, status=status_for(exc))
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
