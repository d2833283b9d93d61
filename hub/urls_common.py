"""Routes served on every host: sign-in, language, health, the API's shared part."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, include, path

from hub.views import cluster as cluster_review
from hub.views.cluster.declared import cluster_declared_page
from hub.views.core import healthz, home

common_patterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A new user's one-time link to set their own password (administration.services).
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", healthz, name="healthz"),
]


def cluster_review_patterns(prefix: str) -> list[URLPattern]:
    """The lead school's cluster pages (journey 2). Served on school hosts under
    `cluster/` and on the hub's host under `clusters/` (for the department)."""
    page = prefix + "<slug:cluster_slug>/<str:period_code>/"
    return [
        path(prefix + "report-preview.css", cluster_review.preview_css, name="cluster_preview_css"),
        path(page, cluster_review.cluster_page, name="cluster_review"),
        path(
            page + "review/<slug:school>/",
            cluster_review.cluster_review_submission,
            name="cluster_review_submission",
        ),
        path(page + "basis/", cluster_review.cluster_basis_page, name="cluster_basis"),
        path(page + "declared/", cluster_declared_page, name="cluster_declared"),
        path(page + "narratives/prefill/", cluster_review.cluster_prefill, name="cluster_prefill"),
        path(
            page + "narratives/<str:section>/",
            cluster_review.cluster_narrative_page,
            name="cluster_narrative",
        ),
        path(
            page + "reports/", cluster_review.cluster_report_request, name="cluster_report_request"
        ),
    ]
