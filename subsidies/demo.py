"""Subsidies' step of ``manage.py seed_demo`` (filled in below)."""
