"""Celery tasks of the roster's Excel imports and exports."""
