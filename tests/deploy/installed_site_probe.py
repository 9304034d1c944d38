"""Run by an installed site's `mediator-registry shell` (tests/deploy/test_wheel.py):
prints, as one JSON line, what the site imports and what its pages answer to a browser
that signs the first bureau admin in, through the forced password change."""

import json
import os
import sys

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

client = Client()
login_page = client.get(reverse("login"), secure=True)
stylesheet = client.get(static("vendor/bootstrap/bootstrap.min.css"), secure=True)
password = os.environ["BUREAU_ADMIN_PASSWORD"]
signed_in = client.post(
    reverse("login"), {"username": "chief", "password": password}, secure=True, follow=True
)
new_password = password[::-1] + "-new"
changed = client.post(
    reverse("core:password_change"),
    {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    secure=True,
    follow=True,
)
print(
    json.dumps(
        {
            "sys_path": sys.path,
            "app_paths": {c.label: c.path for c in apps.get_app_configs()},
            "migrations": sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations),
            "login": [login_page.status_code, login_page.content.decode()],
            "stylesheet": stylesheet.status_code,
            "signed_in": [signed_in.status_code, signed_in.request["PATH_INFO"]],
            "password_page": reverse("core:password_change"),
            "changed": [changed.status_code, changed.request["PATH_INFO"]],
            "dashboard": [reverse("core:dashboard"), changed.content.decode()],
        }
    )
)
