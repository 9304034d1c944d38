"""The cases part's counters and lists on the dashboard (called from ready())."""


def register():
    """Filled in by the monthly-reporting work: unreported committees, flags, callbacks."""
