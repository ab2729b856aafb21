"""services.limiter when Redis goes away: local window (fail open) or refusal (fail closed), one warning
per outage, back to Redis when it returns, no pile-up of timeouts while it is down."""

import logging
import socket
import threading
import time

import pytest

from fakes.redis_server import RedisServer, free_port
from services.redis_state.connection import build_redis
from services.redis_state.limiter import RateLimiter
from services.redis_state.limiter_local import LocalWindow

LOGGER = "l10n_cl_ai.test.limiter"


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


def _warnings(caplog):
    return [
        record for record in caplog.records if record.name == LOGGER and record.levelno == logging.WARNING
    ]


def _wait_for_redis(limiter, key="probe", timeout=30.0):
    """Check a throw-away key until the limiter is back on Redis (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if limiter.check(key, 10_000, 60).backend == "redis":
            return
        time.sleep(0.05)
    raise AssertionError("the limiter did not go back to Redis")


def test_fail_open_uses_a_local_window_then_goes_back_to_redis(redis_server, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    outages = []
    limiter = RateLimiter(
        build_redis(redis_server.url, socket_timeout=10, connect_timeout=10),
        fail_mode="open",
        logger=logging.getLogger(LOGGER),
        backoff_s=0.2,
        on_outage=outages.append,
    )
    assert limiter.check("k", 3, 60).backend == "redis"

    redis_server.stop()
    during = [limiter.check("k", 3, 60) for _ in range(5)]
    assert [result.backend for result in during] == ["local"] * 5
    assert [result.allowed for result in during] == [True, True, True, False, False]
    assert [result.remaining for result in during[:3]] == [2, 1, 0]
    assert during[3].retry_after_s > 50  # the local window slides like the Redis one
    assert len(_warnings(caplog)) == 1 and "Redis is unavailable" in _warnings(caplog)[0].getMessage()
    assert limiter.outages == 1 and len(outages) == 1 and not limiter.redis_available

    redis_server.start()  # a fresh, empty Redis
    _wait_for_redis(limiter)
    back = limiter.check("k", 3, 60)
    assert (back.backend, back.allowed, back.remaining) == ("redis", True, 2)
    assert limiter.redis_available
    assert any("recovered" in record.getMessage() for record in caplog.records if record.name == LOGGER)
    assert len(_warnings(caplog)) == 1

    redis_server.stop()  # a second outage is logged and counted again
    assert limiter.check("k", 3, 60).backend == "local"
    assert limiter.outages == 2 and len(_warnings(caplog)) == 2 and len(outages) == 2


def test_fail_closed_refuses_with_a_wait_then_goes_back_to_redis(redis_server, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    limiter = RateLimiter(
        build_redis(redis_server.url, socket_timeout=10, connect_timeout=10),
        fail_mode="closed",
        logger=logging.getLogger(LOGGER),
        backoff_s=0.2,
    )
    assert limiter.check("k", 3, 60).allowed

    redis_server.stop()
    refused = [limiter.check("k", 3, 60) for _ in range(4)]
    assert all(not result.allowed and result.backend == "refused" for result in refused)
    assert all(result.retry_after_s >= 1 and result.remaining == 0 for result in refused)
    assert refused[0].headers()["Retry-After"] == "1"
    assert len(_warnings(caplog)) == 1 and limiter.outages == 1

    redis_server.start()
    _wait_for_redis(limiter)
    assert limiter.check("k", 3, 60).allowed


def test_one_warning_when_32_threads_meet_the_outage_together(redis_server, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    limiter = RateLimiter(
        build_redis(redis_server.url, socket_timeout=10, connect_timeout=10),
        logger=logging.getLogger(LOGGER),
        backoff_s=30,
    )
    assert limiter.check("k", 50, 60).backend == "redis"
    redis_server.stop()
    barrier = threading.Barrier(32)
    results = []

    def worker():
        barrier.wait()
        for _ in range(4):
            results.append(limiter.check("k", 50, 60))

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 128 and {result.backend for result in results} == {"local"}
    assert sum(result.allowed for result in results) == 50  # the local window is exact too
    assert len(_warnings(caplog)) == 1 and limiter.outages == 1


def test_a_hanging_redis_costs_one_timeout_per_back_off_not_one_per_call(caplog):
    """A server that accepts connections and never answers: without the back-off every call would
    wait for the socket timeout."""
    port = free_port()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", port))
        silent.listen(64)
        client = build_redis(f"redis://127.0.0.1:{port}/0", socket_timeout=3, connect_timeout=3)
        limiter = RateLimiter(client, logger=logging.getLogger(LOGGER), backoff_s=30)
        started = time.monotonic()
        first = limiter.check("k", 100, 60)
        first_took = time.monotonic() - started
        started = time.monotonic()
        rest = [limiter.check("k", 100, 60) for _ in range(50)]
        rest_took = time.monotonic() - started
    assert first.backend == "local" and first_took >= 3
    assert {result.backend for result in rest} == {"local"}
    assert rest_took < 3  # 50 calls in less than ONE socket timeout: Redis was not tried again
    assert "TimeoutError" in _warnings(caplog)[0].getMessage()


def test_without_redis_the_limiter_is_local_and_exact_under_threads():
    limiter = RateLimiter(None)
    barrier = threading.Barrier(32)
    results = []

    def worker():
        barrier.wait()
        for _ in range(5):
            results.append(limiter.check("k", 40, 60))

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(result.allowed for result in results) == 40
    assert {result.backend for result in results} == {"local"} and limiter.outages == 0


def test_local_window_slides_and_combines_keys():
    now = [1000.0]
    limiter = RateLimiter(None)
    limiter.local = LocalWindow(clock=lambda: now[0])
    rules = [("user", 2, 60), ("company", 3, 60)]
    assert limiter.check_many(rules).allowed and limiter.check_many(rules).allowed
    now[0] += 10
    refused = limiter.check_many(rules)
    assert not refused.allowed and refused.key == "user" and refused.retry_after_s == pytest.approx(50)
    assert limiter.check_many([("other-user", 2, 60), ("company", 3, 60)]).allowed
    assert not limiter.check_many([("third-user", 2, 60), ("company", 3, 60)]).allowed
    now[0] += 49.9
    assert not limiter.check_many(rules).allowed  # the window has not slid yet
    now[0] += 0.1
    result = limiter.check_many(rules)
    assert result.allowed and result.remaining == 1


def test_an_error_reply_of_redis_is_an_outage_too(redis_server, caplog):
    """MISCONF, BUSY, NOPERM, READONLY, NOREPLICAS...: Redis answers, but cannot serve the limiter."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    client = build_redis(redis_server.url, socket_timeout=10, connect_timeout=10)
    limiter = RateLimiter(client, fail_mode="open", logger=logging.getLogger(LOGGER), backoff_s=30)
    assert limiter.check("k", 3, 60).backend == "redis"
    admin = build_redis(redis_server.url, socket_timeout=10)
    admin.config_set("min-replicas-to-write", 1)  # every write now answers "NOREPLICAS ..."
    try:
        results = [limiter.check("k", 3, 60) for _ in range(3)]
    finally:
        admin.config_set("min-replicas-to-write", 0)
    assert [result.backend for result in results] == ["local"] * 3
    assert limiter.outages == 1
    assert "NOREPLICAS" in _warnings(caplog)[0].getMessage()
