"""Circuit breaker: opens after N consecutive failures, refuses at once, half-opens after the cool-down,
closes after a good probe; its state is shared through a real Redis by two client instances; with Redis
down each process keeps its own breaker."""

import logging
import time
import uuid

import pytest
import redis

from fakes.fake_anthropic import FakeAnthropic
from fakes.redis_server import RedisServer
from services.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from services.claude import ClaudeClient, ClaudeSettings, Prompt
from services.errors import CircuitOpen, ClaudeRequestError, ClaudeUnavailable
from services.pricing import DEFAULT_PRICES

PROMPT = Prompt(messages=[{"role": "user", "content": "Hola"}])


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def fake():
    with FakeAnthropic() as server:
        yield server


def redis_client(server):
    return redis.Redis.from_url(server.url, socket_timeout=0.3, socket_connect_timeout=0.3)


def breaker_for(server, name, **options):
    settings = {"failure_threshold": 2, "cooldown_s": 0.4}
    settings.update(options)
    return CircuitBreaker(name=name, redis_client=redis_client(server) if server else None, **settings)


def client_for(fake, breaker):
    settings = ClaudeSettings(api_key=fake.api_key, base_url=fake.base_url, timeout_s=5, max_attempts=1)
    return ClaudeClient(settings, DEFAULT_PRICES, breaker=breaker)


def fail_calls(fake, client, count):
    for _ in range(count):
        fake.overloaded()
        with pytest.raises(ClaudeUnavailable):
            client.create(PROMPT)


def test_opens_after_consecutive_failures_and_refuses_without_a_request(fake, redis_server):
    breaker = breaker_for(redis_server, uuid.uuid4().hex)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 1)
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 1
    fail_calls(fake, client, 1)
    assert breaker.peek().state == OPEN
    sent = len(fake.requests)
    started = time.monotonic()
    with pytest.raises(CircuitOpen) as refusal:
        client.create(PROMPT)
    assert time.monotonic() - started < 0.2
    assert len(fake.requests) == sent  # not even a token count
    assert 0 < refusal.value.retry_after <= 0.4
    assert refusal.value.details["attempts"] == 0


def test_success_resets_the_consecutive_failure_count(fake, redis_server):
    breaker = breaker_for(redis_server, uuid.uuid4().hex)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 1)
    client.create(PROMPT)
    fail_calls(fake, client, 1)
    assert breaker.peek().state == CLOSED


def test_request_errors_do_not_open_the_breaker(fake, redis_server):
    breaker = breaker_for(redis_server, uuid.uuid4().hex)
    client = client_for(fake, breaker)
    for _ in range(3):
        fake.bad_request()
        with pytest.raises(ClaudeRequestError):
            client.create(PROMPT)
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 0


def test_half_opens_after_the_cool_down_and_closes_after_a_good_probe(fake, redis_server):
    breaker = breaker_for(redis_server, uuid.uuid4().hex)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 2)
    time.sleep(0.45)
    assert breaker.peek().state == HALF_OPEN
    assert client.create(PROMPT).content == "OK"  # the probe
    assert breaker.peek().state == CLOSED and breaker.peek().failures == 0


def test_failed_probe_opens_again_for_a_full_cool_down(fake, redis_server):
    breaker = breaker_for(redis_server, uuid.uuid4().hex)
    client = client_for(fake, breaker)
    fail_calls(fake, client, 2)
    time.sleep(0.45)
    fail_calls(fake, client, 1)
    state = breaker.peek()
    assert state.state == OPEN and state.retry_after_s > 0.3
    with pytest.raises(CircuitOpen):
        client.create(PROMPT)


def test_half_open_lets_one_probe_through_at_a_time(redis_server):
    name = uuid.uuid4().hex
    first, second = breaker_for(redis_server, name), breaker_for(redis_server, name)
    first.failure()
    first.failure()
    time.sleep(0.45)
    first.acquire()  # the probe is in flight
    with pytest.raises(CircuitOpen):
        second.acquire()
    first.success()
    assert second.acquire().state == CLOSED


def test_state_is_shared_by_two_client_instances_through_redis(fake, redis_server):
    name = uuid.uuid4().hex
    worker_a = client_for(fake, breaker_for(redis_server, name))
    worker_b = client_for(fake, breaker_for(redis_server, name))
    fail_calls(fake, worker_a, 2)
    sent = len(fake.requests)
    with pytest.raises(CircuitOpen):
        worker_b.create(PROMPT)
    assert len(fake.requests) == sent
    time.sleep(0.45)
    assert worker_b.create(PROMPT).content == "OK"
    assert worker_a.create(PROMPT).content == "OK"  # closed for A too
    assert breaker_for(redis_server, name).peek().shared


def test_redis_down_falls_back_to_a_per_process_breaker_and_back(fake, caplog):
    caplog.set_level(logging.WARNING, logger="services.breaker")
    with RedisServer() as server:
        name = uuid.uuid4().hex
        breaker_a, breaker_b = (breaker_for(server, name, redis_retry_s=0.3) for _ in range(2))
        worker_a, worker_b = client_for(fake, breaker_a), client_for(fake, breaker_b)
        server.stop()
        started = time.monotonic()
        fail_calls(fake, worker_a, 2)
        with pytest.raises(CircuitOpen):
            worker_a.create(PROMPT)
        assert time.monotonic() - started < 2  # Redis is not retried on every operation
        assert breaker_a.peek().shared is False and breaker_a.fallback_count >= 5
        # worker B (another process in production) has its own breaker while Redis is down
        assert worker_b.create(PROMPT).content == "OK"
        warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
        assert len(warnings) == 2  # once per breaker and outage, not once per call
        server.start()
        time.sleep(0.35)
        assert breaker_a.peek().shared is True
        assert breaker_a.peek().state == CLOSED  # Redis' state: the local failures stayed local
