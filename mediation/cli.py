"""The command line of the project: manage.py in a checkout, and the
`mediator-registry` console script of an installed wheel (pyproject.toml)."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
