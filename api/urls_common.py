from django.urls import path

from api.views_auth import MeView, TokenRevokeAllView, TokenRevokeView, TokenView
from api.views_catalogue import IndicatorListView, PeriodListView
from api.views_schema import HostSchemaView

common_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/token/revoke-all/", TokenRevokeAllView.as_view(), name="api-token-revoke-all"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", HostSchemaView.as_view(), name="api-schema"),
    path("indicators/", IndicatorListView.as_view(), name="api-indicators"),
    path("periods/", PeriodListView.as_view(), name="api-periods"),
]
