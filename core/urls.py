from django.urls import include, path

from core import calendar_views, picker_views, pickers, views
from core.users.passwords import PasswordChangeView

app_name = "core"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("role/", views.switch_role_view, name="switch_role"),
    path("bureaus/", views.BureauListView.as_view(), name="bureau_list"),
    path("bureaus/<int:pk>/", views.BureauDetailView.as_view(), name="bureau_detail"),
    path("bureaus/<int:pk>/edit/", views.BureauSiteUpdateView.as_view(), name="bureau_update"),
    path("bureaus/<int:pk>/rules/<slug:key>/", views.policy_edit_view, name="policy_edit"),
    path("offices/", views.OfficeListView.as_view(), name="office_list"),
    path("offices/new/", views.OfficeCreateView.as_view(), name="office_create"),
    path("offices/<int:pk>/", views.OfficeDetailView.as_view(), name="office_detail"),
    path("offices/<int:pk>/edit/", views.OfficeUpdateView.as_view(), name="office_update"),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/new/", views.RegionCreateView.as_view(), name="region_create"),
    path("users/", include("core.users.urls")),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("users/export/", views.role_export_view, name="role_export"),
    path("calendar/", calendar_views.WorkdayListView.as_view(), name="workday_list"),
    path("calendar/<int:year>/", calendar_views.WorkdayEditView.as_view(), name="workday_edit"),
    path("jobs/", views.JobListView.as_view(), name="job_list"),
    # Jobs are named by their uuid (still called pk), never by the sequential id.
    path("jobs/<uuid:pk>/", views.job_view, name="job_detail"),
    path("jobs/<uuid:pk>/download/", views.job_download_view, name="job_download"),
    path("jobs/<uuid:pk>/retry/", views.job_retry_view, name="job_retry"),
    # One route per picker (core.pickers), each named pick_<kind>.
    *[
        path(f"pick/{kind}/", picker_views.pick_view, {"kind": kind}, name=f"pick_{kind}")
        for kind in pickers.PICKERS
    ],
]
