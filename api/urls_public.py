from django.urls import path

from api.urls_admin import admin_patterns
from api.urls_clusters import cluster_patterns
from api.urls_common import common_patterns
from api.views_uploads import BulkUploadView

urlpatterns = [
    *common_patterns,
    *cluster_patterns,
    *admin_patterns,
    path("uploads/bulk/", BulkUploadView.as_view(), name="api-bulk-upload"),
]
