"""Complaint filing and status under /public/complaints/ ("public_complaints"
namespace): no login."""

from django.urls import include, path

app_name = "public_complaints"

urlpatterns = [path("", include("complaints.routes.public"))]
