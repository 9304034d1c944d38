"""Where the core settlement calls into finance's parts (subsidies.budgets, built
separately): guarded, so settling works before and without them."""


def budget_warning(settlement) -> str | None:
    """Finance's ``subsidies.budgets.check(settlement)``: a warning when paying the
    settlement would overspend the budget, else None."""
    try:
        from subsidies.budgets import check
    except ImportError:
        return None
    return check(settlement)
