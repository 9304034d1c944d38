"""Included by core.urls under users/, inside its namespace (core:user_list, ...)."""

from django.urls import path

from core.users import views

urlpatterns = [
    path("", views.UserListView.as_view(), name="user_list"),
    path("new/", views.UserCreateView.as_view(), name="user_create"),
    path("<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("<int:pk>/roles/new/", views.RoleGrantView.as_view(), name="role_grant"),
    path("<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user_deactivate"),
    path("<int:pk>/reactivate/", views.UserReactivateView.as_view(), name="user_reactivate"),
    path("<int:pk>/reset-password/", views.PasswordResetView.as_view(), name="password_reset"),
    path("roles/<int:pk>/end/", views.RoleEndView.as_view(), name="role_end"),
]
