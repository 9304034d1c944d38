"""Staff pages of grading ("grading" namespace)."""

from django.urls import path

from grading.views import applications, overview, rounds

app_name = "grading"

urlpatterns = [
    path("grading/rounds/", rounds.RoundListView.as_view(), name="round_list"),
    path("grading/rounds/new/", rounds.RoundCreateView.as_view(), name="round_create"),
    path("grading/rounds/<int:pk>/", rounds.RoundDetailView.as_view(), name="round_detail"),
    path("grading/rounds/<int:pk>/edit/", rounds.RoundUpdateView.as_view(), name="round_update"),
    path("grading/rounds/<int:pk>/open/", rounds.RoundOpenView.as_view(), name="round_open"),
    path("grading/rounds/<int:pk>/review/", rounds.RoundReviewView.as_view(), name="round_review"),
    path("grading/rounds/<int:pk>/panel/", rounds.RoundPanelView.as_view(), name="round_panel"),
    path("grading/rounds/<int:pk>/notice/", rounds.RoundNoticeView.as_view(), name="round_notice"),
    path("grading/rounds/<int:pk>/close/", rounds.RoundCloseView.as_view(), name="round_close"),
    path(
        "grading/rounds/<int:pk>/effective/",
        rounds.RoundEffectiveView.as_view(),
        name="round_effective",
    ),
    path(
        "grading/rounds/<int:pk>/eligibility/",
        rounds.EligibilityListView.as_view(),
        name="eligibility_list",
    ),
    path(
        "grading/rounds/<int:pk>/eligibility/compute/",
        rounds.EligibilityComputeView.as_view(),
        name="eligibility_compute",
    ),
    path(
        "grading/rounds/<int:pk>/eligibility/export/",
        rounds.eligibility_export_view,
        name="eligibility_export",
    ),
    path(
        "grading/rounds/<int:pk>/decisions/",
        rounds.DecisionSheetView.as_view(),
        name="decision_sheet",
    ),
    path(
        "grading/rounds/<int:pk>/decisions/export/",
        rounds.decision_export_view,
        name="decision_export",
    ),
    path(
        "grading/rounds/<int:pk>/notice-list/",
        rounds.NoticeListView.as_view(),
        name="notice_list",
    ),
    path(
        "grading/rounds/<int:pk>/notice-list/export/",
        rounds.notice_export_view,
        name="notice_export",
    ),
    path(
        "grading/rounds/<int:pk>/apply/",
        rounds.ApplicationCreateView.as_view(),
        name="application_create",
    ),
    path(
        "grading/applications/",
        applications.ApplicationListView.as_view(),
        name="application_list",
    ),
    path(
        "grading/applications/<int:pk>/",
        applications.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "grading/applications/<int:pk>/check/",
        applications.ApplicationCheckView.as_view(),
        name="application_check",
    ),
    path(
        "grading/applications/<int:pk>/review/",
        applications.ApplicationReviewView.as_view(),
        name="application_review",
    ),
    path(
        "grading/applications/<int:pk>/decide/",
        applications.ApplicationDecideView.as_view(),
        name="application_decide",
    ),
    path("grading/objections/", applications.ObjectionListView.as_view(), name="objection_list"),
    path(
        "grading/objections/<int:pk>/",
        applications.ObjectionDetailView.as_view(),
        name="objection_detail",
    ),
    path(
        "grading/objections/<int:pk>/answer/",
        applications.ObjectionAnswerView.as_view(),
        name="objection_answer",
    ),
    path("grading/levels/", applications.LevelChangeListView.as_view(), name="level_list"),
    path("grading/overview/", overview.overview_view, name="overview"),
    path("grading/mediators/<int:pk>/", overview.mediator_levels, name="mediator_levels"),
]
