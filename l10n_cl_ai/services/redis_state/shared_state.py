"""Redis calls with a local fallback: ``OutageGuard`` runs an operation on Redis while Redis answers,
and a local replacement while it does not.

What it guarantees to every service that shares state through Redis (limiter, circuit breaker, caches):

- one warning per outage (not one per call), one "recovered" line when Redis answers again;
- an outage counter (``outages``) and optional ``on_outage`` / ``on_recovery`` callbacks, so the
  Odoo layer can count outages in Prometheus;
- during an outage Redis is probed again only after a back-off (doubling up to ``max_backoff_s``),
  by a single thread at a time, so calls do not pile up behind connection timeouts.
"""

import logging
import threading
import time

import redis

_logger = logging.getLogger(__name__)

# What "Redis is unavailable" looks like. ConnectionError covers refused connections, Sentinel's
# MasterNotFoundError and BusyLoadingError; every error reply of the server (ResponseError: MISCONF when
# it cannot persist, BUSY while a script runs, NOPERM for a restricted user, READONLY on a replica, OOM)
# means it cannot serve us now either: the fallback takes over and the outage is logged with its class.
REDIS_DOWN_ERRORS = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.ResponseError,
)


class CachedProbe:
    """Runs ``probe()`` at most once per ``ttl_s`` seconds in this process; the callers in between get the
    last answer, and so do the callers that arrive while a probe runs (nobody waits behind a hanging
    server). Before the first answer, concurrent callers get ``pending``."""

    def __init__(self, probe, ttl_s=5.0, pending=None, clock=time.monotonic):
        self.probe = probe
        self.ttl_s = ttl_s
        self.clock = clock
        self.probes = 0  # how many times ``probe`` ran
        self._value = pending
        self._expires = None
        self._lock = threading.Lock()

    def get(self):
        if self._expires is not None and self.clock() < self._expires:
            return self._value
        if not self._lock.acquire(blocking=False):
            return self._value  # another thread is probing
        try:
            if self._expires is None or self.clock() >= self._expires:
                self.probes += 1
                self._value = self.probe()
                self._expires = self.clock() + self.ttl_s
            return self._value
        finally:
            self._lock.release()


class OutageGuard:
    """Tracks whether Redis is usable for one service in this process and picks Redis or the fallback.

    ``run(redis_op, fallback)`` returns ``(value, used_redis)``. ``name`` appears in the log lines.
    """

    def __init__(
        self,
        name,
        logger=None,
        backoff_s=0.5,
        max_backoff_s=5.0,
        on_outage=None,
        on_recovery=None,
        down_errors=REDIS_DOWN_ERRORS,
        clock=time.monotonic,
    ):
        self.name = name
        self.logger = logger or _logger
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.on_outage = on_outage
        self.on_recovery = on_recovery
        self.down_errors = down_errors
        self.clock = clock
        self.outages = 0
        self._lock = threading.Lock()
        self._down_since = None
        self._retry_at = 0.0
        self._current_backoff = backoff_s
        self._probing = False

    @property
    def available(self):
        """False during an outage (until a probe succeeds)."""
        return self._down_since is None

    def retry_in(self):
        """Seconds until Redis is probed again (0 when Redis is up)."""
        if self._down_since is None:
            return 0.0
        return max(0.0, self._retry_at - self.clock())

    def run(self, redis_op, fallback):
        """``redis_op()`` if Redis is (probably) up, else ``fallback()``. Returns ``(value, used_redis)``."""
        mode = self._mode()
        if mode is None:
            return fallback(), False
        try:
            value = redis_op()
        except self.down_errors as error:
            self._record_failure(error, probe=mode == "probe")
            return fallback(), False
        except BaseException:
            if mode == "probe":
                self._end_probe()
            raise
        if mode == "probe":
            self._record_recovery()
        return value, True

    def _mode(self):
        """ "up": call Redis; "probe": this thread checks whether Redis is back; None: use the fallback."""
        if self._down_since is None:
            return "up"
        with self._lock:
            if self._down_since is None:
                return "up"
            if self._probing or self.clock() < self._retry_at:
                return None
            self._probing = True
            return "probe"

    def _end_probe(self):
        with self._lock:
            self._probing = False

    def _record_failure(self, error, probe):
        with self._lock:
            now = self.clock()
            started = self._down_since is None
            if started:
                self._down_since = now
                self._current_backoff = self.backoff_s
                self.outages += 1
            elif probe:
                self._current_backoff = min(self._current_backoff * 2, self.max_backoff_s)
            else:
                return  # a call that started before the outage was noticed: nothing new to record
            self._retry_at = now + self._current_backoff
            self._probing = False
            backoff = self._current_backoff
        if started:
            self.logger.warning(
                "%s: Redis is unavailable (%s: %s); using the local fallback of this process, "
                "next Redis attempt in %.1f s",
                self.name,
                type(error).__name__,
                str(error)[:300],
                backoff,
            )
            if self.on_outage:
                self.on_outage(error)

    def _record_recovery(self):
        with self._lock:
            duration = self.clock() - self._down_since
            self._down_since = None
            self._probing = False
            self._current_backoff = self.backoff_s
        self.logger.info("%s: Redis recovered after %.1f s; back to shared state", self.name, duration)
        if self.on_recovery:
            self.on_recovery(duration)
