from rest_framework.routers import DefaultRouter

from core.api import views
from core.users import api as users_api

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("bureaus", views.BureauViewSet)
router.register("offices", views.JudicialOfficeViewSet)
router.register("users", users_api.UserViewSet)
router.register("roles", users_api.RoleViewSet)
router.register("policies", views.PolicyViewSet)
