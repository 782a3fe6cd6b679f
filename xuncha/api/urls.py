"""The API's routes: the three read-only collections, the OpenAPI schema and its viewer.

The schema and its viewer ask for a login like the rest of the API. The viewer (Swagger UI)
loads its assets from this server (drf-spectacular-sidecar), never from a CDN. There is no
ReDoc page: drf-spectacular's ReDoc template fetches web fonts from Google.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from xuncha.api import views

app_name = "api"


class ApiRouter(DefaultRouter):
    """The default router without format-suffix routes (``?format=json`` does the same).

    Path converters rather than regexes, so ids are integers in the schema and a non-numeric id
    is simply not found; suffix routes would appear in the schema as extra ``{format}`` paths.
    """

    include_format_suffixes = False


router = ApiRouter(use_regex_path=False)
router.register("rounds", views.RoundViewSet, basename="round")
router.register("units", views.UnitViewSet, basename="unit")
router.register("problems", views.ProblemViewSet, basename="problem")

login_required = [IsAuthenticated]

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=login_required),
        name="schema",
    ),
    path(
        "schema/swagger/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=login_required),
        name="swagger",
    ),
    path("", include(router.urls)),
]
