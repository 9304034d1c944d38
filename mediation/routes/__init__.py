"""Pages of the cases part ("mediation" namespace); each part keeps its routes in its
own module here. (mediation/urls.py is the project's root URLconf.)"""

from django.urls import include, path

app_name = "mediation"

urlpatterns = [
    path("", include(f"mediation.routes.{part}"))
    for part in ("cases", "imports", "callbacks", "statistics", "reporting", "rankings")
]
