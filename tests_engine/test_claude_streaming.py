"""Streamed replies: the fake writes events one by one (or cuts them), the client hands text over as it
comes, tells each round's end, never retries once text was handed over, and counts a cut stream's tokens."""

import time

import anthropic
import pytest

import claude_clients
from fakes.fake_anthropic import OVERLOADED
from services.claude.client import Prompt
from services.claude.errors import ClaudeUnavailable

MODEL = "claude-sonnet-5-5"
QUESTION = [{"role": "user", "content": "¿Cuándo vence el IVA de este mes?"}]
TOOLS = [
    {
        "name": "tax_calendar",
        "description": "Calendario tributario del mes.",
        "input_schema": {"type": "object", "properties": {"month": {"type": "string"}}},
    }
]
# message_start, ping and content_block_start come before the first text delta
EVENTS_BEFORE_TEXT = 3


def make_client(fake, **options):
    return claude_clients.make_client(fake, sleep=lambda _s: None, **options)


def test_the_fake_writes_events_one_by_one_with_the_delay_between_them(fake):
    fake.reply_text("a" * 40, chunk_size=1, event_delay=0.02)
    sdk = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
    started = time.monotonic()
    arrivals = []
    with sdk.messages.stream(model=MODEL, max_tokens=50, messages=QUESTION) as stream:
        for event in stream:
            if event.type == "text":
                arrivals.append(time.monotonic() - started)
                if len(arrivals) == 1:
                    assert fake.messages_requests[-1].finished_at is None, "the rest is still to come"
        final = stream.get_final_message()
    assert len(arrivals) == 40 and final.content[0].text == "a" * 40
    total = time.monotonic() - started
    assert total >= 45 * 0.02  # 46 events, 45 delays
    assert arrivals[0] < total / 2 and arrivals[-1] - arrivals[0] >= 39 * 0.02
    assert fake.messages_requests[-1].events_sent == 46


def test_a_cut_stream_is_a_dropped_connection_or_an_error_event(fake):
    fake.reply_text("b" * 40, chunk_size=1, cut_after=EVENTS_BEFORE_TEXT + 5)
    fake.reply_text("c" * 40, chunk_size=1, cut_after=EVENTS_BEFORE_TEXT + 5, cut_with=OVERLOADED)
    sdk = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
    for expected in (Exception, anthropic.APIStatusError):
        texts = []
        with pytest.raises(expected) as raised:  # noqa: PT012 - the failure comes while iterating
            with sdk.messages.stream(model=MODEL, max_tokens=50, messages=QUESTION) as stream:
                texts.extend(event.text for event in stream if event.type == "text")
        assert len(texts) == 5
    assert raised.value.body["error"]["type"] == "overloaded_error"
    assert [r.events_sent for r in fake.messages_requests] == [8, 8]


def test_a_stream_cut_after_some_text_is_not_retried_and_its_tokens_are_counted(fake):
    fake.reply_text(
        "Vence el día 20 del mes siguiente, salvo ...", chunk_size=4, cut_after=EVENTS_BEFORE_TEXT + 3
    )
    fake.reply_text("never asked for")
    deltas = []
    with pytest.raises(ClaudeUnavailable) as raised:
        make_client(fake).create(Prompt(messages=QUESTION), on_text=deltas.append)
    assert "".join(deltas) == "Vence el día"
    assert len(fake.messages_requests) == 1, "a retry would write the answer a second time"
    details = raised.value.details
    assert details["interrupted"] is True and details["partial"] is True
    assert details["cause"] == "RemoteProtocolError"
    served = fake.messages_requests[0].response["usage"]
    assert details["usage"].input_tokens == served["input_tokens"] > 0
    assert details["usage"].output_tokens >= 3  # 12 characters handed over
    assert details["cost_usd"] > 0


def test_a_stream_cut_before_any_text_is_retried(fake):
    fake.reply_text("perdido", cut_after=EVENTS_BEFORE_TEXT)
    fake.reply_text("Vence el día 20.")
    deltas = []
    result = make_client(fake).create(Prompt(messages=QUESTION), on_text=deltas.append)
    assert "".join(deltas) == result.content == "Vence el día 20."
    assert result.attempts == 2
    first, second = (r.response["usage"]["input_tokens"] for r in fake.messages_requests)
    assert result.usage.input_tokens == first + second, "the cut request's input is spent too"


def test_an_error_event_mid_stream_is_claude_being_unavailable(fake):
    fake.reply_text(
        "Vence el día 20 del mes.", chunk_size=4, cut_after=EVENTS_BEFORE_TEXT + 2, cut_with=OVERLOADED
    )
    deltas = []
    with pytest.raises(ClaudeUnavailable) as raised:
        make_client(fake).create(Prompt(messages=QUESTION), on_text=deltas.append)
    assert "".join(deltas) == "Vence el" and "Overloaded" in str(raised.value)
    assert len(fake.messages_requests) == 1


def test_each_streamed_round_ends_with_its_stop_reason(fake):
    fake.reply_tool_use("tax_calendar", {"month": "2025-07"}, text="Reviso el calendario.")
    fake.reply_text("Vence el 20 de agosto.")
    seen = []
    result = make_client(fake).create(
        Prompt(messages=QUESTION, tools=TOOLS),
        on_text=lambda delta: seen.append(("text", delta)),
        on_round=lambda stop_reason: seen.append(("round", stop_reason)),
        tool_executor=lambda _name, _input: "IVA: día 20",
    )
    rounds = [value for kind, value in seen if kind == "round"]
    assert rounds == ["tool_use", "end_turn"]
    split = seen.index(("round", "tool_use"))
    assert "".join(value for _kind, value in seen[:split]) == "Reviso el calendario."
    assert (
        "".join(value for _kind, value in seen[split + 1 : -1]) == result.content == "Vence el 20 de agosto."
    )
