"""What the evaluation pages add at start-up (called from EvaluationConfig.ready): the
dashboard's items."""


def ready():
    from evaluation import dashboard

    dashboard.register()
