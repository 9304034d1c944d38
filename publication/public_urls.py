"""The public roster under /public/ ("public" namespace): no login, every request
treated as hostile."""

from django.urls import include, path

app_name = "public"

urlpatterns = [path("", include("publication.routes.public"))]
