from rest_framework.routers import DefaultRouter

from subsidies.api.budgets import BudgetViewSet

router = DefaultRouter()
router.register("budgets", BudgetViewSet)
