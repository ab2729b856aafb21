"""Circuit breaker: opens after N consecutive failures, refuses at once, half-opens after the cool-down,
closes after a good probe; its state is shared through a real Redis by two client instances; with Redis
down each process keeps its own breaker. Time is a manual clock: no assertion depends on the machine's
speed."""

import logging
import uuid

import pytest
import redis

from claude_clients import make_client
from fakes.redis_server import RedisServer
from services.claude.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from services.claude.client import Prompt
from services.claude.errors import CircuitOpen, ClaudeRequestError, ClaudeUnavailable

PROMPT = Prompt(messages=[{"role": "user", "content": "Hola"}])


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


class ManualClock:
    """Seconds that move only when a test says so (shared by every breaker of a test)."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return ManualClock()


def redis_client(server):
    # A generous timeout: a slow answer must not silently switch the breaker to its local fallback.
    return redis.Redis.from_url(server.url, socket_timeout=10, socket_connect_timeout=10)


def breaker_for(server, name, clock, **options):
    settings = {"failure_threshold": 2, "cooldown_s": 30}
    settings.update(options)
    return CircuitBreaker(
        name=name, redis_client=redis_client(server) if server else None, clock=clock, **settings
    )


def client_for(fake, breaker):
    return make_client(fake, breaker=breaker, max_attempts=1)


def fail_calls(fake, client, count):
    for _ in range(count):
        fake.overloaded()
        with pytest.raises(ClaudeUnavailable):
            client.create(PROMPT)


def test_opens_after_consecutive_failures_and_refuses_without_a_request(fake, redis_server, clock):
    breaker = breaker_for(redis_server, uuid.uuid4().hex, clock)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 1)
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 1
    fail_calls(fake, client, 1)
    assert breaker.peek().state == OPEN
    sent = len(fake.requests)
    clock.advance(10)
    with pytest.raises(CircuitOpen) as refusal:
        client.create(PROMPT)
    assert len(fake.requests) == sent  # not even a token count
    assert refusal.value.retry_after == pytest.approx(20)
    assert refusal.value.details["attempts"] == 0


def test_success_resets_the_consecutive_failure_count(fake, redis_server, clock):
    breaker = breaker_for(redis_server, uuid.uuid4().hex, clock)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 1)
    client.create(PROMPT)
    fail_calls(fake, client, 1)
    assert breaker.peek().state == CLOSED


def test_request_errors_do_not_open_the_breaker(fake, redis_server, clock):
    breaker = breaker_for(redis_server, uuid.uuid4().hex, clock)
    client = client_for(fake, breaker)
    for _ in range(3):
        fake.bad_request()
        with pytest.raises(ClaudeRequestError):
            client.create(PROMPT)
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 0


def test_half_opens_after_the_cool_down_and_closes_after_a_good_probe(fake, redis_server, clock):
    breaker = breaker_for(redis_server, uuid.uuid4().hex, clock)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 2)
    clock.advance(29.9)
    assert breaker.peek().state == OPEN
    clock.advance(0.1)
    assert breaker.peek().state == HALF_OPEN
    assert client.create(PROMPT).content == "OK"  # the probe
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 0


def test_failed_probe_opens_again_for_a_full_cool_down(fake, redis_server, clock):
    breaker = breaker_for(redis_server, uuid.uuid4().hex, clock)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 2)
    clock.advance(30)
    fail_calls(fake, client, 1)
    state = breaker.peek()
    assert state.state == OPEN and state.retry_after_s == pytest.approx(30)
    with pytest.raises(CircuitOpen):
        client.create(PROMPT)


def test_half_open_lets_one_probe_through_at_a_time(redis_server, clock):
    name = uuid.uuid4().hex
    first, second = breaker_for(redis_server, name, clock), breaker_for(redis_server, name, clock)
    first.failure()
    first.failure()
    clock.advance(30)
    first.acquire()  # the probe is in flight
    with pytest.raises(CircuitOpen):
        second.acquire()
    first.success()
    assert second.acquire().state == CLOSED


def test_state_is_shared_by_two_client_instances_through_redis(fake, redis_server, clock):
    name = uuid.uuid4().hex
    worker_a = client_for(fake, breaker_for(redis_server, name, clock))
    worker_b = client_for(fake, breaker_for(redis_server, name, clock))
    fail_calls(fake, worker_a, 2)
    sent = len(fake.requests)
    with pytest.raises(CircuitOpen):
        worker_b.create(PROMPT)
    assert len(fake.requests) == sent
    clock.advance(30)
    assert worker_b.create(PROMPT).content == "OK"
    assert worker_a.create(PROMPT).content == "OK"  # closed for A too
    assert breaker_for(redis_server, name, clock).peek().shared


def test_redis_down_falls_back_to_a_per_process_breaker_and_back(fake, caplog, clock):
    caplog.set_level(logging.WARNING, logger="services.breaker")
    with RedisServer() as server:
        name = uuid.uuid4().hex
        breaker_a, breaker_b = (breaker_for(server, name, clock, redis_retry_s=5) for _ in range(2))
        worker_a, worker_b = client_for(fake, breaker_a), client_for(fake, breaker_b)
        server.stop()
        fail_calls(fake, worker_a, 2)
        with pytest.raises(CircuitOpen):
            worker_a.create(PROMPT)
        assert breaker_a.peek().shared is False and breaker_a.fallback_count >= 5
        # worker B (another process in production) has its own breaker while Redis is down
        assert worker_b.create(PROMPT).content == "OK"
        warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
        assert len(warnings) == 2  # once per breaker and outage, not once per call
        server.start()
        assert breaker_a.peek().shared is False  # Redis is not retried on every operation...
        clock.advance(4.9)
        assert breaker_a.peek().shared is False  # ...only once ``redis_retry_s`` has passed
        clock.advance(5)
        assert breaker_a.peek().shared is True
        assert breaker_a.peek().state == CLOSED  # Redis' state: the local failures stayed local


def test_local_breaker_half_opens_after_the_cool_down_and_a_failed_probe_opens_it_again(clock):
    """Without Redis configured (``redis_client=None``) the per-process breaker has the same rules."""
    breaker = breaker_for(None, uuid.uuid4().hex, clock)
    breaker.failure()
    breaker.failure()
    assert breaker.peek().state == OPEN and breaker.peek().shared is False
    with pytest.raises(CircuitOpen) as refusal:
        breaker.acquire()
    assert refusal.value.retry_after == pytest.approx(30)
    clock.advance(30)
    assert breaker.acquire().state == HALF_OPEN  # the probe
    with pytest.raises(CircuitOpen):
        breaker.acquire()  # one probe at a time
    breaker.failure()  # the probe failed: open again for a full cool-down
    clock.advance(29)
    with pytest.raises(CircuitOpen) as again:
        breaker.acquire()
    assert again.value.retry_after == pytest.approx(1)
    clock.advance(1)
    breaker.acquire()
    breaker.success()
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 0
    assert breaker.fallback_count == 0  # nothing to fall back from: there is no Redis
