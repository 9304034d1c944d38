from rest_framework.routers import DefaultRouter

from registry.api import committees, mediators, training

router = DefaultRouter()
for module in (committees, mediators, training):
    for prefix, viewset in module.ROUTES:
        router.register(prefix, viewset)
