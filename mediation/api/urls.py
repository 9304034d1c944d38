from rest_framework.routers import DefaultRouter

from mediation.api import callbacks, cases, rankings, statistics

router = DefaultRouter()
for module in (cases, callbacks, statistics, rankings):
    for prefix, viewset in module.ROUTES:
        router.register(prefix, viewset, basename=getattr(viewset, "basename", None))
