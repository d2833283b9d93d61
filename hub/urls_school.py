"""URLs of a school's host (<slug>.HUB_DOMAIN)."""

from django.urls import include, path

from hub.urls_common import common_patterns

urlpatterns = [
    *common_patterns,
    path("api/v1/", include("api.urls_school")),
]
