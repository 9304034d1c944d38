"""The public library pages' cache. Rendered pages are kept under a key holding the
library's version, which every publish, withdrawal or edit of a published case
moves on: the next request renders afresh, and old pages are never asked for again."""

import hashlib

from django.core.cache import cache

VERSION_KEY = "caselibrary:version"
PAGE_TIMEOUT = 60 * 60
MAX_AGE = 300  # what browsers and proxies may keep (Cache-Control)


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, None)
        current = cache.get(VERSION_KEY) or 1
    return current


def changed():
    """A published text changed: every cached public page is stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def page_key(*parts) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"caselibrary:page:{version()}:{digest}"
