"""URLs of the read-only API, mounted at /api/: its root, the published snapshots, the regencies/cities and the
OpenAPI document. No `.json` format suffixes: the API speaks JSON only."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from published import api


class Router(DefaultRouter):
    include_format_suffixes = False
    APIRootView = api.ApiRootView


router = Router(use_regex_path=False)
router.register("snapshots", api.SnapshotViewSet, basename="api-snapshot")
router.register("cities", api.CityViewSet, basename="api-city")

urlpatterns = [
    path("schema/", api.SchemaView.as_view(), name="api-schema"),
    *router.urls,
]
