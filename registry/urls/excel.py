from django.urls import path

from registry.views import excel as views

urlpatterns = [
    path("roster/import/", views.ROSTER_IMPORT.upload_view, name="roster_import"),
    path(
        "roster/import/template/", views.ROSTER_IMPORT.template_view, name="roster_import_template"
    ),
    path("roster/import/<uuid:pk>/", views.ROSTER_IMPORT.result_view, name="roster_import_result"),
    path("committees/export/", views.committee_export_view, name="committee_export"),
    path("mediators/export/", views.mediator_export_view, name="mediator_export"),
]
