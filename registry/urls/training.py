from django.urls import path

from registry.views import training as views

urlpatterns = [
    path("training/", views.TrainingListView.as_view(), name="training_list"),
    path("training/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("training/report/", views.TrainingReportView.as_view(), name="training_report"),
    path("training/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("training/<int:pk>/edit/", views.TrainingUpdateView.as_view(), name="training_update"),
    path(
        "training/attendance/<int:pk>/remove/",
        views.attendance_remove_view,
        name="training_attendance_remove",
    ),
    path("mentorships/", views.MentorshipListView.as_view(), name="mentorship_list"),
    path("mentorships/new/", views.MentorshipCreateView.as_view(), name="mentorship_create"),
    path("attendance/", views.AttendanceListView.as_view(), name="attendance_list"),
    path("attendance/new/", views.AttendanceCreateView.as_view(), name="attendance_create"),
    path("leave/", views.LeaveListView.as_view(), name="leave_list"),
    path("leave/new/", views.LeaveCreateView.as_view(), name="leave_create"),
    path("leave/<int:pk>/approve/", views.leave_approve_view, name="leave_approve"),
]
