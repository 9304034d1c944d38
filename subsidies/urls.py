"""Staff pages of subsidies ("subsidies" namespace)."""

from django.urls import path

from subsidies.views import reviews, rules, settlements

app_name = "subsidies"

urlpatterns = [
    path("subsidies/rules/", rules.RuleListView.as_view(), name="rule_list"),
    path("subsidies/rules/new/", rules.RuleCreateView.as_view(), name="rule_create"),
    path("subsidies/rules/<int:pk>/", rules.RuleDetailView.as_view(), name="rule_detail"),
    path("subsidies/rules/<int:pk>/edit/", rules.RuleUpdateView.as_view(), name="rule_edit"),
    path("subsidies/rules/<int:pk>/preview/", rules.RulePreviewView.as_view(), name="rule_preview"),
    path("subsidies/review-queue/", reviews.ReviewQueueView.as_view(), name="review_queue"),
    path("subsidies/reviews/", reviews.ReviewListView.as_view(), name="review_list"),
    path("subsidies/reviews/<int:pk>/", reviews.ReviewDetailView.as_view(), name="review_detail"),
    path("subsidies/cases/<int:pk>/review/", reviews.CaseReviewView.as_view(), name="review_case"),
    path(
        "subsidies/settlements/", settlements.SettlementListView.as_view(), name="settlement_list"
    ),
    path(
        "subsidies/settlements/new/",
        settlements.SettlementCreateView.as_view(),
        name="settlement_create",
    ),
    path(
        "subsidies/settlements/<int:pk>/",
        settlements.SettlementDetailView.as_view(),
        name="settlement_detail",
    ),
    path(
        "subsidies/settlements/<int:pk>/lines/",
        settlements.SettlementLineListView.as_view(),
        name="settlement_lines",
    ),
    path(
        "subsidies/settlements/<int:pk>/approve/",
        settlements.SettlementApproveView.as_view(),
        name="settlement_approve",
    ),
    *[
        path(
            f"subsidies/settlements/<int:pk>/{name}/",
            settlements.step_view(name),
            name=f"settlement_{name}",
        )
        for name in ("compute", "review", "reopen", "export", "pay")
    ],
    path("subsidies/lines/<int:pk>/", settlements.LineDetailView.as_view(), name="line_detail"),
    path(
        "subsidies/lines/<int:pk>/adjust/",
        settlements.AdjustmentCreateView.as_view(),
        name="adjustment_create",
    ),
]
