"""Chat features: streaming text deltas with the final usage, and the bounded tool-use loop."""

import pytest

import claude_clients
from services.claude.client import Prompt
from services.claude.errors import BudgetExceeded, ClaudeUnavailable, InvalidReply

TOOLS = [
    {
        "name": "partner_balance",
        "description": "Saldo pendiente de un cliente por RUT. " * 40,
        "input_schema": {"type": "object", "properties": {"rut": {"type": "string"}}, "required": ["rut"]},
    }
]
SYSTEM = ["Eres el asistente contable de la empresa. Responde en español de Chile. " * 40]
QUESTION = [{"role": "user", "content": "¿Cuánto nos debe 76.086.428-5?"}]


def make_client(fake, **options):
    return claude_clients.make_client(fake, sleep=lambda _s: None, **options)


def test_streaming_calls_back_with_each_delta_and_reports_the_final_usage(fake):
    answer = "El cliente 76.086.428-5 tiene un saldo pendiente de $1.190.000 en dos facturas vencidas."
    fake.reply_text(answer)
    deltas = []
    result = make_client(fake).create(Prompt(system=SYSTEM, messages=QUESTION), on_text=deltas.append)
    assert len(deltas) > 3 and "".join(deltas) == answer == result.content
    assert fake.messages_requests[0].body["stream"] is True
    served = fake.messages_requests[0].response["usage"]
    assert result.usage.output_tokens == served["output_tokens"] > 1
    assert result.usage.cache_write_tokens == served["cache_creation_input_tokens"] > 0
    assert result.cost_usd > 0


def test_streaming_is_retried_when_it_fails_before_any_text(fake):
    fake.overloaded()
    fake.reply_text("Hola de nuevo")
    deltas = []
    result = make_client(fake).create(Prompt(messages=QUESTION), on_text=deltas.append)
    assert "".join(deltas) == "Hola de nuevo" and result.attempts == 2


def test_streaming_failure_after_retries_raises(fake):
    for _ in range(4):
        fake.overloaded()
    with pytest.raises(ClaudeUnavailable):
        make_client(fake).create(Prompt(messages=QUESTION), on_text=lambda _t: None)


def test_tool_loop_runs_the_executor_and_sends_the_results_back(fake):
    fake.reply_tool_use(
        "partner_balance", {"rut": "76.086.428-5"}, tool_id="toolu_01", text="Consulto el saldo."
    )
    fake.reply_text("Le debe $1.190.000.")
    executed = []

    def executor(name, tool_input):
        executed.append((name, tool_input))
        return "saldo: 1190000 CLP"

    result = make_client(fake).create(
        Prompt(system=SYSTEM, tools=TOOLS, messages=QUESTION), tool_executor=executor
    )
    assert executed == [("partner_balance", {"rut": "76.086.428-5"})]
    assert result.content == "Le debe $1.190.000." and result.requests == 2
    assert [(c.id, c.name, c.result) for c in result.tool_calls] == [
        ("toolu_01", "partner_balance", "saldo: 1190000 CLP")
    ]
    second = fake.messages_requests[1].body["messages"]
    assert second[1]["role"] == "assistant"
    assert [b["type"] for b in second[1]["content"]] == ["text", "tool_use"]
    assert second[2]["role"] == "user"
    assert second[2]["content"][0]["type"] == "tool_result"
    assert second[2]["content"][0]["tool_use_id"] == "toolu_01"
    assert second[2]["content"][0]["content"] == "saldo: 1190000 CLP"
    assert all("tool_choice" not in r.body for r in fake.messages_requests)


def test_tool_loop_second_round_reads_the_prefix_the_first_round_wrote(fake):
    fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"})
    fake.reply_text("Listo.")
    result = make_client(fake).create(
        Prompt(system=SYSTEM, tools=TOOLS, messages=QUESTION), tool_executor=lambda _n, _i: "saldo: 0"
    )
    first, second = (r.response["usage"] for r in fake.messages_requests)
    assert first["cache_creation_input_tokens"] > 0 and first["cache_read_input_tokens"] == 0
    assert second["cache_read_input_tokens"] >= first["cache_creation_input_tokens"]
    assert result.usage.cache_read_tokens == second["cache_read_input_tokens"]


def test_tool_errors_are_reported_to_claude_as_errors(fake):
    fake.reply_tool_use("partner_balance", {"rut": "1-9"}, tool_id="toolu_02")
    fake.reply_text("Ese RUT no existe.")
    result = make_client(fake).create(
        Prompt(tools=TOOLS, messages=QUESTION), tool_executor=lambda _n, _i: ("RUT no encontrado", True)
    )
    tool_result = fake.messages_requests[1].body["messages"][2]["content"][0]
    assert tool_result["is_error"] is True and result.tool_calls[0].is_error


