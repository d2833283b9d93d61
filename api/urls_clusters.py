"""Cluster routes, served on the public host and on school hosts (the lead's)."""

from django.urls import path

from api.views_clusters import AcademyView, BasisView, SnapshotView

CLUSTER_PERIOD = "clusters/<slug:cluster_slug>/periods/<str:period_code>/"

cluster_patterns = [
    path(CLUSTER_PERIOD + "snapshot/", SnapshotView.as_view(), name="api-snapshot"),
    path(CLUSTER_PERIOD + "basis/", BasisView.as_view(), name="api-basis"),
    path("periods/<str:period_code>/academy/", AcademyView.as_view(), name="api-academy"),
]
