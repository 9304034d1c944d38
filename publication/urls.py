"""Staff pages of the public roster ("publication" namespace)."""

from django.urls import include, path

app_name = "publication"

urlpatterns = [path("", include("publication.routes.staff"))]
