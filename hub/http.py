"""The request a page sees: Django's HttpRequest with what the hub's middleware adds.

django-tenants sets `tenant` (the school whose host this is, or the public tenant) and
`urlconf`; hub.access.TenantAccessMiddleware sets `access` (None only where there is
no tenant, which never reaches a page). Page views annotate `request: HubRequest`, so
the type checker knows these attributes instead of being told to look away. The API's
twin (DRF's Request) is in api.permissions.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tenants.access import Access
from tenants.models import School


class HubRequest(HttpRequest):
    tenant: School
    access: Access | None
    urlconf: str


def page_access(request: HubRequest) -> Access:
    """The user's access on this host; every page runs behind the access middleware."""
    if request.access is None:  # no tenant: never a page's case
        raise PermissionDenied
    return request.access


def page_user(request: HubRequest) -> User:
    """The signed-in user; the access middleware has already sent anyone else to sign
    in, so on a page this refuses (403) only what cannot happen."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
