"""URLs of the hub's own host (HUB_DOMAIN): department, clusters, admin."""

from django.contrib import admin
from django.urls import include, path

from hub.urls_common import common_patterns

urlpatterns = [
    *common_patterns,
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls_public")),
]
