from django.urls import path

from complaints.views import workflow as views

urlpatterns = [
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/new/", views.WindowComplaintView.as_view(), name="complaint_create"),
    path("complaints/filed/", views.complaint_filed_view, name="complaint_filed"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path(
        "complaints/<int:pk>/assign/", views.ComplaintAssignView.as_view(), name="complaint_assign"
    ),
    path(
        "complaints/<int:pk>/verify/", views.ComplaintVerifyView.as_view(), name="complaint_verify"
    ),
    path(
        "complaints/<int:pk>/conclude/",
        views.ComplaintConcludeView.as_view(),
        name="complaint_conclude",
    ),
    path(
        "complaints/<int:pk>/answer/", views.ComplaintAnswerView.as_view(), name="complaint_answer"
    ),
    path("complaints/attachments/<int:pk>/", views.attachment_view, name="attachment"),
]
