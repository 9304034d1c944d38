from django.urls import path

from mediation.views import imports as views

urlpatterns = [
    path("cases/import/", views.case_import_view, name="case_import"),
    path("cases/import/template/", views.case_import_template_view, name="case_import_template"),
    path("cases/import/<int:pk>/", views.case_import_result_view, name="case_import_result"),
]
