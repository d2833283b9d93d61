"""URLs of a school's host (<slug>.HUB_DOMAIN)."""

from django.urls import include, path

from hub.urls_common import common_patterns
from hub.views import submissions, uploads

urlpatterns = [
    *common_patterns,
    path("api/v1/", include("api.urls_school")),
    path("submissions/<str:period_code>/", submissions.submission_page, name="submission"),
    path(
        "submissions/<str:period_code>/submit/",
        submissions.submission_confirm,
        name="submission_confirm",
    ),
    path(
        "submissions/<str:period_code>/review/",
        submissions.submission_review_page,
        name="submission_review",
    ),
    path(
        "submissions/<str:period_code>/reopen/",
        submissions.submission_reopen_page,
        name="submission_reopen",
    ),
    path(
        "submissions/<str:period_code>/history/",
        submissions.submission_history,
        name="submission_history",
    ),
    # upload pages: a school's spreadsheet, dry run then confirm (hub.views.uploads)
    path("submissions/<str:period_code>/upload/", uploads.upload_page, name="submission_upload"),
    path(
        "submissions/<str:period_code>/upload/<int:upload_id>/file/",
        uploads.upload_file,
        name="submission_upload_file",
    ),
]

# cluster review pages (journey 2): the lead school's board, figures, report text and
# report for a cluster it belongs to (hub.views.cluster).
from hub.views import cluster as cluster_review  # noqa: E402

CLUSTER_PAGE = "cluster/<slug:cluster_slug>/<str:period_code>/"
urlpatterns += [
    path("cluster/report-preview.css", cluster_review.preview_css, name="cluster_preview_css"),
    path(CLUSTER_PAGE, cluster_review.cluster_page, name="cluster_review"),
    path(
        CLUSTER_PAGE + "review/<slug:school>/",
        cluster_review.cluster_review_submission,
        name="cluster_review_submission",
    ),
    path(CLUSTER_PAGE + "basis/", cluster_review.cluster_basis_page, name="cluster_basis"),
    path(
        CLUSTER_PAGE + "narratives/prefill/", cluster_review.cluster_prefill, name="cluster_prefill"
    ),
    path(
        CLUSTER_PAGE + "narratives/<str:section>/",
        cluster_review.cluster_narrative_page,
        name="cluster_narrative",
    ),
    path(
        CLUSTER_PAGE + "reports/",
        cluster_review.cluster_report_request,
        name="cluster_report_request",
    ),
]
