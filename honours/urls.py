"""Staff pages of honours ("honours" namespace)."""

from django.urls import path

from honours import views

app_name = "honours"

urlpatterns = [
    path("honours/", views.CallListView.as_view(), name="call_list"),
    path("honours/new/", views.CallCreateView.as_view(), name="call_create"),
    path("honours/<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("honours/<int:pk>/edit/", views.CallUpdateView.as_view(), name="call_update"),
    path("honours/<int:pk>/open/", views.CallOpenView.as_view(), name="call_open"),
    path("honours/<int:pk>/judging/", views.CallJudgingView.as_view(), name="call_judging"),
    path("honours/<int:pk>/announce/", views.CallAnnounceView.as_view(), name="call_announce"),
    path("honours/<int:pk>/panel/", views.PanelAddView.as_view(), name="panel_add"),
    path("honours/<int:pk>/nominate/", views.NominateView.as_view(), name="nominate"),
    path("honours/panel/<int:pk>/remove/", views.PanelRemoveView.as_view(), name="panel_remove"),
    path("honours/<int:pk>/result.xlsx", views.result_export, name="result_export"),
    path("honours/nominations/", views.NominationListView.as_view(), name="nomination_list"),
    path(
        "honours/nominations/<int:pk>/",
        views.NominationDetailView.as_view(),
        name="nomination_detail",
    ),
    path("honours/nominations/<int:pk>/score/", views.ScoreView.as_view(), name="score"),
    path(
        "honours/nominations/<int:pk>/withdraw/",
        views.WithdrawView.as_view(),
        name="nomination_withdraw",
    ),
]
