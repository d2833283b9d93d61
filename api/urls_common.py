from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.views_auth import MeView, TokenView
from api.views_catalogue import IndicatorListView, PeriodListView

common_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("indicators/", IndicatorListView.as_view(), name="api-indicators"),
    path("periods/", PeriodListView.as_view(), name="api-periods"),
]
