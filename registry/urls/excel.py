from django.urls import path

from registry.views import excel as views

urlpatterns = [
    path("roster/import/", views.import_view, name="roster_import"),
    path("roster/import/template/", views.import_template_view, name="roster_import_template"),
    path("roster/import/<int:pk>/", views.import_result_view, name="roster_import_result"),
    path("committees/export/", views.committee_export_view, name="committee_export"),
    path("mediators/export/", views.mediator_export_view, name="mediator_export"),
]
