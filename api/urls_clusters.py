"""Cluster routes, served on the public host and on school hosts (the lead's)."""

from django.urls import path

from api.views_clusters import AcademyView, BasisView, SnapshotView
from api.views_reviews import (
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
    path(CLUSTER_PERIOD + "narratives/", NarrativesView.as_view(), name="api-narratives"),
    path(
        CLUSTER_PERIOD + "narratives/prefill/",
        NarrativesPrefillView.as_view(),
        name="api-narratives-prefill",
    ),
    path(
        CLUSTER_PERIOD + "narratives/<str:section>/",
        NarrativesView.as_view(),
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
