"""What subsidies' pages add at start-up (called from SubsidiesConfig.ready): the
dashboard's finance items and chart, finance's job kind and task, the demo step."""


def ready():
    from subsidies import dashboard, demo, finance_tasks  # noqa: F401  (registers them)

    dashboard.register()
