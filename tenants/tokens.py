"""API tokens (knox: stored hashed, expiring, revocable): issuing and revoking them.
The API's sign-in views call these; they hold no query of their own."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings


def token_issue(*, user: AbstractBaseUser) -> tuple[str, datetime | None]:
    """A new token for the user (the text, shown once, and its expiry); the user's
    expired tokens are swept here rather than on every request."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
    return token, instance.expiry


def token_revoke(*, token: AuthToken) -> None:
    """That token stops working (sign out of one device)."""
    token.delete()


def token_revoke_all(*, user: AbstractBaseUser) -> None:
    """Every token of the user stops working (a lost laptop, a left job)."""
    AuthToken.objects.filter(user=user).delete()
