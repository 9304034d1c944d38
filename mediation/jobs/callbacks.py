"""Celery tasks: callbacks."""
