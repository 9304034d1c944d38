from rest_framework.routers import DefaultRouter

from complaints.api import complaints, integrity

router = DefaultRouter()
for module in (complaints, integrity):
    for prefix, viewset in module.ROUTES:
        router.register(prefix, viewset)
