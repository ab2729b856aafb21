"""Prompt caching: breakpoints only where the prefix reaches the model's minimum, and the cache usage
(writes, then reads) is accounted and priced across calls. Real SDK against the fake over HTTP."""

import pytest

from claude_clients import make_client
from fakes.fake_anthropic import estimate_tokens
from services.claude.client import Prompt
from services.claude.pricing import DEFAULT_PRICES_BY_MODEL, cost_usd

QUESTION = [{"role": "user", "content": "¿La factura 33 N° 1520 tiene el IVA bien calculado?"}]


def markers(body):
    """Where the request carried cache_control markers, as (part, index) pairs."""
    found = [("tool", i) for i, tool in enumerate(body.get("tools", [])) if "cache_control" in tool]
    found += [("system", i) for i, block in enumerate(body.get("system", [])) if "cache_control" in block]
    for i, message in enumerate(body["messages"]):
        content = message["content"]
        if isinstance(content, list) and any("cache_control" in block for block in content):
            found.append(("message", i))
    return found


def test_short_system_prompt_gets_no_marker_and_no_cache_usage(fake):
    # ~200 tokens, like the replaced service's prompt: below every model's minimum, caching cannot happen
    short = "Eres un asistente contable chileno experto en DTE. " * 16
    client = make_client(fake)
    for _ in range(2):
        result = client.create(Prompt(system=[short], messages=QUESTION))
        assert result.cache_breakpoints == 0
        assert result.usage.cache_write_tokens == result.usage.cache_read_tokens == 0
    assert [markers(r.body) for r in fake.messages_requests] == [[], []]


def test_long_system_prompt_is_written_once_then_read_and_priced_accordingly(fake):
    system = "Reglas SII para documentos tributarios electrónicos. " * 150  # ~2,000 tokens
    client = make_client(fake)
    first = client.create(Prompt(system=[system], messages=QUESTION))
    second = client.create(Prompt(system=[system], messages=QUESTION))
    prefix = estimate_tokens({"type": "text", "text": system})
    assert [markers(r.body) for r in fake.messages_requests] == [[("system", 0)], [("system", 0)]]
    assert (first.usage.cache_write_tokens, first.usage.cache_read_tokens) == (prefix, 0)
    assert (second.usage.cache_write_tokens, second.usage.cache_read_tokens) == (0, prefix)
    assert first.usage.input_tokens == second.usage.input_tokens < 50  # only the question is full price
    row = DEFAULT_PRICES_BY_MODEL["claude-sonnet-5-5"]
    assert first.cost_usd == pytest.approx(cost_usd(first.usage, row))
    assert second.cost_usd == pytest.approx(cost_usd(second.usage, row))
    assert second.cost_usd < first.cost_usd / 5


def test_minimum_cacheable_length_depends_on_the_model(fake):
    system = "x" * 3000  # ~750 tokens: above Sonnet 5.5's 512, below Sonnet 4.6's 1,024
    client = make_client(fake)
    cached = client.create(Prompt(system=[system], messages=QUESTION), model="claude-sonnet-5-5")
    uncached = client.create(Prompt(system=[system], messages=QUESTION), model="claude-sonnet-4-6")
    assert cached.cache_breakpoints == 1 and cached.usage.cache_write_tokens > 0
    assert uncached.cache_breakpoints == 0 and uncached.usage.cache_write_tokens == 0
    assert markers(fake.messages_requests[1].body) == []


def test_each_stable_part_gets_a_breakpoint_and_a_changed_part_only_rewrites_itself(fake):
    tools = [
        {
            "name": "partner_lookup",
            "description": "Find a partner by RUT",
            "input_schema": {"type": "object", "properties": {"rut": {"type": "string"}}},
        }
    ]
    base = "Instrucciones del experto DTE. " * 130
    passages = ["Pasaje de la base de conocimiento A. " * 110, "Pasaje de la base de conocimiento B. " * 110]
    client = make_client(fake)
    client.create(Prompt(tools=tools, system=[base, passages[0]], messages=QUESTION))
    second = client.create(Prompt(tools=tools, system=[base, passages[1]], messages=QUESTION))
    # the tool list alone is far below 512 tokens: no marker; the question (variable) is never marked
    assert markers(fake.messages_requests[1].body) == [("system", 0), ("system", 1)]
    base_prefix = estimate_tokens(tools[0]) + estimate_tokens({"type": "text", "text": base})
    assert second.usage.cache_read_tokens == base_prefix
    assert second.usage.cache_write_tokens == estimate_tokens({"type": "text", "text": passages[1]})


def test_never_more_than_four_breakpoints(fake):
    parts = [f"Sección {i} del manual. " * 200 for i in range(6)]
    result = make_client(fake).create(Prompt(system=parts, messages=QUESTION))
    placed = markers(fake.messages_requests[0].body)
    assert result.cache_breakpoints == len(placed) == 4
    assert ("system", 5) in placed  # the longest prefix is kept
    assert result.usage.cache_write_tokens == sum(estimate_tokens({"type": "text", "text": p}) for p in parts)


def test_conversation_history_is_cached_but_not_the_new_turn(fake):
    history = [
        {"role": "user", "content": "Explica el libro de compras. " * 150},
        {"role": "assistant", "content": "El libro de compras registra... " * 20},
        {"role": "user", "content": "¿Y el de ventas?"},
    ]
    make_client(fake).create(Prompt(system=["Eres un asistente."], messages=history))
    assert markers(fake.messages_requests[0].body) == [("message", 1)]


def test_callers_own_markers_are_replaced_by_the_clients_placement(fake):
    short = {"type": "text", "text": "Prompt corto.", "cache_control": {"type": "ephemeral"}}
    make_client(fake).create(Prompt(system=[short], messages=QUESTION))
    assert markers(fake.messages_requests[0].body) == []


def test_one_hour_ttl_marker_and_price(fake):
    system = "Reglas SII. " * 700
    result = make_client(fake, cache_ttl="1h").create(Prompt(system=[system], messages=QUESTION))
    assert fake.messages_requests[0].body["system"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    row = DEFAULT_PRICES_BY_MODEL["claude-sonnet-5-5"]
    assert result.cost_usd == pytest.approx(cost_usd(result.usage, row, cache_ttl="1h"))
