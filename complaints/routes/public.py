"""Public complaint pages ("public_complaints" namespace, under /public/complaints/)."""

from django.urls import path

from complaints.views import public as views

urlpatterns = [
    path("new/", views.new, name="new"),
    path("receipt/", views.receipt, name="receipt"),
    path("status/", views.status, name="status"),
]
