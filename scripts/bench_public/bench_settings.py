"""Settings of the benchmark's gunicorn: the project's, with the public page cache
(publication.cache.PublicPageCacheMiddleware) right after WhiteNoise unless
BENCH_FAST_PATH=0, whether or not mediation.settings lists it yet."""

import os

from mediation.settings import *  # noqa: F403
from mediation.settings import MIDDLEWARE as _PROJECT_MIDDLEWARE

FAST_PATH = "publication.cache.PublicPageCacheMiddleware"

MIDDLEWARE = [entry for entry in _PROJECT_MIDDLEWARE if entry != FAST_PATH]
if os.environ.get("BENCH_FAST_PATH", "1") != "0":
    _at = MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    MIDDLEWARE.insert(_at, FAST_PATH)
