"""URLs: the web pages at the root, the read-only API under /api/, Django's admin and login."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("xuncha.web.urls")),
    path("api/", include("xuncha.api.urls")),
    path("public/", include("xuncha.web.public_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
