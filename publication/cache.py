"""Cache keys of the public pages. Pages are cached per publication (a new version
has new keys), and the pointer to each bureau's live version is dropped when a
publication goes live, so the next request reads the new one.

Keys:
- ``bureau_key(region_code)``: the id of the bureau governing a region (0: none).
  Stable (one bureau per region); a miss is cached briefly.
- ``live_key(bureau_id)``: the bureau's live publication (with its bureau), or
  NO_LIVE. Dropped by ``forget_live`` when a publication goes live.
- ``BUREAUS_KEY``: the index page's list of bureaus with a live roster.
- ``page_key(publication_pk, ...)``: a rendered page of one publication. A new
  publication has a new pk, so old pages are simply never asked for again.
"""

import hashlib

from django.core.cache import cache

BUREAUS_KEY = "public-roster:bureaus"
# Stored in live_key for a bureau with nothing live (None means "not cached").
NO_LIVE = 0
# Publications are immutable, but the bureau's footer (address, phone, filing
# numbers) is editable: cached pages live long enough to absorb load, short enough
# that an edited footer shows within the hour.
PAGE_TIMEOUT = 60 * 60
LIVE_TIMEOUT = 10 * 60
MISS_TIMEOUT = 5 * 60
WORKBOOK_TIMEOUT = 24 * 60 * 60


def live_key(bureau_id) -> str:
    return f"public-roster:live:{bureau_id}"


def bureau_key(region_code: str) -> str:
    return f"public-roster:bureau:{region_code}"


def page_key(publication_pk, *parts) -> str:
    """A page of one publication; *parts* are the normalised view name, query and
    display flags (hashed, so a long query cannot make a long key)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"public-roster:page:{publication_pk}:{digest}"


def workbook_key(publication_pk) -> str:
    return f"public-roster:xlsx:{publication_pk}"


def regions_key(publication_pk) -> str:
    return f"public-roster:regions:{publication_pk}"


def forget_live(bureau_id):
    cache.delete_many([live_key(bureau_id), BUREAUS_KEY])


def forget_bureau(bureau):
    """After a bureau's details changed (name, footer fields): its pointer and the
    index go, and its pages follow once the pointer is re-read (pages of the same
    publication stay until PAGE_TIMEOUT)."""
    cache.delete_many([live_key(bureau.pk), BUREAUS_KEY, bureau_key(bureau.region_id)])
