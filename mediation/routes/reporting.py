from django.urls import path

from mediation.views import reporting as views

urlpatterns = [
    path("zero-reports/", views.ZeroReportListView.as_view(), name="zero_report_list"),
    path("zero-reports/new/", views.ZeroReportCreateView.as_view(), name="zero_report_create"),
    path("zero-reports/unreported/", views.UnreportedView.as_view(), name="unreported"),
]
urlpatterns += [
    path("flags/", views.FlagListView.as_view(), name="flag_list"),
    path("flags/<int:pk>/review/", views.flag_review_view, name="flag_review"),
]
