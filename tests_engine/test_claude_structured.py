"""Structured JSON replies: asked through output_config (never a forced tool_choice), validated with
jsonschema, one repair request, then InvalidReply with the usage consumed. Never a default verdict."""

import json

import pytest

from claude_clients import make_client
from services.claude.client import Prompt
from services.claude.errors import InvalidReply

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["send", "review", "reject"]},
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "findings": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["verdict", "score", "findings"],
    "additionalProperties": False,
}
PROMPT = Prompt(system=["Valida el DTE."], messages=[{"role": "user", "content": "Factura 33 N° 1520"}])
GOOD = {"verdict": "review", "score": 40, "findings": ["RUT receptor inválido"]}


@pytest.fixture
def client(fake):
    return make_client(fake, backoff_base_s=1.0)


def test_json_is_asked_through_structured_outputs_not_a_forced_tool(fake, client):
    fake.reply_json(GOOD)
    result = client.create(PROMPT, json_schema=VERDICT_SCHEMA)
    assert result.parsed == GOOD and not result.repaired and result.attempts == 1
    body = fake.messages_requests[0].body
    assert body["output_config"]["format"]["type"] == "json_schema"
    schema = body["output_config"]["format"]["schema"]
    assert schema["required"] == ["verdict", "score", "findings"] and schema["additionalProperties"] is False
    assert "tool_choice" not in body and "tools" not in body


def test_invalid_json_gets_one_repair_request(fake, client):
    fake.reply_text('{"verdict": "send", "score": ')  # truncated
    fake.reply_json(GOOD)
    result = client.create(PROMPT, json_schema=VERDICT_SCHEMA)
    assert result.parsed == GOOD and result.repaired
    assert result.attempts == 2 and result.requests == 2
    repair = fake.messages_requests[1].body["messages"]
    assert repair[-2] == {"role": "assistant", "content": '{"verdict": "send", "score": '}
    assert repair[-1]["role"] == "user" and "not valid JSON" in repair[-1]["content"]
    answered = [r.response["usage"] for r in fake.messages_requests]
    assert result.usage.input_tokens == sum(u["input_tokens"] for u in answered)
    assert result.usage.output_tokens == sum(u["output_tokens"] for u in answered)


def test_schema_violations_the_api_does_not_enforce_are_caught(fake, client):
    # the API receives minimum/maximum only as a description (transform_schema): our validation enforces them
    fake.reply_json({"verdict": "send", "score": 150, "findings": []})
    fake.reply_json({"verdict": "send", "score": 90, "findings": []})
    result = client.create(PROMPT, json_schema=VERDICT_SCHEMA)
    assert result.parsed["score"] == 90 and result.repaired
    assert (
        "score: 150 is greater than the maximum of 100"
        in fake.messages_requests[1].body["messages"][-1]["content"]
    )


def test_invalid_twice_raises_invalid_reply_with_what_was_spent(fake, client):
    fake.reply_json({"verdict": "approve", "score": 10, "findings": []})
    fake.reply_text("Lo siento, no puedo responder en JSON.")
    fake.reply_json(GOOD)  # never requested: only one repair
    with pytest.raises(InvalidReply) as failure:
        client.create(PROMPT, json_schema=VERDICT_SCHEMA)
    assert fake.pending == 1 and len(fake.messages_requests) == 2
    details = failure.value.details
    assert details["attempts"] == 2 and details["requests"] == 2
    assert details["usage"].output_tokens > 0 and details["cost_usd"] > 0
    assert details["reply"] == "Lo siento, no puedo responder en JSON."
    assert failure.value.kind == "invalid_reply"


def test_plain_text_call_is_not_validated(fake, client):
    fake.reply_text(json.dumps({"anything": True}))
    result = client.create(PROMPT)
    assert result.parsed is None and result.content == '{"anything": true}'
    assert "output_config" not in fake.messages_requests[0].body
