"""Django's Redis cache, keeping its redis client.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call, and each
one fills a table of about two hundred response callbacks: measured, a tenth of the
time of an uncached public roster page, which makes eight cache calls. A client is
thread-safe and only wraps the connection pool, so one per pool is kept (Django
already keeps one cache backend per thread).
"""

from django.core.cache.backends import redis


class ClientKeepingRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClientKeepingRedisCacheClient
