from rest_framework.routers import DefaultRouter

from caselibrary.api import views

router = DefaultRouter()
for prefix, viewset in views.ROUTES:
    router.register(prefix, viewset)
