from django.urls import path

from complaints.views import integrity as views

urlpatterns = [
    path(
        "mediators/<int:pk>/commendations/new/",
        views.CommendationCreateView.as_view(),
        name="commendation_create",
    ),
]
