"""Sentinel HA: a real master + replica + redis-sentinel on loopback; the master is killed and the
limiter carries on, with its counts, on the promoted replica."""

import logging
import time

import pytest
import redis
from redis.sentinel import Sentinel

from fakes.redis_server import RedisServer
from services.redis_state.connection import build_redis
from services.redis_state.limiter import RateLimiter

MASTER_NAME = "l10n_cl_ai_test"


def _wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except redis.exceptions.RedisError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def sentinel_setup():
    master = RedisServer().start()
    # Redis 7 waits 5 s before a diskless full sync, hoping more replicas join: not needed here.
    redis.Redis(port=master.port).config_set("repl-diskless-sync-delay", 0)
    replica = RedisServer(replica_of=("127.0.0.1", master.port)).start()
    sentinel = None
    try:
        replica_client = redis.Redis(port=replica.port)
        _wait_until(
            lambda: replica_client.info("replication")["master_link_status"] == "up",
            30,
            "the replica to sync",
        )
        sentinel = RedisServer(sentinel=True, monitor=(MASTER_NAME, "127.0.0.1", master.port)).start()
        watcher = Sentinel([("127.0.0.1", sentinel.port)], socket_timeout=5)
        _wait_until(lambda: watcher.discover_slaves(MASTER_NAME), 30, "the sentinel to see the replica")
        yield master, replica, sentinel, watcher
    finally:
        for server in (sentinel, replica, master):
            if server:
                server.close()


def test_limiter_continues_on_the_promoted_replica(sentinel_setup, caplog):
    master, replica, sentinel, watcher = sentinel_setup
    client = build_redis(
        sentinels=f"127.0.0.1:{sentinel.port}",
        sentinel_master=MASTER_NAME,
        socket_timeout=5,
        connect_timeout=5,
    )
    limiter = RateLimiter(
        client,
        fail_mode="open",
        logger=logging.getLogger("l10n_cl_ai.test.sentinel"),
        backoff_s=0.2,
        max_backoff_s=0.5,
    )
    assert client.connection_pool.get_master_address() == ("127.0.0.1", master.port)
    for expected_remaining in (4, 3, 2):
        result = limiter.check("k:ha", 5, 60)
        assert (result.backend, result.remaining) == ("redis", expected_remaining)
    # The replica holds the three hits before the master dies. Polled with a deadline: how long the
    # replica takes to acknowledge depends on the machine, never on the code under test.
    replica_client = redis.Redis(port=replica.port, socket_timeout=10)
    _wait_until(lambda: replica_client.zcard("k:ha") == 3, 30, "the replica to hold the three hits")

    master.stop()
    assert limiter.check("k:ha", 5, 60).backend == "local"  # during the failover: this worker's window
    _wait_until(
        lambda: watcher.discover_master(MASTER_NAME) == ("127.0.0.1", replica.port),
        60,
        "the sentinel to promote the replica",
    )

    deadline = time.monotonic() + 30
    while limiter.check("k:probe", 10_000, 60).backend != "redis":
        assert time.monotonic() < deadline, "the limiter did not go back to Redis after the failover"
        time.sleep(0.05)
    after = limiter.check("k:ha", 5, 60)
    assert (after.backend, after.allowed, after.remaining) == ("redis", True, 1)  # 3 old hits + this one
    assert limiter.check("k:ha", 5, 60).remaining == 0
    assert not limiter.check("k:ha", 5, 60).allowed
    promoted = redis.Redis(port=replica.port)
    assert promoted.zcard("k:ha") == 5 and promoted.info("replication")["role"] == "master"
    assert limiter.outages == 1


def test_a_read_only_replica_counts_as_unavailable(sentinel_setup):
    """A plain URL pointing at a replica (a stale setting after a failover) must not break calls."""
    _master, replica, _sentinel, _watcher = sentinel_setup
    limiter = RateLimiter(
        build_redis(replica.url, socket_timeout=5), logger=logging.getLogger("l10n_cl_ai.test.sentinel")
    )
    result = limiter.check("k:ro", 5, 60)
    assert (result.backend, result.allowed) == ("local", True)
    assert limiter.outages == 1
