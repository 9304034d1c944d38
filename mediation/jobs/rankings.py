"""Celery tasks: rankings."""
