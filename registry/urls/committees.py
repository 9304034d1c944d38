from django.urls import path

from registry.views import committees as views

urlpatterns = [
    path("committees/", views.CommitteeListView.as_view(), name="committee_list"),
    path("committees/new/", views.CommitteeCreateView.as_view(), name="committee_create"),
    path("committees/<int:pk>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("committees/<int:pk>/edit/", views.CommitteeUpdateView.as_view(), name="committee_update"),
    path(
        "committees/<int:pk>/deregister/",
        views.CommitteeDeregisterView.as_view(),
        name="committee_deregister",
    ),
    path(
        "committees/<int:pk>/terms/new/",
        views.CommitteeTermCreateView.as_view(),
        name="committee_term_create",
    ),
]
