"""The in-process sliding window that stands in for Redis during an outage (one per worker process).

Same rules and same reply as the Lua script (``limiter_lua``), under one lock: a request is admitted
only if every key has room, and then counted in every key. Each worker counts alone, so during an
outage a deployment of N workers admits up to N times the limit: the price of staying up.
"""

import math
import threading
import time
from collections import deque

_SWEEP_EVERY = 1000


class LocalWindow:
    """Thread-safe sliding windows keyed by string, on the monotonic clock."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._hits = {}  # key -> deque of hit times, oldest first
        self._windows = {}  # key -> the window it was last checked with
        self._lock = threading.Lock()
        self._calls = 0

    def check_many(self, rules):
        """``rules``: [(key, limit, window_s)]. Returns ``(allowed, [(count, reset_ms, retry_ms)])``."""
        with self._lock:
            now = self.clock()
            self._calls += 1
            if self._calls % _SWEEP_EVERY == 0:
                self._sweep(now)
            windows = []
            allowed = True
            for key, limit, window_s in rules:
                hits = self._hits.setdefault(key, deque())
                self._windows[key] = window_s
                while hits and hits[0] <= now - window_s:
                    hits.popleft()
                windows.append(hits)
                if len(hits) >= limit:
                    allowed = False
            parts = []
            for (_key, limit, window_s), hits in zip(rules, windows, strict=True):
                retry_ms = 0
                if allowed:
                    hits.append(now)
                elif len(hits) >= limit:
                    retry_ms = _ms_until(hits[len(hits) - limit] + window_s, now)
                reset_ms = _ms_until(hits[0] + window_s, now) if hits else 0
                parts.append((len(hits), reset_ms, retry_ms))
            return allowed, parts

    def _sweep(self, now):
        """Forget the keys whose hits all left their window, so memory follows the active keys only."""
        stale = [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self._windows[key]]
        for key in stale:
            del self._hits[key]
            del self._windows[key]


def _ms_until(moment, now):
    return max(1, math.ceil((moment - now) * 1000))