def test_tool_rounds_are_bounded_then_claude_must_answer_in_text(fake):
    for _ in range(2):
        fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"})
    fake.reply_text("Con lo que tengo: $1.190.000.")
    calls = []
    result = make_client(fake).create(
        Prompt(tools=TOOLS, messages=QUESTION),
        max_tool_rounds=2,
        tool_executor=lambda n, i: calls.append(n) or "saldo: 1190000",
    )
    assert len(calls) == 2 and result.content == "Con lo que tengo: $1.190.000."
    assert [r.body.get("tool_choice") for r in fake.messages_requests] == [None, None, {"type": "none"}]


def test_tool_use_after_the_last_round_is_an_invalid_reply(fake):
    fake.default_reply = fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"})
    with pytest.raises(InvalidReply) as failure:
        make_client(fake).create(
            Prompt(tools=TOOLS, messages=QUESTION), max_tool_rounds=1, tool_executor=lambda _n, _i: "saldo: 0"
        )
    assert failure.value.details["requests"] == 2


def test_tool_calls_without_an_executor_are_returned_to_the_caller(fake):
    fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"}, tool_id="toolu_09")
    result = make_client(fake).create(Prompt(tools=TOOLS, messages=QUESTION))
    assert result.stop_reason == "tool_use" and result.requests == 1
    assert [(c.id, c.name, c.input, c.result) for c in result.tool_calls] == [
        ("toolu_09", "partner_balance", {"rut": "76.086.428-5"}, None)
    ]


def test_structured_tool_results_are_sent_as_json(fake):
    fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"})
    fake.reply_text("Listo.")
    make_client(fake).create(
        Prompt(tools=TOOLS, messages=QUESTION),
        tool_executor=lambda _n, _i: {"saldo": 1190000, "moneda": "CLP"},
    )
    sent = fake.messages_requests[1].body["messages"][2]["content"][0]["content"]
    assert sent == '{"saldo": 1190000, "moneda": "CLP"}'


def _last_message_marked(body):
    content = body["messages"][-1]["content"]
    return isinstance(content, list) and "cache_control" in content[-1]


def test_the_question_is_not_written_to_the_cache_unless_a_tool_round_follows(fake):
    fake.reply_text("Respuesta directa, sin herramientas.")
    make_client(fake).create(
        Prompt(system=SYSTEM, tools=TOOLS, messages=QUESTION), tool_executor=lambda *_a: "x"
    )
    first = fake.messages_requests[0]
    assert not _last_message_marked(first.body)
    served = first.response["usage"]
    prompt = served["input_tokens"] + served["cache_creation_input_tokens"]
    assert 0 < served["cache_creation_input_tokens"] < prompt, "tools and system cached, the question not"
    fake.clear()
    fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"})
    fake.reply_text("Le debe $1.190.000.")
    make_client(fake).create(
        Prompt(system=SYSTEM, tools=TOOLS, messages=QUESTION), tool_executor=lambda *_a: "x"
    )
    assert not _last_message_marked(fake.messages_requests[0].body)
    assert _last_message_marked(fake.messages_requests[1].body)


def test_every_request_of_a_tool_loop_is_reserved_before_it_is_sent(fake):
    fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"}, tool_id="toolu_01")
    fake.reply_text("Le debe $1.190.000.")
    reserved = []

    def reserve(worst_usd, spent_usd):
        reserved.append((worst_usd, spent_usd, len(fake.messages_requests)))

    result = make_client(fake).create(
        Prompt(system=SYSTEM, tools=TOOLS, messages=QUESTION),
        tool_executor=lambda _name, _input: "saldo: 1190000 CLP",
        reserve=reserve,
        max_tokens=500,
    )
    assert [sent for _w, _s, sent in reserved] == [0, 1], "reserved before each request is sent"
    first_cost = reserved[1][1]  # what the first request really cost, known before the second
    assert reserved[0][1] == 0.0 and 0 < first_cost < result.cost_usd
    output_worst = 500 * 10.0 / 1_000_000  # max_tokens at Sonnet 5.5's output price
    assert all(worst > output_worst for worst, _s, _n in reserved), "the worst case counts max_tokens"
    assert reserved[0][0] >= first_cost and reserved[1][0] >= result.cost_usd - first_cost


def test_a_refused_reservation_stops_the_loop_and_keeps_what_was_spent(fake):
    fake.reply_tool_use("partner_balance", {"rut": "76.086.428-5"}, tool_id="toolu_01")
    fake.reply_text("never sent")

    def reserve(_worst_usd, spent_usd):
        if spent_usd:
            raise BudgetExceeded("daily budget spent", period="daily", spent=spent_usd, budget=spent_usd)

    with pytest.raises(BudgetExceeded) as refused:
        make_client(fake).create(
            Prompt(system=SYSTEM, tools=TOOLS, messages=QUESTION),
            tool_executor=lambda _name, _input: "saldo: 1190000 CLP",
            reserve=reserve,
        )
    assert len(fake.messages_requests) == 1
    details = refused.value.details
    assert details["requests"] == 1 and details["cost_usd"] > 0 and details["usage"].output_tokens > 0
    assert details["period"] == "daily"
