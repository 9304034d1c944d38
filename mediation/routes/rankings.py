from django.urls import path

from mediation.views import rankings as views

urlpatterns = [
    path("rankings/", views.RankingListView.as_view(), name="ranking_list"),
    path("rankings/run/", views.RankingRunView.as_view(), name="ranking_run"),
    path("rankings/<int:pk>/", views.RankingDetailView.as_view(), name="ranking_detail"),
    path("rankings/<int:pk>/publish/", views.ranking_publish_view, name="ranking_publish"),
    path("rankings/targets/", views.TargetListView.as_view(), name="target_list"),
    path("rankings/targets/set/", views.TargetSetView.as_view(), name="target_set"),
]
