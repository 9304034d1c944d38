from rest_framework.routers import DefaultRouter

from core.api import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("bureaus", views.BureauViewSet)
router.register("offices", views.JudicialOfficeViewSet)
router.register("roles", views.RoleViewSet)
router.register("policies", views.PolicyViewSet)
