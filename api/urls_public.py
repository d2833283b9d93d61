from api.urls_clusters import cluster_patterns
from api.urls_common import common_patterns

urlpatterns = [*common_patterns, *cluster_patterns]
