"""Staff pages of the typical-case library ("caselibrary" namespace)."""

from django.urls import path

from caselibrary import views

app_name = "caselibrary"

urlpatterns = [
    path("case-library/", views.EntryListView.as_view(), name="entry_list"),
    path("case-library/promote/", views.PromoteStartView.as_view(), name="promote_start"),
    path("case-library/promote/<int:pk>/", views.PromoteView.as_view(), name="promote"),
    path("case-library/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("case-library/<int:pk>/edit/", views.EntryUpdateView.as_view(), name="entry_update"),
    path("case-library/<int:pk>/publish/", views.EntryPublishView.as_view(), name="entry_publish"),
    path(
        "case-library/<int:pk>/withdraw/", views.EntryWithdrawView.as_view(), name="entry_withdraw"
    ),
]
