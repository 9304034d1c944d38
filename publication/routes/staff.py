from django.urls import path

from publication.views import staff as views

urlpatterns = [
    path("roster-publications/", views.PublicationListView.as_view(), name="publication_list"),
    path(
        "roster-publications/new/",
        views.PublicationPreviewView.as_view(),
        name="publication_preview",
    ),
    path(
        "roster-publications/<int:pk>/",
        views.PublicationDetailView.as_view(),
        name="publication_detail",
    ),
]
