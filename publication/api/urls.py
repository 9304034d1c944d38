from rest_framework.routers import DefaultRouter

from publication.api import publications

router = DefaultRouter()
for module in (publications,):
    for prefix, viewset in module.ROUTES:
        router.register(prefix, viewset)
