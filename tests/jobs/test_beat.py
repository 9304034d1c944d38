from django.conf import settings

from mediation.celery import app


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert len(scheduled) >= 5
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
