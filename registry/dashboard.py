"""The roster's counters and warnings on the dashboard (called from RegistryConfig.ready)."""


def register():
    """Filled in by the reports work: committees, mediators, open term warnings."""
