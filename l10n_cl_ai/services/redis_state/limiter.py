"""Sliding-window rate limiter shared by every worker through Redis, with a per-process fallback.

One check is one atomic Lua call (``limiter_lua``): trim, count, add if allowed, expire, and the
remaining / reset / retry-after figures, in one round trip, so concurrent workers can never admit more
than the limit. ``check_many`` checks several keys (feature x user and feature x company) in the same
call and admits only if all of them have room.

When Redis is unavailable (see ``shared_state.OutageGuard``): ``fail_mode="open"`` counts in an
in-process window (``limiter_local``), ``fail_mode="closed"`` refuses. Either way one warning per outage
is logged and ``outages`` is incremented; Redis is used again as soon as a probe after the back-off
succeeds.

Usage::

    limiter = RateLimiter(build_redis(redis_url), fail_mode="open", on_outage=counter_inc)
    result = limiter.check_many(feature_rules("dte", user_id=7, company_id=1, per_user=20,
                                              per_company=200, window_s=60, namespace="l10n_cl_ai:mydb"))
    if not result.allowed:
        ...  # result.retry_after_s, result.headers()
"""

import logging
import math
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from ..claude.errors import RateLimited
from .limiter_local import LocalWindow
from .limiter_lua import SLIDING_WINDOW_LUA
from .shared_state import OutageGuard

_logger = logging.getLogger(__name__)

FAIL_OPEN = "open"
FAIL_CLOSED = "closed"
BACKEND_REDIS = "redis"
BACKEND_LOCAL = "local"
BACKEND_REFUSED = "refused"


class LimitRule(NamedTuple):
    """At most ``limit`` admitted requests for ``key`` in any ``window_s`` seconds."""

    key: str
    limit: int
    window_s: float


