"""Embeddings shared by every worker through Redis, keyed by sha256(model id + text).

``CachedEmbedder`` wraps an embedder (anything with ``embed(texts)``, ``model_id`` and ``dimensions``)
and has the same interface. Lookups are one ``MGET`` per batch and stores one pipelined ``SET ... EX``
per batch. Redis is an optimisation only: when it is down (any ``redis`` error), texts are embedded
again, the outage is logged once, and Redis is not retried for ``retry_after_s`` seconds so a dead
server does not add its connect timeout to every search. A small in-process LRU keeps the most
recent embeddings so a repeated question costs nothing even without Redis.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

_logger = logging.getLogger(__name__)

KEY_PREFIX = "l10n_cl_ai:emb:"
DEFAULT_TTL_S = 30 * 24 * 3600
DEFAULT_RETRY_AFTER_S = 30.0
DEFAULT_LOCAL_SIZE = 256


def embedding_key(model_id, text, prefix=KEY_PREFIX):
    """The Redis key of ``text`` embedded by ``model_id``: the same in every process and server."""
    digest = hashlib.sha256(f"{model_id}\n{text}".encode()).hexdigest()
    return f"{prefix}{digest}"


class CachedEmbedder:
    """Same interface as the wrapped embedder; ``hits`` / ``misses`` / ``redis_errors`` count lookups.

    ``redis_client``: a redis-py client (``services.redis_conn.build_redis``) or ``None`` (no shared
    cache). ``local_size``: entries of the in-process LRU (0 disables it).
    """

    def __init__(self, embedder, redis_client=None, ttl_s=DEFAULT_TTL_S, local_size=DEFAULT_LOCAL_SIZE,
                 retry_after_s=DEFAULT_RETRY_AFTER_S, prefix=KEY_PREFIX):
        self.embedder = embedder
        self.redis = redis_client
        self.ttl_s = int(ttl_s)
        self.local_size = int(local_size)
        self.retry_after_s = retry_after_s
        self.prefix = prefix
        self.hits = 0
        self.local_hits = 0
        self.misses = 0
        self.redis_errors = 0
        self._local = OrderedDict()
        self._lock = threading.Lock()
        self._redis_down_until = 0.0
        self._outage_logged = False

    @property
    def model_id(self):
        return self.embedder.model_id

    @property
    def dimensions(self):
        return self.embedder.dimensions

    @property
    def query_prefix(self):
        return getattr(self.embedder, "query_prefix", "")

    @property
    def passage_prefix(self):
        return getattr(self.embedder, "passage_prefix", "")

    def key(self, text):
        return embedding_key(self.model_id, text, self.prefix)

    def embed(self, texts):
        """Embeddings of ``texts`` (float32, (n, dims)): from the local LRU, Redis, or the model."""
        import numpy as np  # noqa: PLC0415

        texts = list(texts)
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        keys = [self.key(text) for text in texts]
        pending = {}  # key -> rows still without a vector
        for row, key in enumerate(keys):
            vector = self._local_get(key)
            if vector is None:
                pending.setdefault(key, []).append(row)
            else:
                result[row] = vector
                self.local_hits += 1
        if pending:
            for key, vector in self._redis_get(list(pending)).items():
                result[pending.pop(key)] = vector
                self._local_put(key, vector)
                self.hits += 1
        if pending:
            missing = list(pending)
            vectors = self.embedder.embed([texts[pending[key][0]] for key in missing])
            self.misses += len(missing)
            for key, vector in zip(missing, vectors, strict=True):
                result[pending[key]] = vector
                self._local_put(key, vector)
            self._redis_set(dict(zip(missing, vectors, strict=True)))
        return result

    # -- in-process LRU ---------------------------------------------------------------------------

    def _local_get(self, key):
        if not self.local_size:
            return None
        with self._lock:
            vector = self._local.get(key)
            if vector is not None:
                self._local.move_to_end(key)
            return vector

    def _local_put(self, key, vector):
        if not self.local_size:
            return
        with self._lock:
            self._local[key] = vector.copy()
            self._local.move_to_end(key)
            while len(self._local) > self.local_size:
                self._local.popitem(last=False)

    # -- Redis --------------------------------------------------------------------------------------

    def _redis_usable(self):
        return self.redis is not None and time.monotonic() >= self._redis_down_until

    def _redis_get(self, keys):
        import numpy as np  # noqa: PLC0415

        if not self._redis_usable():
            return {}
        try:
            values = self.redis.mget(keys)
        except Exception as error:  # noqa: BLE001 - filtered to redis errors in _redis_failed
            self._redis_failed(error)
            return {}
        self._redis_ok()
        found = {}
        size = self.dimensions * 4
        for key, value in zip(keys, values, strict=True):
            if value is not None and len(value) == size:
                found[key] = np.frombuffer(value, dtype=np.float32)
        return found

    def _redis_set(self, vectors):
        if not vectors or not self._redis_usable():
            return
        try:
            pipeline = self.redis.pipeline(transaction=False)
            for key, vector in vectors.items():
                pipeline.set(key, vector.astype("<f4", copy=False).tobytes(), ex=self.ttl_s)
            pipeline.execute()
        except Exception as error:  # noqa: BLE001 - filtered to redis errors in _redis_failed
            self._redis_failed(error)
            return
        self._redis_ok()

    def _redis_failed(self, error):
        import redis  # noqa: PLC0415 - present whenever a client was given

        if not isinstance(error, redis.exceptions.RedisError):
            raise error
        self.redis_errors += 1
        self._redis_down_until = time.monotonic() + self.retry_after_s
        if not self._outage_logged:
            self._outage_logged = True
            _logger.warning("embedding cache: Redis unavailable (%s); embedding locally, retrying Redis "
                            "in %.0f s", error, self.retry_after_s)

    def _redis_ok(self):
        if self._outage_logged:
            _logger.info("embedding cache: Redis is back")
            self._outage_logged = False
