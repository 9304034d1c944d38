"""Staff pages of the annual evaluation ("evaluation" namespace)."""

from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/run/", views.EvaluationRunView.as_view(), name="evaluation_run"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path(
        "evaluations/<int:pk>/review/",
        views.EvaluationReviewView.as_view(),
        name="evaluation_review",
    ),
    path(
        "evaluations/<int:pk>/publish/",
        views.EvaluationPublishView.as_view(),
        name="evaluation_publish",
    ),
    path("evaluations/<int:pk>/export/", views.sheet_export_view, name="evaluation_export"),
    path("evaluations/<int:pk>/renewal/", views.RenewalView.as_view(), name="renewal"),
    path("evaluations/<int:pk>/renewal/export/", views.renewal_export_view, name="renewal_export"),
    path("evaluations/entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path(
        "evaluations/entries/<int:pk>/grade/",
        views.EntryAdjustView.as_view(),
        name="entry_adjust",
    ),
    path("evaluations/renewals/", views.CandidateListView.as_view(), name="candidate_list"),
    path(
        "evaluations/renewals/<int:pk>/",
        views.CandidateDecideView.as_view(),
        name="candidate_decide",
    ),
]
