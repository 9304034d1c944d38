"""The published typical cases under a bureau's part of the public site
("public_cases" namespace, under /public/<bureau's division code>/cases/)."""

from django.urls import path

from caselibrary import public_views as views

# The public site's path converters (a 12-digit division code, a record number).
from publication.routes import public as _converters  # noqa: F401

app_name = "public_cases"

urlpatterns = [
    path("<public_region:region_code>/cases/", views.entry_list, name="list"),
    path("<public_region:region_code>/cases/<public_record:entry_id>/", views.entry, name="detail"),
]
