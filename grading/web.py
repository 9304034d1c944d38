"""What grading's pages add at start-up (called from GradingConfig.ready): the
dashboard's items and chart."""


def ready():
    from grading import dashboard

    dashboard.register()
