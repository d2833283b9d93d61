"""Routes served on every host: sign-in, language, health, the API's shared part."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from hub.views.core import healthz, home

common_patterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", healthz, name="healthz"),
]
