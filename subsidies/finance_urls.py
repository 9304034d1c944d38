"""Finance pages of subsidies ("subsidies_finance" namespace)."""

from django.urls import path

from subsidies import finance_views as views

app_name = "subsidies_finance"

urlpatterns = [
    path("subsidies/payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("subsidies/budgets/", views.BudgetListView.as_view(), name="budget_list"),
    path("subsidies/budgets/new/", views.BudgetCreateView.as_view(), name="budget_create"),
    path("subsidies/budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path(
        "subsidies/budgets/<int:pk>/edit/", views.BudgetUpdateView.as_view(), name="budget_update"
    ),
    path(
        "subsidies/settlements/<int:pk>/workbook/",
        views.workbook_view,
        name="workbook",
    ),
    path(
        "subsidies/mediators/<int:pk>/statement/",
        views.statement_view,
        name="statement",
    ),
]
