"""Django's Redis cache backend, keeping one redis client per connection pool, and running Lua
scripts on its keys.

Django builds a new `redis.Redis` for every cache call, and with redis-py 5 and later building
one (its table of reply callbacks) costs more CPU than the call itself on loopback: it doubled
the cost of serving a cached page. A client only wraps its pool and is thread-safe, so one per
pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.commands.core import Script


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # kept for the life of the process
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
        self._scripts: dict[str, Script] = {}

    def run_script(self, source: str, key: str, args: list):
        """Run the Lua script `source` on the cache key `key` (prefixed and versioned as the
        cache's own keys) in one round trip, and return its reply."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        script = self._scripts.get(source)
        if script is None:  # sent to the server once, then called by its hash
            script = self._scripts[source] = client.register_script(source)
        return script(keys=[key], args=args, client=client)
