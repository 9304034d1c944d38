"""Storage for files the public sends: outside MEDIA_ROOT and the web root, so no
URL reaches them except the staff view that checks jurisdiction."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    # Read the setting on every use (tests point it at a temporary directory).
    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


_storage = PrivateStorage()


def private_storage():
    return _storage
