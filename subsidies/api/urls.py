from rest_framework.routers import DefaultRouter

from subsidies.api import views

router = DefaultRouter()
for prefix, viewset in views.ROUTES:
    router.register(prefix, viewset)
