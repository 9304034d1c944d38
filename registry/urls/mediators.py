from django.urls import path

from registry.views import mediators as views

urlpatterns = [
    path("mediators/", views.MediatorListView.as_view(), name="mediator_list"),
    path("mediators/new/", views.MediatorCreateView.as_view(), name="mediator_create"),
    path("mediators/<int:pk>/", views.MediatorDetailView.as_view(), name="mediator_detail"),
    path("mediators/<int:pk>/edit/", views.MediatorUpdateView.as_view(), name="mediator_update"),
    path("mediators/<int:pk>/photo/", views.mediator_photo_view, name="mediator_photo"),
    path("mediators/<int:pk>/reveal/", views.mediator_reveal_view, name="mediator_reveal"),
    path("mediators/<int:pk>/appoint/", views.AppointView.as_view(), name="appointment_create"),
    path("appointments/<int:pk>/end/", views.AppointmentEndView.as_view(), name="appointment_end"),
    path(
        "appointments/<int:pk>/transfer/",
        views.AppointmentTransferView.as_view(),
        name="appointment_transfer",
    ),
]
