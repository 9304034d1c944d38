"""Staff pages of the complaints part ("complaints" namespace)."""

from django.urls import include, path

app_name = "complaints"

urlpatterns = [path("", include(f"complaints.routes.{part}")) for part in ("workflow", "integrity")]
