"""The public roster under /public/ ("public" namespace). A region code is 12 digits
and a record number at most 18, so nothing else reaches a view."""

from django.urls import path, register_converter

from publication.views import public as views


class RegionCodeConverter:
    regex = r"[0-9]{12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class RecordNumberConverter:
    regex = r"[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class CodeConverter:
    regex = r"[^/]{1,40}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(RegionCodeConverter, "public_region")
register_converter(RecordNumberConverter, "public_record")
register_converter(CodeConverter, "public_code")

urlpatterns = [
    path("", views.index, name="index"),
    path("text-size/", views.text_size, name="text_size"),
    path("<public_region:region_code>/", views.search, name="search"),
    path("<public_region:region_code>/about/", views.about, name="about"),
    path("<public_region:region_code>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path(
        "<public_region:region_code>/mediators/<public_record:mediator_id>/",
        views.mediator,
        name="mediator",
    ),
    path(
        "<public_region:region_code>/photos/<public_record:mediator_id>/",
        views.photo,
        name="photo",
    ),
    path(
        "<public_region:region_code>/committees/<public_code:code>/",
        views.committee,
        name="committee",
    ),
]
