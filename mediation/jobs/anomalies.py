"""Celery tasks: anomalies."""
