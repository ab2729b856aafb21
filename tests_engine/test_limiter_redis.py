"""services.limiter against a real redis-server: exact under concurrency, sliding, figures, composite keys."""

import math
import threading
import time

import pytest

from fakes.redis_server import RedisServer
from services.claude.errors import RateLimited
from services.redis_state.connection import build_redis
from services.redis_state.limiter import LimitRule, RateLimiter, feature_rules


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def client(redis_server):
    client = build_redis(redis_server.url, socket_timeout=2.0)
    client.flushall()
    yield client
    client.close()


def _hammer(threads, calls_per_thread, check):
    """Run ``check(thread_index)`` from ``threads`` threads started together; return all results."""
    barrier = threading.Barrier(threads)
    results = [[] for _ in range(threads)]

    def worker(index):
        barrier.wait()
        for _ in range(calls_per_thread):
            results[index].append(check(index))

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return [result for per_thread in results for result in per_thread]


def test_exactly_the_limit_is_admitted_under_32_concurrent_threads(client):
    limiter = RateLimiter(client)
    results = _hammer(32, 10, lambda _i: limiter.check("l10n_cl_ai:rl:burst", 50, 60))
    admitted = [result for result in results if result.allowed]
    assert len(results) == 320
    assert len(admitted) == 50
    assert all(result.backend == "redis" for result in results)
    assert client.zcard("l10n_cl_ai:rl:burst") == 50  # refusals are not counted
    assert sorted(result.remaining for result in admitted) == list(range(50))  # each slot handed out once


def test_company_limit_is_exact_when_many_users_share_it_concurrently(client):
    limiter = RateLimiter(client)

    def check(index):
        user = index % 4
        return user, limiter.check_many(
            feature_rules("dte", user_id=user, company_id=1, per_user=10, per_company=25, window_s=60)
        )

    results = _hammer(32, 4, check)
    admitted = [user for user, result in results if result.allowed]
    assert len(admitted) == 25
    assert all(admitted.count(user) <= 10 for user in range(4))
    assert client.zcard("l10n_cl_ai:rl:dte:company:1") == 25
    assert sum(client.zcard(f"l10n_cl_ai:rl:dte:user:{user}") for user in range(4)) == 25


def test_window_slides_old_hits_expire_and_refusals_do_not_count(client):
    # A 3 s window: seven round trips fit in it on any machine; the test then waits for it to slide.
    limiter = RateLimiter(client)
    assert limiter.check("k:slide", 2, 3).allowed
    assert limiter.check("k:slide", 2, 3).allowed
    for _ in range(5):
        refused = limiter.check("k:slide", 2, 3)
        assert not refused.allowed
    assert 0 < refused.retry_after_s <= 3
    time.sleep(refused.retry_after_s + 0.05)
    again = limiter.check("k:slide", 2, 3)
    assert again.allowed and again.remaining == 1  # the two old hits left; five refusals never counted
    assert client.zcard("k:slide") == 1  # trimmed in Redis, not only in the reply
    assert 0 < client.pttl("k:slide") <= 3000  # the key expires with its window


def test_remaining_reset_and_retry_after_figures(client):
    limiter = RateLimiter(client)
    # A 60 s window and a 2 s pause: "follows the oldest hit" differs from "the newest" by 2 s, far more
    # than the 1 s tolerance a slow machine may need between the check and the clock read.
    started = time.monotonic()
    first = limiter.check("k:figures", 3, 60)
    assert (first.allowed, first.limit, first.remaining, first.retry_after_s) == (True, 3, 2, 0.0)
    assert 59.99 <= first.reset_s <= 60
    time.sleep(2)
    second = limiter.check("k:figures", 3, 60)
    oldest_leaves_in = 60 - (time.monotonic() - started)
    assert second.remaining == 1
    assert abs(second.reset_s - oldest_leaves_in) < 1  # reset follows the OLDEST hit, not the newest
    assert limiter.check("k:figures", 3, 60).remaining == 0
    refused = limiter.check("k:figures", 3, 60)
    oldest_leaves_in = 60 - (time.monotonic() - started)
    assert (refused.allowed, refused.remaining) == (False, 0)
    assert abs(refused.retry_after_s - oldest_leaves_in) < 1
    assert refused.retry_after_s == refused.reset_s  # one slot frees when the oldest hit leaves
    headers = refused.headers()
    assert headers["X-RateLimit-Limit"] == "3" and headers["X-RateLimit-Remaining"] == "0"
    assert headers["Retry-After"] == headers["X-RateLimit-Reset"] == str(math.ceil(refused.retry_after_s))
    with pytest.raises(RateLimited) as caught:
        refused.raise_if_refused()
    assert caught.value.retry_after == math.ceil(refused.retry_after_s)
    assert caught.value.details["key"] == "k:figures"
    assert first.raise_if_refused() is first
    assert "Retry-After" not in first.headers()


def test_user_and_company_keys_are_independent_and_combined(client):
    limiter = RateLimiter(client)

    def rules(user, company):
        return feature_rules("chat", user_id=user, company_id=company, per_user=2, per_company=3, window_s=60)

    assert limiter.check_many(rules(1, 1)).allowed
    assert limiter.check_many(rules(1, 1)).allowed
    user_full = limiter.check_many(rules(1, 1))
    assert not user_full.allowed and user_full.key == "l10n_cl_ai:rl:chat:user:1"
    # The refusal by the user key did not consume the company key: another user still gets in.
    other_user = limiter.check_many(rules(2, 1))
    assert other_user.allowed
    assert other_user.key == "l10n_cl_ai:rl:chat:company:1" and other_user.remaining == 0
    company_full = limiter.check_many(rules(3, 1))
    assert not company_full.allowed and company_full.key == "l10n_cl_ai:rl:chat:company:1"
    assert [part.allowed for part in company_full.parts] == [True, False]
    assert client.zcard("l10n_cl_ai:rl:chat:user:3") == 0  # a refused composite check counts nowhere
    # Same users in another company are untouched (user 1's own key is still full, though).
    assert limiter.check_many(rules(2, 2)).allowed
    assert not limiter.check_many(rules(1, 2)).allowed


def test_composite_refusal_reports_the_longest_wait(client):
    limiter = RateLimiter(client)
    short = LimitRule("k:short", 1, 30)
    long = LimitRule("k:long", 1, 60)
    assert limiter.check_many([short, long]).allowed
    refused = limiter.check_many([short, long])
    assert not refused.allowed and refused.key == "k:long"
    assert 50 <= refused.retry_after_s <= 60
    assert {part.key: part.retry_after_s > 0 for part in refused.parts} == {"k:short": True, "k:long": True}


def test_script_flushed_from_redis_is_loaded_again(client):
    limiter = RateLimiter(client)
    assert limiter.check("k:noscript", 5, 60).remaining == 4
    client.script_flush()
    result = limiter.check("k:noscript", 5, 60)
    assert result.backend == "redis" and result.remaining == 3
    assert limiter.outages == 0


def test_invalid_rules_are_rejected(client):
    limiter = RateLimiter(client)
    for rules in ([], [("k", 0, 60)], [("k", 5, 0)], [("k", 5, 60), ("k", 3, 60)]):
        with pytest.raises(ValueError):
            limiter.check_many(rules)
    with pytest.raises(ValueError):
        RateLimiter(client, fail_mode="maybe")
    assert feature_rules("dte", user_id=1, company_id=1, per_user=0, per_company=None) == []
