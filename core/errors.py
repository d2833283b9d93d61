"""Refusals a user can act on, raised by services and selectors.

They carry a readable message and nothing about HTTP: the API's exception handler
(`api.errors`) and the pages (`hub.views.errors`) decide how each kind is answered.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """The request is understood but refused; the message says why and what to do."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class ConflictError(DomainError):
    """The data changed since the user read it, or the action was already done."""


class ForbiddenError(DomainError):
    """The user may not do this; the message names the rule."""


class NotFoundError(DomainError):
    """What the user named does not exist (or is not theirs to see)."""
