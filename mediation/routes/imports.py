from django.urls import path

from mediation.views import imports as views

urlpatterns = [
    path("cases/import/", views.CASE_IMPORT.upload_view, name="case_import"),
    path("cases/import/template/", views.CASE_IMPORT.template_view, name="case_import_template"),
    path("cases/import/<uuid:pk>/", views.CASE_IMPORT.result_view, name="case_import_result"),
]
