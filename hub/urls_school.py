"""URLs of a school's host (<slug>.HUB_DOMAIN)."""

from django.urls import include, path

from hub.urls_common import cluster_review_patterns, common_patterns
from hub.views import staff, submissions, uploads

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
    # a school's approver manages its own editors (hub.views.staff)
    path("staff/", staff.staff_page, name="school_staff"),
]

# cluster review pages (journey 2): the lead school's board, figures, text and report
urlpatterns += cluster_review_patterns("cluster/")

# An unknown /api/ address answers JSON like the rest of the API.
handler404 = "hub.views.errors.not_found"
