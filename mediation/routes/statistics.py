from django.urls import path

from mediation.views.statistics import StatisticsView

urlpatterns = [
    path("statistics/", StatisticsView.as_view(), name="statistics"),
]
