"""Pages of the roster. Each part of it keeps its routes in its own module here;
they all join the "registry" namespace."""

from django.urls import include, path

app_name = "registry"

urlpatterns = [
    path("", include(f"registry.urls.{part}"))
    for part in ("committees", "mediators", "training", "reports", "excel")
]
