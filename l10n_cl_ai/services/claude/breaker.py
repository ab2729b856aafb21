"""Circuit breaker for Claude calls, shared by every worker and server through Redis.

closed --(``failure_threshold`` consecutive failures)--> open --(``cooldown_s``)--> half-open: one probe
call at a time is let through; ``half_open_successes`` successful probes close it, a failed probe opens it
again. Every transition is one atomic Lua script on a Redis hash, timed by the Redis server's clock, so
workers on different machines agree. When Redis cannot be reached, a per-process breaker with the same
rules takes over (a warning is logged once per outage); Redis is tried again every ``redis_retry_s``
seconds (not on every call, so an outage does not add a connection timeout to each Claude call).

``clock`` (seconds, a float) replaces both the Redis server's clock and this process' clocks; tests inject
one so that no assertion depends on how fast the machine is. Production leaves it unset.
"""

import logging
import threading
import time
from dataclasses import dataclass

from .errors import CircuitOpen

_logger = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

# KEYS[1] = state hash. ARGV: op, failure_threshold, cooldown_ms, half_open_successes, probe_ttl_ms,
# now_ms (empty: the Redis server's clock). Returns {state, allowed (0/1), retry_after_ms, failures}.
_LUA = """
local key = KEYS[1]
local op = ARGV[1]
local threshold = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
local needed = tonumber(ARGV[4])
local probe_ttl = tonumber(ARGV[5])
local now = tonumber(ARGV[6])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local h = redis.call('HMGET', key, 'state', 'failures', 'opened_at', 'successes', 'probe_until')
local state = h[1] or 'closed'
local failures = tonumber(h[2]) or 0
local opened_at = tonumber(h[3]) or 0
local successes = tonumber(h[4]) or 0
local probe_until = tonumber(h[5]) or 0
local allowed = 1
local retry_after = 0
if op == 'acquire' or op == 'peek' then
  if state == 'open' then
    if now - opened_at >= cooldown then
      state = 'half_open'
      successes = 0
      probe_until = 0
    else
      allowed = 0
      retry_after = cooldown - (now - opened_at)
    end
  end
  if state == 'half_open' and allowed == 1 then
    if probe_until > now then
      allowed = 0
      retry_after = probe_until - now
    elseif op == 'acquire' then
      probe_until = now + probe_ttl
    end
  end
  if op == 'peek' then
    return {state, allowed, retry_after, failures}
  end
elseif op == 'success' then
  if state == 'half_open' then
    successes = successes + 1
    probe_until = 0
    if successes >= needed then
      state = 'closed'
      failures = 0
      successes = 0
    end
  elseif state == 'closed' then
    failures = 0
  end
elseif op == 'failure' then
  if state == 'half_open' then
    state = 'open'
    opened_at = now
    probe_until = 0
    successes = 0
  elseif state == 'closed' then
    failures = failures + 1
    if failures >= threshold then
      state = 'open'
      opened_at = now
    end
  end
elseif op == 'release' then
  if state == 'half_open' then
    probe_until = 0
  end
end
redis.call('HSET', key, 'state', state, 'failures', failures, 'opened_at', opened_at,
           'successes', successes, 'probe_until', probe_until)
redis.call('PEXPIRE', key, math.max(cooldown * 10, 86400000))
return {state, allowed, retry_after, failures}
"""


@dataclass(frozen=True)
class BreakerState:
    state: str
    allowed: bool
    retry_after_s: float
    failures: int
    shared: bool  # True when the answer came from Redis, False from the per-process fallback


