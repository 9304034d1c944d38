from django.urls import include, path

from mediation.views import callbacks as views

urlpatterns = [
    path("callbacks/", views.CallbackListView.as_view(), name="callback_list"),
    path("callbacks/draw/", views.DrawView.as_view(), name="callback_draw"),
    path("callbacks/<int:pk>/record/", views.CallbackRecordView.as_view(), name="callback_record"),
]

# The case import's pages (mediation/routes/__init__.py lists no "imports" part).
urlpatterns += [path("", include("mediation.routes.imports"))]