@dataclass(frozen=True)
class LimitResult:
    """The answer of one check. For ``check_many`` the figures are those of the most constraining key
    (the one that refused with the longest wait, or the one with the fewest remaining requests) and
    ``parts`` holds one result per key.

    ``reset_s``: seconds until the oldest counted request leaves the window (one more slot);
    ``retry_after_s``: 0 when allowed, else seconds until the request would be admitted;
    ``backend``: "redis", "local" (Redis down, fail open) or "refused" (Redis down, fail closed).
    """

    allowed: bool
    limit: int
    remaining: int
    reset_s: float
    retry_after_s: float
    backend: str
    key: str = ""
    parts: tuple = ()

    def headers(self):
        """HTTP headers for a route: ``X-RateLimit-*`` always, ``Retry-After`` on refusal (whole seconds)."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_s)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.retry_after_s)))
        return headers

    def raise_if_refused(self):
        """Return ``self`` when allowed, else raise ``RateLimited`` with ``retry_after`` in whole seconds."""
        if self.allowed:
            return self
        wait = max(1, math.ceil(self.retry_after_s))
        raise RateLimited(
            f"rate limit reached for {self.key} ({self.limit} requests); retry in {wait} s",
            retry_after=wait, key=self.key, limit=self.limit, backend=self.backend,
        )


def feature_rules(feature, *, user_id=None, company_id=None, per_user=0, per_company=0, window_s=60.0,
                  namespace="l10n_cl_ai"):
    """The rules of one feature: per user and per company; a limit of 0 or None means unlimited.

    ``namespace`` should name the database (``"l10n_cl_ai:<dbname>"``) when several share one Redis.
    """
    rules = []
    if per_user and user_id is not None:
        rules.append(LimitRule(f"{namespace}:rl:{feature}:user:{user_id}", int(per_user), float(window_s)))
    if per_company and company_id is not None:
        rules.append(LimitRule(f"{namespace}:rl:{feature}:company:{company_id}", int(per_company),
                               float(window_s)))
    return rules


def _validated(rules):
    rules = [LimitRule(str(key), int(limit), float(window_s)) for key, limit, window_s in rules]
    if not rules:
        raise ValueError("check_many() needs at least one rule")
    keys = set()
    for rule in rules:
        if rule.limit < 1:
            raise ValueError(f"limit must be at least 1 for {rule.key!r}, got {rule.limit}")
        if not rule.window_s > 0:
            raise ValueError(f"window_s must be positive for {rule.key!r}, got {rule.window_s}")
        if rule.key in keys:
            raise ValueError(f"key {rule.key!r} appears twice")
        keys.add(rule.key)
    return rules


def _combine(rules, allowed, figures, backend):
    """One result from the per-key ``(count, reset_ms, retry_ms)`` figures."""
    parts = tuple(
        LimitResult(
            allowed=allowed or retry_ms == 0, limit=rule.limit, remaining=max(0, rule.limit - count),
            reset_s=reset_ms / 1000, retry_after_s=retry_ms / 1000, backend=backend, key=rule.key,
        )
        for rule, (count, reset_ms, retry_ms) in zip(rules, figures, strict=True)
    )
    if allowed:
        binding = min(parts, key=lambda part: part.remaining)
    else:
        binding = max(parts, key=lambda part: part.retry_after_s)
    return LimitResult(
        allowed=allowed, limit=binding.limit, remaining=binding.remaining, reset_s=binding.reset_s,
        retry_after_s=0.0 if allowed else binding.retry_after_s, backend=backend, key=binding.key,
        parts=parts if len(parts) > 1 else (),
    )


class RateLimiter:
    """Sliding-window limiter. ``redis_client`` may be None (no Redis configured: local windows only).

    ``fail_mode``: "open" (local window during Redis outages) or "closed" (refuse during outages).
    ``on_outage(error)`` / ``on_recovery(seconds)`` are called once per outage; ``outages`` counts them.
    ``backoff_s`` / ``max_backoff_s``: how long to wait before probing Redis again during an outage.
    """

    def __init__(self, redis_client, fail_mode=FAIL_OPEN, logger=None, backoff_s=0.5, max_backoff_s=5.0,
                 on_outage=None, on_recovery=None):
        if fail_mode not in (FAIL_OPEN, FAIL_CLOSED):
            raise ValueError(f"fail_mode must be {FAIL_OPEN!r} or {FAIL_CLOSED!r}, got {fail_mode!r}")
        self.redis = redis_client
        self.fail_mode = fail_mode
        self.local = LocalWindow()
        self.guard = OutageGuard(
            "rate limiter", logger=logger or _logger, backoff_s=backoff_s, max_backoff_s=max_backoff_s,
            on_outage=on_outage, on_recovery=on_recovery,
        )
        # register_script: EVALSHA, and SCRIPT LOAD + retry on NOSCRIPT (script cache flushed, failover).
        self._script = redis_client.register_script(SLIDING_WINDOW_LUA) if redis_client is not None else None

    @property
    def outages(self):
        """How many Redis outages this process has seen."""
        return self.guard.outages

    @property
    def redis_available(self):
        return self._script is not None and self.guard.available

    def check(self, key, limit, window_s):
        """Count one request for ``key`` if fewer than ``limit`` were admitted in the last ``window_s`` s."""
        return self.check_many([LimitRule(key, limit, window_s)])

    def check_many(self, rules):
        """Admit one request only if every rule ``(key, limit, window_s)`` has room; count it in all."""
        rules = _validated(rules)
        if self._script is None:
            return self._check_local(rules)
        result, _used_redis = self.guard.run(lambda: self._check_redis(rules), lambda: self._fallback(rules))
        return result

    def _check_redis(self, rules):
        args = [uuid.uuid4().hex]
        for rule in rules:
            args += [rule.limit, max(1, round(rule.window_s * 1_000_000))]
        reply = self._script(keys=[rule.key for rule in rules], args=args)
        figures = [tuple(int(value) for value in reply[i:i + 3]) for i in range(1, len(reply), 3)]
        return _combine(rules, bool(reply[0]), figures, BACKEND_REDIS)

    def _check_local(self, rules):
        allowed, figures = self.local.check_many(rules)
        return _combine(rules, allowed, figures, BACKEND_LOCAL)

    def _fallback(self, rules):
        if self.fail_mode == FAIL_OPEN:
            return self._check_local(rules)
        wait_ms = max(1000, math.ceil(self.guard.retry_in() * 1000))
        return _combine(rules, False, [(rule.limit, wait_ms, wait_ms) for rule in rules], BACKEND_REFUSED)