class _LocalStore:
    """The same state machine as the Lua script, in this process only."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._lock = threading.Lock()
        self.state, self.failures, self.opened_at, self.successes, self.probe_until = CLOSED, 0, 0.0, 0, 0.0

    def run(self, op, threshold, cooldown, needed, probe_ttl):  # noqa: C901 - mirrors the Lua script
        with self._lock:
            now = self._clock()
            allowed, retry_after = True, 0.0
            if op in ("acquire", "peek"):
                state, successes, probe_until = self.state, self.successes, self.probe_until
                if state == OPEN:
                    if now - self.opened_at >= cooldown:
                        state, successes, probe_until = HALF_OPEN, 0, 0.0
                    else:
                        allowed, retry_after = False, cooldown - (now - self.opened_at)
                if state == HALF_OPEN and allowed:
                    if probe_until > now:
                        allowed, retry_after = False, probe_until - now
                    elif op == "acquire":
                        probe_until = now + probe_ttl
                if op == "acquire":
                    self.state, self.successes, self.probe_until = state, successes, probe_until
                return state, allowed, retry_after, self.failures
            if op == "success":
                if self.state == HALF_OPEN:
                    self.successes += 1
                    self.probe_until = 0.0
                    if self.successes >= needed:
                        self.state, self.failures, self.successes = CLOSED, 0, 0
                elif self.state == CLOSED:
                    self.failures = 0
            elif op == "failure":
                if self.state == HALF_OPEN:
                    self.state, self.opened_at, self.probe_until, self.successes = OPEN, now, 0.0, 0
                elif self.state == CLOSED:
                    self.failures += 1
                    if self.failures >= threshold:
                        self.state, self.opened_at = OPEN, now
            elif op == "release" and self.state == HALF_OPEN:
                self.probe_until = 0.0
            return self.state, allowed, retry_after, self.failures


class CircuitBreaker:
    """A named breaker; ``redis_client`` (redis-py, with short socket timeouts) shares it, ``None`` keeps
    it per process. Call ``acquire()`` before a call, then exactly one of ``success()``, ``failure()`` or
    ``release()`` (the call ended without telling anything about Claude's health)."""

    def __init__(
        self,
        name="claude",
        redis_client=None,
        failure_threshold=5,
        cooldown_s=30.0,
        half_open_successes=1,
        probe_timeout_s=120.0,
        key_prefix="l10n_cl_ai:breaker:",
        redis_retry_s=5.0,
        clock=None,
    ):
        self.name = name
        self.key = f"{key_prefix}{name}"
        self.failure_threshold = int(failure_threshold)
        self.cooldown_s = float(cooldown_s)
        self.half_open_successes = int(half_open_successes)
        self.probe_timeout_s = float(probe_timeout_s)
        self._redis = redis_client
        self._script = redis_client.register_script(_LUA) if redis_client is not None else None
        self._clock = clock
        self._monotonic = clock or time.monotonic
        self._local = _LocalStore(clock or time.time)
        self._redis_down = False
        self._redis_retry_s = float(redis_retry_s)
        self._redis_retry_at = 0.0
        self.fallback_count = 0  # how many operations ran on the per-process fallback

    def _run(self, op):
        if self._script is not None and self._monotonic() >= self._redis_retry_at:
            from redis.exceptions import RedisError

            try:
                state, allowed, retry_after_ms, failures = self._script(
                    keys=[self.key],
                    args=[
                        op,
                        self.failure_threshold,
                        int(self.cooldown_s * 1000),
                        self.half_open_successes,
                        int(self.probe_timeout_s * 1000),
                        "" if self._clock is None else int(self._clock() * 1000),
                    ],
                )
            except RedisError as exc:
                self._redis_retry_at = self._monotonic() + self._redis_retry_s
                if not self._redis_down:
                    self._redis_down = True
                    _logger.warning(
                        "Circuit breaker %s: Redis unreachable (%s); per-process breaker until it returns",
                        self.name,
                        type(exc).__name__,
                    )
            else:
                if self._redis_down:
                    self._redis_down = False
                    _logger.info("Circuit breaker %s: Redis is back, breaker shared again", self.name)
                state = state.decode() if isinstance(state, bytes) else state
                return BreakerState(state, bool(allowed), int(retry_after_ms) / 1000, int(failures), True)
        if self._script is not None:
            self.fallback_count += 1
        state, allowed, retry_after, failures = self._local.run(
            op, self.failure_threshold, self.cooldown_s, self.half_open_successes, self.probe_timeout_s
        )
        return BreakerState(state, allowed, retry_after, failures, False)

    def acquire(self):
        """Let a call through or raise ``CircuitOpen`` (with ``retry_after`` seconds) at once."""
        result = self._run("acquire")
        if not result.allowed:
            raise CircuitOpen(
                f"Claude circuit breaker is {result.state}",
                retry_after=max(result.retry_after_s, 0.001),
                breaker_state=result.state,
            )
        return result

    def success(self):
        return self._run("success")

    def failure(self):
        return self._run("failure")

    def release(self):
        return self._run("release")

    def peek(self):
        """The effective state without changing it (for /health)."""
        return self._run("peek")
