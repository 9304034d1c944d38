from django.urls import path

from mediation.views import callbacks as views

urlpatterns = [
    path("callbacks/", views.CallbackListView.as_view(), name="callback_list"),
    path("callbacks/draw/", views.DrawView.as_view(), name="callback_draw"),
    path("callbacks/<int:pk>/record/", views.CallbackRecordView.as_view(), name="callback_record"),
]
