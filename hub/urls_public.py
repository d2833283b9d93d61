"""URLs of the hub's own host (HUB_DOMAIN): department, clusters, admin."""

from django.contrib import admin
from django.urls import include, path

from hub.urls_common import cluster_review_patterns, common_patterns
from hub.views import cluster as cluster_review
from hub.views import rankings, uploads

urlpatterns = [
    *common_patterns,
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls_public")),
    # The department's rankings (journey 3): hub.views.rankings.
    path("rankings/", rankings.rankings_index, name="rankings"),
    path("rankings/scoring/<int:year>/", rankings.scheme_page, name="rankings_scheme"),
    path("rankings/schools/<slug:school>/trend/", rankings.trend_page, name="rankings_trend"),
    path("rankings/<str:period_code>/", rankings.ranking_page, name="rankings_period"),
    path(
        "rankings/<str:period_code>/clusters/",
        rankings.comparison_page,
        name="rankings_clusters",
    ),
    path(
        "rankings/<str:period_code>/clusters/<slug:cluster>/",
        rankings.cluster_ranking_page,
        name="rankings_cluster",
    ),
    path(
        "rankings/<str:period_code>/indicators/",
        rankings.leaderboard_page,
        name="rankings_indicators",
    ),
    path(
        "rankings/<str:period_code>/schools/<slug:school>/",
        rankings.scorecard_page,
        name="rankings_scorecard",
    ),
    path(
        "rankings/<str:period_code>/visibility/",
        rankings.visibility_page,
        name="rankings_visibility",
    ),
    # upload pages: bulk backfill by the department and lead schools (hub.views.uploads)
    path("uploads/bulk/", uploads.bulk_upload_page, name="bulk_upload"),
    path("setup/", include("hub.urls_setup")),  # the department's year set-up (issue 12)
]

# cluster review pages (journey 2), for the department on the hub's host
urlpatterns += [
    path("clusters/", cluster_review.cluster_index, name="cluster_index"),
    *cluster_review_patterns("clusters/"),
]

# An unknown /api/ address answers JSON like the rest of the API.
handler404 = "hub.views.errors.not_found"
