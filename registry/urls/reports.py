from django.urls import path

from registry.views import reports as views

urlpatterns = [
    path("reports/staffing/", views.ComplianceView.as_view(), name="compliance"),
    path("reports/completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("term-warnings/", views.TermWarningListView.as_view(), name="term_warning_list"),
]
