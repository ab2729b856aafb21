"""The invoice review contract: the reply schema and the cache-friendly prompt."""

import copy
import json

import pytest
from jsonschema import Draft202012Validator, ValidationError, validate

from services.plugins import registry
from services.plugins.dte_review_contract import (
    REVIEW_OUTPUT_SCHEMA,
    REVIEW_SCHEMA,
    RULE_CATALOGUE,
    build_review_prompt,
    review_errors,
    review_verdict,
)

GOOD_REPLY = {
    "confidence": 82,
    "findings": [
        {
            "code": "IA_MONTO_INUSUAL",
            "severity": "warning",
            "message": "El total triplica el promedio de las últimas facturas de este cliente.",
            "field": "totales.total",
        },
        {"code": "GIRO_RECEPTOR", "severity": "info", "message": "Giro genérico.", "field": "receptor.giro"},
    ],
    "recommendation": "review",
}

SNAPSHOT = {
    "tipo_documento": "33",
    "fecha_emision": "2026-03-02",
    "emisor": {"rut": "76086428-5", "giro": "Venta de insumos agrícolas"},
    "receptor": {"rut": "RUT_PERSONA_1", "nombre": "PERSONA_1", "giro": "Agricultor"},
    "lineas": [{"nombre": "Fertilizante", "cantidad": 10, "precio_unitario": 12500, "iva": True}],
    "totales": {"neto": 125000, "iva": 23750, "total": 148750},
}
HISTORY = [{"tipo_documento": "33", "fecha": "2026-02-01", "total": 50000}]
PASSAGES = [
    {"slug": "iva", "title": "IVA", "score": 0.83, "excerpt": "La tasa del IVA es 19 %.", "document_id": 3},
    {
        "slug": "dte-tipos",
        "title": "Tipos de DTE",
        "score": 0.51,
        "excerpt": "33: factura.",
        "document_id": 1,
    },
]


def mutated(change):
    reply = copy.deepcopy(GOOD_REPLY)
    change(reply)
    return reply


def test_the_dte_plugin_exposes_the_review_contract():
    dte = registry.get("dte")
    assert dte.review_schema is REVIEW_SCHEMA
    assert dte.review_output_schema is REVIEW_OUTPUT_SCHEMA
    assert dte.build_review_prompt(SNAPSHOT).system == build_review_prompt(SNAPSHOT).system


def test_schema_is_closed_and_fully_required():
    Draft202012Validator.check_schema(REVIEW_SCHEMA)
    assert REVIEW_SCHEMA["additionalProperties"] is False
    assert set(REVIEW_SCHEMA["required"]) == set(REVIEW_SCHEMA["properties"])
    finding = REVIEW_SCHEMA["properties"]["findings"]["items"]
    assert finding["additionalProperties"] is False
    assert set(finding["required"]) == set(finding["properties"]) == {"code", "severity", "message", "field"}


def test_a_good_reply_validates():
    validate(GOOD_REPLY, REVIEW_SCHEMA)
    validate(GOOD_REPLY, REVIEW_OUTPUT_SCHEMA)
    assert review_errors(GOOD_REPLY) == []
    assert review_errors({"confidence": 100, "findings": [], "recommendation": "send"}) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.update(confidence=150), "confidence"),
        (lambda r: r.update(confidence=-1), "confidence"),
        (lambda r: r.update(confidence="alta"), "confidence"),
        (lambda r: r.update(recommendation="approve"), "recommendation"),
        (lambda r: r.pop("findings"), "(root)"),
        (lambda r: r.update(extra=True), "(root)"),
        (lambda r: r["findings"][0].update(severity="fatal"), "findings/0/severity"),
        (lambda r: r["findings"][1].pop("field"), "findings/1"),
        (lambda r: r["findings"][0].update(fix="x"), "findings/0"),
    ],
)
def test_a_bad_reply_is_rejected(change, where):
    reply = mutated(change)
    with pytest.raises(ValidationError):
        validate(reply, REVIEW_SCHEMA)
    errors = review_errors(reply)
    assert errors and errors[0].startswith(where)


def test_output_schema_has_no_numeric_bounds_the_api_refuses():
    text = json.dumps(REVIEW_OUTPUT_SCHEMA)
    assert "minimum" not in text and "maximum" not in text
    assert REVIEW_OUTPUT_SCHEMA["required"] == REVIEW_SCHEMA["required"]
    assert REVIEW_OUTPUT_SCHEMA["additionalProperties"] is False
    assert "minimum" in json.dumps(REVIEW_SCHEMA)  # the bounds live in the validation schema


def test_stable_parts_do_not_depend_on_the_document():
    first = build_review_prompt(SNAPSHOT, HISTORY, PASSAGES)
    other_snapshot = {**SNAPSHOT, "totales": {"neto": 1, "iva": 0, "total": 1}}
    rescored = [{**passage, "score": 0.1} for passage in PASSAGES]
    second = build_review_prompt(other_snapshot, [], rescored, [{"code": "TOTALES"}])
    assert first.system == second.system
    assert first.knowledge == second.knowledge  # the per-query score is not part of the text
    assert first.variable != second.variable
    assert "0.83" not in first.knowledge


def test_the_prompt_carries_the_inputs_deterministically():
    prompt = build_review_prompt(SNAPSHOT, HISTORY, PASSAGES, [{"code": "IVA_MONTO", "severity": "error"}])
    reordered = dict(reversed(list(SNAPSHOT.items())))
    assert (
        build_review_prompt(reordered, HISTORY, PASSAGES, [{"severity": "error", "code": "IVA_MONTO"}])
        == prompt
    )
    assert "[iva] IVA" in prompt.knowledge and "La tasa del IVA es 19 %." in prompt.knowledge
    assert prompt.knowledge.index("[iva]") < prompt.knowledge.index("[dte-tipos]")
    assert '"precio_unitario": 12500' in prompt.variable
    assert "1 documentos" in prompt.variable and "IVA_MONTO" in prompt.variable
    assert prompt.system_parts() == [prompt.system, prompt.knowledge]
    assert prompt.messages() == [{"role": "user", "content": prompt.variable}]


def test_without_passages_the_system_has_only_the_instructions():
    prompt = build_review_prompt(SNAPSHOT)
    assert prompt.knowledge == ""
    assert prompt.system_parts() == [prompt.system]


def test_system_prompt_explains_the_schema_and_lists_the_catalogue():
    system = build_review_prompt(SNAPSHOT).system
    for key in ('"confidence"', '"findings"', '"recommendation"', '"severity"', '"field"', "IA_"):
        assert key in system
    for code, _ in RULE_CATALOGUE:
        assert f"- {code}:" in system
    assert len(system) >= 2400


def _reply(recommendation, *severities, code="IA_GLOSA"):
    findings = [{"code": code, "severity": s, "message": "Texto.", "field": ""} for s in severities]
    return {"confidence": 50, "findings": findings, "recommendation": recommendation}


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (_reply("reject", "error"), "review"),  # an error of its own: shown, but only asks for a review
        (_reply("send", "error"), "review"),
        (_reply("reject"), "review"),  # a "reject" with nothing shown
        (_reply("review", "warning"), "review"),
        (_reply("send", "info"), "send"),
        (_reply("send"), "send"),
        (_reply("send", "error", code="GIRO_RECEPTOR"), "send"),  # a repeat of a rule weighs nothing
    ],
)
def test_claude_can_ask_for_a_review_never_reject(reply, expected):
    """Claude reads text the customer controls: whatever it finds, only the rules can reject."""
    assert review_verdict(reply, {"GIRO_RECEPTOR"}) == expected
