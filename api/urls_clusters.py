"""Cluster routes, served on the public host and on school hosts (the lead's)."""

from django.urls import path

from api.views_clusters import AcademyView, BasisView, SnapshotView
from api.views_declared import DeclaredView
from api.views_reviews import (
    NarrativeSectionView,
    NarrativesPrefillView,
    NarrativesView,
    ReportDetailView,
    ReportFileView,
    ReportListView,
)

CLUSTER_PERIOD = "clusters/<slug:cluster_slug>/periods/<str:period_code>/"

cluster_patterns = [
    path(CLUSTER_PERIOD + "snapshot/", SnapshotView.as_view(), name="api-snapshot"),
    path(CLUSTER_PERIOD + "basis/", BasisView.as_view(), name="api-basis"),
    path(CLUSTER_PERIOD + "declared/", DeclaredView.as_view(), name="api-declared"),
    path(CLUSTER_PERIOD + "narratives/", NarrativesView.as_view(), name="api-narratives"),
    path(
        CLUSTER_PERIOD + "narratives/prefill/",
        NarrativesPrefillView.as_view(),
        name="api-narratives-prefill",
    ),
    path(
        CLUSTER_PERIOD + "narratives/<str:section>/",
        NarrativeSectionView.as_view(),
        name="api-narrative-section",
    ),
    path(CLUSTER_PERIOD + "reports/", ReportListView.as_view(), name="api-reports"),
    path(CLUSTER_PERIOD + "reports/<int:job_id>/", ReportDetailView.as_view(), name="api-report"),
    path(
        CLUSTER_PERIOD + "reports/<int:job_id>/<str:kind>/",
        ReportFileView.as_view(),
        name="api-report-file",
    ),
    path("periods/<str:period_code>/academy/", AcademyView.as_view(), name="api-academy"),
]

# Rankings and scoring schemes (journey 3): api.views_rankings.
from api import views_rankings as rankings  # noqa: E402

RANKINGS = "periods/<str:period_code>/rankings/"
cluster_patterns += [
    path(RANKINGS, rankings.RankingView.as_view(), name="api-rankings"),
    path(
        RANKINGS + "clusters/",
        rankings.ClusterComparisonView.as_view(),
        name="api-rankings-clusters",
    ),
    path(
        RANKINGS + "indicators/<str:code>/",
        rankings.LeaderboardView.as_view(),
        name="api-rankings-indicator",
    ),
    path(
        RANKINGS + "schools/<slug:school>/",
        rankings.ScorecardView.as_view(),
        name="api-rankings-scorecard",
    ),
    path(
        RANKINGS + "visibility/", rankings.VisibilityView.as_view(), name="api-rankings-visibility"
    ),
    path(RANKINGS + "recompute/", rankings.RecomputeView.as_view(), name="api-rankings-recompute"),
    path(
        "rankings/schools/<slug:school>/trend/",
        rankings.TrendView.as_view(),
        name="api-rankings-trend",
    ),
    path("scoring/schemes/", rankings.SchemeListView.as_view(), name="api-scoring-schemes"),
    path("scoring/schemes/<int:year>/", rankings.SchemeView.as_view(), name="api-scoring-scheme"),
    path(
        "scoring/schemes/<int:year>/criteria/<slug:code>/",
        rankings.CriterionView.as_view(),
        name="api-scoring-criterion",
    ),
]
