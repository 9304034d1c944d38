from django.urls import path

from mediation.views import cases

urlpatterns = [
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/export/", cases.CaseLedgerView.as_view(), name="case_export"),
    path("cases/new/", cases.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/start/", cases.CaseStartView.as_view(), name="case_start"),
    path("cases/<int:pk>/close/", cases.CaseCloseView.as_view(), name="case_close"),
    path("cases/<int:pk>/reopen/", cases.CaseReopenView.as_view(), name="case_reopen"),
]
