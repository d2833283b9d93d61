from django.urls import path

from api.urls_clusters import cluster_patterns
from api.urls_common import common_patterns
from api.views_staff import StaffListView, StaffMemberView
from api.views_submissions import AuditView, ReopenView, ReviewView, SubmissionView, SubmitView
from api.views_uploads import TemplateView, UploadView

PERIOD = "submissions/<str:period_code>/"

urlpatterns = [
    *common_patterns,
    *cluster_patterns,
    path(PERIOD, SubmissionView.as_view(), name="api-submission"),
    path(PERIOD + "submit/", SubmitView.as_view(), name="api-submission-submit"),
    path(PERIOD + "accept/", ReviewView.as_view(accept=True), name="api-submission-accept"),
    path(PERIOD + "return/", ReviewView.as_view(accept=False), name="api-submission-return"),
    path(PERIOD + "reopen/", ReopenView.as_view(), name="api-submission-reopen"),
    path(PERIOD + "audit/", AuditView.as_view(), name="api-submission-audit"),
    path(PERIOD + "template.xlsx", TemplateView.as_view(kind="xlsx"), name="api-template-xlsx"),
    path(PERIOD + "template.csv", TemplateView.as_view(kind="csv"), name="api-template-csv"),
    path(PERIOD + "upload/", UploadView.as_view(), name="api-submission-upload"),
    # a school's approver manages its own editors (api.views_staff)
    path("staff/", StaffListView.as_view(), name="api-staff"),
    path("staff/<str:username>/", StaffMemberView.as_view(), name="api-staff-member"),
]
