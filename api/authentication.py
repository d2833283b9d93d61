"""API token authentication: knox's hashed, expiring tokens."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication


class HubTokenAuthentication(TokenAuthentication):
    """Knox, without its sweep of the user's other tokens on every request (a query on
    every API call); expired tokens are swept when the user is issued a new one
    (api.views_auth.TokenView). An expired token is still refused and removed."""

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class HubTokenScheme(OpenApiAuthenticationExtension):
    """How the schema documents it: `Authorization: Token <token>`, as before knox."""

    target_class = "api.authentication.HubTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with the prefix "Token"',
        }
