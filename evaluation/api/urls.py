from rest_framework.routers import DefaultRouter

from evaluation.api import views

router = DefaultRouter()
for prefix, viewset in views.ROUTES:
    router.register(prefix, viewset, basename=getattr(viewset, "basename", None))
