"""The service objects one worker process uses for one set of settings, built lazily on first use.

A worker that never validates or searches never imports anthropic, numpy, faiss or onnxruntime.
"""

import logging
import threading

_logger = logging.getLogger(__name__)


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
            from .redis_state import connection as redis_conn

            settings = self.settings
            if not (settings.redis_url or settings.redis_sentinels):
                return False
            return redis_conn.build_redis(
                redis_url=settings.redis_url or None,
                sentinels=settings.redis_sentinels or None,
                sentinel_master=settings.redis_sentinel_master or None,
            )

        return self._get("redis", build) or None

    def redis_health(self):
        """``{"state": "ok" | "down" | "not_configured", "error": class name, "ping_ms": float}``, probed
        at most every few seconds through the same outage guard as the limiter: ``/health`` never waits
        for a Redis that does not answer more than once per back-off, whoever calls it."""

        def build():
            import time

            from .redis_state.shared_state import CachedProbe, OutageGuard

            client = self.redis
            guard = OutageGuard("health", backoff_s=5.0, max_backoff_s=30.0)
            last_error = {}

            def ping():
                started = time.monotonic()
                client.ping()
                return {"state": "ok", "ping_ms": round((time.monotonic() - started) * 1000, 2)}

            def down():
                return {"state": "down", "error": last_error.get("name", "unavailable")}

            def probe():
                if client is None:
                    return {"state": "not_configured"}
                try:
                    value, _used = guard.run(ping, down)
                except Exception as error:  # noqa: BLE001 - anything else is reported, not raised
                    last_error["name"] = type(error).__name__
                    return down()
                return value

            guard.on_outage = lambda error: last_error.update(name=type(error).__name__)
            return CachedProbe(probe, ttl_s=5.0, pending={"state": "unknown"})

        return self._get("redis_health", build).get()

    def similarity(self, text, descriptions):
        """Cosine similarity between ``text`` and each description, by this bundle's embedder: what the
        plugin registry compares a question with (``REGISTRY.select_detailed(..., similarity=...)``)."""
        embedder = self.embedder  # E5 was trained with a "query: " / "passage: " prefix on each side
        vectors = embedder.embed(
            [
                embedder.query_prefix + text,
                *(embedder.passage_prefix + description for description in descriptions),
            ]
        )
        return [float(vectors[0] @ vector) for vector in vectors[1:]]

    @property
    def similarity_floor(self):
        """The ``min_similarity`` of plugin routing for this bundle's embedding model."""
        from .knowledge.model_files import similarity_floor

        return similarity_floor(self.settings.embedding_model)

    def limiter(self, namespace):
        """The rate limiter (Redis sliding window; per-process window or refusal when Redis is down)."""

        def build():
            from .redis_state.limiter import RateLimiter

            return RateLimiter(
                self.redis, fail_mode=self.settings.limiter_fail_mode, on_outage=self.on_redis_outage
            )

        return self._get(f"limiter:{namespace}", build)

    def breaker(self, namespace):
        """The Claude circuit breaker, shared by every worker through Redis (per process without Redis)."""

        def build():
            from .claude.breaker import CircuitBreaker

            return CircuitBreaker(
                redis_client=self.redis,
                key_prefix=f"{namespace}:breaker:",
                failure_threshold=self.settings.breaker_failure_threshold,
                cooldown_s=self.settings.breaker_cooldown_s,
            )

        return self._get(f"breaker:{namespace}", build)

    def claude(self, namespace):
        """The Claude client for every feature (prices are passed per call: they are editable records)."""

        def build():
            from .claude.client import ClaudeClient, ClaudeSettings

            settings = self.settings
            return ClaudeClient(
                ClaudeSettings(
                    api_key=settings.api_key,
                    model=settings.model,
                    base_url=settings.base_url or None,
                    timeout_s=settings.timeout_s,
                    max_cost_per_request_usd=settings.max_cost_per_request_usd or None,
                    max_attempts=settings.retry_max_attempts,
                    backoff_base_s=settings.retry_backoff_s,
                ),
                prices={},
                breaker=self.breaker(namespace),
            )

        return self._get(f"claude:{namespace}", build)

    @property
    def embedder(self):
        """The torch-free query embedder (ONNX, one thread) behind the shared Redis embedding cache."""

        def build():
            from .knowledge.embedder import OnnxEmbedder
            from .knowledge.embedding_cache import CachedEmbedder

            return CachedEmbedder(OnnxEmbedder(model_name=self.settings.embedding_model), self.redis)

        return self._get("embedder", build)

    @staticmethod
    def on_redis_outage(error):
        from . import metrics

        metrics.LIMITER_REDIS_OUTAGES.inc()

    def close(self):
        """Release network resources (called when the settings changed and a new bundle replaces this one)."""
        for service in list(self._built.values()):
            closer = getattr(service, "close", None)
            if closer is None:
                continue
            try:
                closer()
            except Exception:  # noqa: BLE001 - closing a dead connection must not break a rebuild
                _logger.debug("closing %r failed", service, exc_info=True)
        self._built.clear()
