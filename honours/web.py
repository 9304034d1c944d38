"""What honours' pages add at start-up (called from HonoursConfig.ready): the
dashboard's items."""


def ready():
    from honours import dashboard

    dashboard.register()
