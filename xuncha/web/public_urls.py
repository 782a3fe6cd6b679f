"""The public pages' URLs under /public/ (namespace ``public``): anyone may read them."""

from django.urls import path

from xuncha.web.views import public

app_name = "public"
urlpatterns = [
    path("", public.public_index, name="index"),
    path("publications/<int:pk>/", public.public_publication, name="publication"),
    path("rounds/<int:pk>/", public.public_round, name="round"),
]
