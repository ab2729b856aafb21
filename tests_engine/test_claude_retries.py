"""Retries (tenacity, SDK retries off), error mapping, pre-count and cost ceiling, against the fake."""

import email.utils
import logging
import time

import pytest

import claude_clients
from fakes.redis_server import free_port
from services.claude.client import ClaudeClient, ClaudeSettings, Prompt
from services.claude.errors import (
    ClaudeRequestError,
    ClaudeUnavailable,
    ConfigurationError,
    CostCeilingExceeded,
    PriceMissing,
    SpendLimitReached,
)
from services.claude.pricing import DEFAULT_PRICES

PROMPT = Prompt(system=["Eres un asistente contable."], messages=[{"role": "user", "content": "Hola"}])


class RecordingSleep:
    """Injected instead of time.sleep: records the waits, does not wait."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


def make_client(fake, sleep=time.sleep, **options):
    retries = {"backoff_base_s": 0.05, "backoff_max_s": 1.0, "max_attempts": 4, "max_retry_time_s": 10}
    return claude_clients.make_client(fake, sleep=sleep, **{**retries, **options})


def test_429_waits_the_retry_after_the_server_asked_for(fake):
    client = make_client(fake)
    client.create(PROMPT)  # warm up: SDK imports and connection
    fake.rate_limited(retry_after=1)
    fake.reply_text("Listo")
    started = time.monotonic()
    result = client.create(PROMPT)
    elapsed = time.monotonic() - started
    _warm_up, first, second = fake.messages_requests
    assert result.content == "Listo" and result.attempts == 2 and result.requests == 1
    assert second.at - first.at >= 1.0
    assert elapsed >= 1.0  # the exact waits (no back-off on top) are asserted with a recorded sleep below


def test_retry_after_is_used_as_is_instead_of_the_backoff(fake):
    sleep = RecordingSleep()
    fake.rate_limited(retry_after=3)
    fake.reply_error(429, "rate_limit_error", "slow down", headers={"retry-after-ms": "250"})
    fake.reply_text("Listo")
    result = make_client(fake, sleep).create(PROMPT)
    assert sleep.waits == [3.0, 0.25]
    assert result.attempts == 3


def test_retry_after_given_as_an_http_date_is_waited_until_that_moment(fake):
    sleep = RecordingSleep()
    at = email.utils.formatdate(time.time() + 8, usegmt=True)
    fake.reply_error(429, "rate_limit_error", "slow down", headers={"retry-after": at})
    fake.reply_text("Listo")
    result = make_client(fake, sleep).create(PROMPT)
    assert result.content == "Listo" and result.attempts == 2
    assert len(sleep.waits) == 1 and 5 <= sleep.waits[0] <= 8  # whole seconds in the date, not the back-off


def test_529_then_success_backs_off_with_jitter(fake):
    sleep = RecordingSleep()
    fake.overloaded()
    fake.reply_text("Listo")
    result = make_client(fake, sleep, backoff_base_s=1.0).create(PROMPT)
    assert result.content == "Listo" and result.attempts == 2 and result.outcome == "ok"
    assert len(sleep.waits) == 1 and 0.5 <= sleep.waits[0] <= 1.0


def test_5xx_backoff_grows_exponentially_then_gives_up_with_details(fake):
    sleep = RecordingSleep()
    for status in (500, 503, 529, 500):
        fake.server_error(status) if status != 529 else fake.overloaded()
    with pytest.raises(ClaudeUnavailable) as failure:
        make_client(fake, sleep, backoff_base_s=1.0, backoff_max_s=100).create(PROMPT)
    assert len(fake.messages_requests) == 4 and fake.pending == 0
    assert [round(w, 3) for w in sleep.waits] == sorted(round(w, 3) for w in sleep.waits)
    for wait, ceiling in zip(sleep.waits, (1.0, 2.0, 4.0), strict=True):
        assert ceiling / 2 <= wait <= ceiling
    details = failure.value.details
    assert details["attempts"] == 4 and details["requests"] == 0
    assert details["usage"].input_tokens == 0 and details["cost_usd"] == 0
    assert details["latency_ms"] >= 0 and details["model"] == "claude-sonnet-5-5"
    assert failure.value.details["status"] == 500


def test_retry_after_beyond_the_time_budget_stops_at_once_and_reports_the_wait(fake):
    sleep = RecordingSleep()
    fake.rate_limited(retry_after=120)
    fake.reply_text("never sent")
    with pytest.raises(ClaudeUnavailable) as failure:
        make_client(fake, sleep, max_retry_time_s=30).create(PROMPT)
    assert sleep.waits == [] and len(fake.messages_requests) == 1
    assert failure.value.retry_after == 120.0


def test_no_retry_on_400(fake):
    fake.bad_request("messages.0.content: empty")
    fake.reply_text("never sent")
    with pytest.raises(ClaudeRequestError) as failure:
        make_client(fake, RecordingSleep()).create(PROMPT)
    assert len(fake.messages_requests) == 1 and fake.pending == 1
    assert failure.value.details["attempts"] == 1 and failure.value.details["status"] == 400
    assert "messages.0.content: empty" in str(failure.value)


def test_no_retry_on_a_spend_limit_429(fake):
    fake.spend_limit_reached(retry_after=1)
    fake.reply_text("never sent")
    with pytest.raises(SpendLimitReached) as failure:
        make_client(fake, RecordingSleep()).create(PROMPT)
    assert len(fake.messages_requests) == 1 and fake.pending == 1
    assert failure.value.details["error_code"] == "enforced_spend_limit_reached"


def test_wrong_api_key_is_a_configuration_error_without_retry_and_never_logged(fake, caplog):
    caplog.set_level(logging.DEBUG)
    settings = ClaudeSettings(
        api_key="sk-ant-wrong-secret-value", base_url=fake.base_url, backoff_base_s=0.01
    )
    client = ClaudeClient(settings, DEFAULT_PRICES, sleep=RecordingSleep())
    with pytest.raises(ConfigurationError) as failure:
        client.create(PROMPT)
    assert len(fake.messages_requests) == 1
    assert "sk-ant-wrong-secret-value" not in repr(settings)
    assert "sk-ant-wrong-secret-value" not in str(failure.value)
    assert all("sk-ant-wrong-secret-value" not in record.getMessage() for record in caplog.records)


def test_missing_api_key_or_price_refuses_before_any_request(fake):
    with pytest.raises(ConfigurationError):
        ClaudeClient(ClaudeSettings(api_key="", base_url=fake.base_url), DEFAULT_PRICES)
    with pytest.raises(PriceMissing) as failure:
        make_client(fake).create(PROMPT, model="claude-fable-5-2")
    assert fake.requests == []
    assert failure.value.details["attempts"] == 0 and failure.value.details["model"] == "claude-fable-5-2"


def test_slow_reply_times_out_and_is_retried(fake):
    # 3 s per request is far above what the fake needs on any machine, far below the slow reply's 60 s
    fake.reply_text("tarde", delay=60)
    fake.reply_text("a tiempo")
    result = make_client(fake, RecordingSleep(), timeout_s=3).create(PROMPT)
    assert result.content == "a tiempo" and result.attempts == 2


def test_connection_refused_is_retried_then_unavailable():
    settings = ClaudeSettings(
        api_key="sk-ant-x", base_url=f"http://127.0.0.1:{free_port()}", timeout_s=1, max_attempts=3
    )
    sleep = RecordingSleep()
    with pytest.raises(ClaudeUnavailable) as failure:
        ClaudeClient(settings, DEFAULT_PRICES, sleep=sleep).create(PROMPT)
    assert failure.value.details["attempts"] == 3 and len(sleep.waits) == 2
    assert "could not be reached" in str(failure.value)


def test_pre_count_above_the_ceiling_refuses_without_a_messages_call(fake):
    big = Prompt(system=["Contexto largo. " * 2000], messages=[{"role": "user", "content": "Resume"}])
    client = make_client(fake, max_cost_per_request_usd=0.03)
    with pytest.raises(CostCeilingExceeded) as refusal:
        client.create(big, max_tokens=4000)
    assert fake.messages_requests == [] and len(fake.count_requests) == 1
    details = refusal.value.details
    counted = fake.count_tokens(fake.count_requests[0].body)
    assert details["input_tokens"] == details["input_tokens_counted"] == counted
    # worst case: every prompt token as a 5-minute cache write (2.50/MTok) + 4,000 output tokens (10/MTok)
    assert details["estimated_cost_usd"] == pytest.approx((counted * 2.5 + 4000 * 10) / 1e6)
    assert details["attempts"] == 0
    # the same prompt with a smaller max_tokens fits under the ceiling and is sent
    assert client.create(big, max_tokens=200).requests == 1


def test_count_endpoint_failure_falls_back_to_the_local_estimate(fake):
    fake.fail_count_tokens(status=500)
    result = make_client(fake).create(PROMPT)
    assert result.count_source == "estimate" and result.input_tokens_counted > 0
    fake.fail_count_tokens(status=500)
    big = Prompt(system=["Contexto largo. " * 2000], messages=[{"role": "user", "content": "Resume"}])
    with pytest.raises(CostCeilingExceeded):
        make_client(fake, max_cost_per_request_usd=0.01).create(big, max_tokens=4000)
    assert len(fake.messages_requests) == 1  # only the first, accepted call
