"""Cache keys of the public pages. Pages are cached per publication (a new version
has new keys), and the pointer to each bureau's live version is dropped when a
publication goes live, so the next request reads the new one."""

from django.core.cache import cache

BUREAUS_KEY = "public-roster:bureaus"


def live_key(bureau_id) -> str:
    return f"public-roster:live:{bureau_id}"


def forget_live(bureau_id):
    cache.delete_many([live_key(bureau_id), BUREAUS_KEY])
