"""The public grading notice under a bureau's part of the public site
("public_grading" namespace, under /public/<bureau's division code>/grading/)."""

from django.urls import path

from grading.views import public as views

# The public site's path converters (a 12-digit division code, a record number).
from publication.routes import public as _converters  # noqa: F401

app_name = "public_grading"

urlpatterns = [
    path("<public_region:region_code>/grading/", views.notices, name="notices"),
    path(
        "<public_region:region_code>/grading/<public_record:round_id>/",
        views.notice,
        name="notice",
    ),
    path(
        "<public_region:region_code>/grading/<public_record:round_id>/objection/",
        views.objection,
        name="objection",
    ),
    path(
        "<public_region:region_code>/grading/<public_record:round_id>/objection/received/",
        views.objection_received,
        name="objection_received",
    ),
]
