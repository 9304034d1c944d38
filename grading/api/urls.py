from rest_framework.routers import DefaultRouter

from grading.api import views

router = DefaultRouter()
for prefix, viewset in views.ROUTES:
    router.register(prefix, viewset)
