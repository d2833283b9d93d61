from api.urls_common import common_patterns

urlpatterns = [*common_patterns]
