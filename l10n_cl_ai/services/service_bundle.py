"""The service objects one worker process uses for one set of settings, built lazily on first use.

A worker that never validates or searches never imports anthropic, numpy, faiss or onnxruntime.
"""

import threading


class ServiceBundle:
    """Lazily built services for one :class:`~.settings.EngineSettings`."""

    def __init__(self, settings):
        self.settings = settings
        self._lock = threading.RLock()
        self._built = {}

    def _get(self, name, factory):
        service = self._built.get(name)
        if service is None:
            with self._lock:
                service = self._built.get(name)
                if service is None:
                    service = factory()
                    self._built[name] = service
        return service

    @property
    def redis(self):
        """A redis-py client from the settings (URL or Sentinel), or ``None`` when none is configured."""

        def build():
            from . import redis_conn

            settings = self.settings
            if not (settings.redis_url or settings.redis_sentinels):
                return False
            return redis_conn.build_redis(
                redis_url=settings.redis_url or None,
                sentinels=settings.redis_sentinels or None,
                sentinel_master=settings.redis_sentinel_master or None,
            )

        return self._get("redis", build) or None

    def close(self):
        """Release network resources (called when the settings changed and a new bundle replaces this one)."""
        client = self._built.get("redis")
        if client:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a dead connection must not break a rebuild
                pass
        self._built.clear()
