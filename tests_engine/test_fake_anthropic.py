"""The fake Anthropic server behaves like the API where our tests rely on it (real HTTP, real SDK)."""

import json
import math
import time
import urllib.error
import urllib.request

import anthropic
import pytest

from fakes.fake_anthropic import estimate_tokens

MODEL = "claude-sonnet-5-5"


@pytest.fixture
def sdk(fake):
    client = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
    yield client
    client.close()


def _post(fake, path, body, headers=None):
    request = urllib.request.Request(
        fake.base_url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback test server
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def _system(text, marked=True):
    block = {"type": "text", "text": text}
    if marked:
        block["cache_control"] = {"type": "ephemeral"}
    return [block]


USER = [{"role": "user", "content": "hola"}]


def test_api_key_is_required_in_either_header(fake):
    body = {"model": MODEL, "max_tokens": 10, "messages": USER}
    status, payload, _ = _post(fake, "/v1/messages", body)
    assert status == 401
    assert payload["error"]["type"] == "authentication_error"
    assert _post(fake, "/v1/messages", body, {"x-api-key": "wrong"})[0] == 401
    assert _post(fake, "/v1/messages", body, {"x-api-key": fake.api_key})[0] == 200
    assert _post(fake, "/v1/messages", body, {"authorization": f"Bearer {fake.api_key}"})[0] == 200
    assert [r.path for r in fake.requests] == ["/v1/messages"] * 4
    assert fake.requests[0].body == body


def test_count_tokens_is_the_deterministic_estimate_and_matches_usage(fake, sdk):
    system = _system("reglas " * 100, marked=False)
    counted = sdk.messages.count_tokens(model=MODEL, system=system, messages=USER).input_tokens
    expected = estimate_tokens(system[0]) + estimate_tokens({"type": "text", "text": "hola"})
    assert counted == expected
    assert estimate_tokens(system[0]) == math.ceil(len(json.dumps(system[0], sort_keys=True)) / 4)
    usage = sdk.messages.create(model=MODEL, max_tokens=10, system=system, messages=USER).usage
    assert usage.input_tokens == counted
    assert usage.cache_creation_input_tokens == usage.cache_read_input_tokens == 0


def test_marked_prefix_is_written_then_read(fake, sdk):
    system = _system("x" * 4000)  # ~1000 tokens, above the 512 minimum
    prefix = estimate_tokens(system[0])
    first = sdk.messages.create(model=MODEL, max_tokens=10, system=system, messages=USER).usage
    second = sdk.messages.create(model=MODEL, max_tokens=10, system=system, messages=USER).usage
    assert (first.cache_creation_input_tokens, first.cache_read_input_tokens) == (prefix, 0)
    assert first.cache_creation.ephemeral_5m_input_tokens == prefix
    assert (second.cache_creation_input_tokens, second.cache_read_input_tokens) == (0, prefix)
    assert first.input_tokens == second.input_tokens == estimate_tokens({"type": "text", "text": "hola"})


def test_prefix_below_the_model_minimum_is_not_cached(fake, sdk):
    system = _system("x" * 3000)  # ~750 tokens: enough for a 5.5 model (512), not for Sonnet 4.6 (1024)
    for _ in range(2):
        usage = sdk.messages.create(
            model="claude-sonnet-4-6", max_tokens=10, system=system, messages=USER
        ).usage
        assert usage.cache_creation_input_tokens == usage.cache_read_input_tokens == 0
    assert sdk.messages.create(
        model=MODEL, max_tokens=10, system=system, messages=USER
    ).usage.cache_creation_input_tokens


def test_longest_cached_prefix_is_read_and_only_the_rest_written(fake, sdk):
    base = {"type": "text", "text": "a" * 4000, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    passages_1 = {"type": "text", "text": "b" * 4000, "cache_control": {"type": "ephemeral"}}
    passages_2 = {"type": "text", "text": "c" * 4000, "cache_control": {"type": "ephemeral"}}
    sdk.messages.create(model=MODEL, max_tokens=10, system=[base, passages_1], messages=USER)
    usage = sdk.messages.create(model=MODEL, max_tokens=10, system=[base, passages_2], messages=USER).usage
    assert usage.cache_read_input_tokens == estimate_tokens(base)
    assert usage.cache_creation_input_tokens == estimate_tokens(passages_2)
    assert usage.cache_creation.ephemeral_5m_input_tokens == estimate_tokens(passages_2)
    assert usage.cache_creation.ephemeral_1h_input_tokens == 0


def test_more_than_four_breakpoints_and_forced_tool_choice_are_refused(fake, sdk):
    system = [{"type": "text", "text": f"part {i}", "cache_control": {"type": "ephemeral"}} for i in range(5)]
    with pytest.raises(anthropic.BadRequestError, match="maximum of 4"):
        sdk.messages.create(model=MODEL, max_tokens=10, system=system, messages=USER)
    tools = [{"name": "lookup", "description": "d", "input_schema": {"type": "object"}}]
    with pytest.raises(anthropic.BadRequestError, match="tool_choice"):
        sdk.messages.create(
            model=MODEL, max_tokens=10, tools=tools, tool_choice={"type": "any"}, messages=USER
        )
    sdk.messages.create(model=MODEL, max_tokens=10, tools=tools, tool_choice={"type": "auto"}, messages=USER)


def test_scripted_replies_come_in_order_then_the_default(fake, sdk):
    fake.reply_text("uno")
    fake.reply_json({"dos": 2})
    fake.reply_tool_use("lookup", {"rut": "76.086.428-5"}, tool_id="toolu_1")
    texts = []
    for _ in range(4):
        message = sdk.messages.create(model=MODEL, max_tokens=10, messages=USER)
        texts.append(message)
    assert texts[0].content[0].text == "uno"
    assert json.loads(texts[1].content[0].text) == {"dos": 2}
    assert texts[2].stop_reason == "tool_use"
    assert (texts[2].content[0].name, texts[2].content[0].input) == ("lookup", {"rut": "76.086.428-5"})
    assert texts[3].content[0].text == "OK"


def test_error_replies_carry_status_headers_and_error_codes(fake, sdk):
    fake.rate_limited(retry_after=7)
    fake.spend_limit_reached()
    fake.overloaded()
    fake.server_error()
    with pytest.raises(anthropic.RateLimitError) as rate_limited:
        sdk.messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert rate_limited.value.response.headers["retry-after"] == "7"
    assert rate_limited.value.type == "rate_limit_error"
    assert rate_limited.value.error_code is None
    with pytest.raises(anthropic.RateLimitError) as spend:
        sdk.messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert spend.value.error_code == "enforced_spend_limit_reached"
    with pytest.raises(anthropic.OverloadedError):
        sdk.messages.create(model=MODEL, max_tokens=10, messages=USER)
    with pytest.raises(anthropic.InternalServerError) as server:
        sdk.messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert server.value.status_code == 500


def test_streaming_reply_is_server_sent_events_with_final_usage(fake, sdk):
    fake.reply_text("Una respuesta algo más larga que un trozo.")
    system = _system("x" * 4000)
    with sdk.messages.stream(model=MODEL, max_tokens=50, system=system, messages=USER) as stream:
        deltas = [event.text for event in stream if event.type == "text"]
        final = stream.get_final_message()
    assert len(deltas) > 1
    assert "".join(deltas) == "Una respuesta algo más larga que un trozo."
    assert final.usage.cache_creation_input_tokens == estimate_tokens(system[0])
    assert final.usage.output_tokens > 1
    assert fake.messages_requests[-1].body["stream"] is True


def test_slow_reply_and_count_failure(fake, sdk):
    fake.reply_text("lento", delay=0.3)
    started = time.monotonic()
    sdk.messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert time.monotonic() - started >= 0.3
    fake.fail_count_tokens(status=503)
    with pytest.raises(anthropic.InternalServerError):
        sdk.messages.count_tokens(model=MODEL, messages=USER)
    assert sdk.messages.count_tokens(model=MODEL, messages=USER).input_tokens > 0


def test_a_later_breakpoint_reads_a_prefix_cached_a_few_blocks_earlier(fake, sdk):
    system = [{"type": "text", "text": "x" * 4000}]
    turn_1 = [
        {
            "role": "user",
            "content": [{"type": "text", "text": "pregunta", "cache_control": {"type": "ephemeral"}}],
        }
    ]
    written = sdk.messages.create(model=MODEL, max_tokens=10, system=system, messages=turn_1).usage
    turn_2 = [
        {"role": "user", "content": [{"type": "text", "text": "pregunta"}]},
        {"role": "assistant", "content": "respuesta"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "otra", "cache_control": {"type": "ephemeral"}}],
        },
    ]
    usage = sdk.messages.create(model=MODEL, max_tokens=10, system=system, messages=turn_2).usage
    assert usage.cache_read_input_tokens == written.cache_creation_input_tokens
    assert usage.cache_creation_input_tokens == estimate_tokens(
        {"type": "text", "text": "respuesta"}
    ) + estimate_tokens({"type": "text", "text": "otra"})
    assert usage.input_tokens == 0
