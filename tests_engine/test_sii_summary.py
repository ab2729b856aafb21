"""The SII monitor's settings (URL templates) and the contract of Claude's summary."""

import json

import pytest

from claude_clients import make_client
from services import settings as engine_settings
from services.knowledge.chunking import split_markdown
from services.sii_monitor import knowledge_doc, summary, urls


def test_year_placeholder_is_filled_and_defaults_apply():
    assert urls.expand("", 2026) == [template.format(year=2026) for template in urls.DEFAULT_URLS]
    assert urls.expand("https://a.cl/{year}/x.htm, https://a.cl/{year}/x.htm\nhttps://b.cl/y.htm", 2027) == [
        "https://a.cl/2027/x.htm",
        "https://b.cl/y.htm",
    ]


def test_invalid_templates_are_refused_by_the_settings_validation():
    assert urls.invalid_templates("https://a.cl/{year}/x.htm ftp://b.cl/x https://c.cl/{anio}/x") == [
        "ftp://b.cl/x",
        "https://c.cl/{anio}/x",
    ]
    bad = engine_settings.from_params({"sii_urls": "www.sii.cl/x", "sii_priority_threshold": "9"})
    assert {(name, kind) for name, kind, _ in engine_settings.validate(bad)} == {
        ("sii_urls", "sii_urls"),
        ("sii_priority_threshold", "priority"),
    }
    assert engine_settings.validate(engine_settings.DEFAULTS) == []


def test_sii_settings_defaults_and_parsing():
    assert (engine_settings.DEFAULTS.sii_priority_threshold, engine_settings.DEFAULTS.sii_knowledge) == (
        4,
        True,
    )
    parsed = engine_settings.from_params({"sii_knowledge": "False", "sii_priority_threshold": "3"})
    assert (parsed.sii_knowledge, parsed.sii_priority_threshold) == (False, 3)


GOOD = {
    "summary": "Cambia el formato.",
    "areas": ["dte", "dte", "iva"],
    "priority": 4,
    "actions": [" Revisar ", ""],
}


def test_reply_checks_and_normalisation():
    assert summary.summary_errors(GOOD) == []
    assert summary.summary_errors(dict(GOOD, priority=7))
    assert summary.summary_errors(dict(GOOD, areas=["astrologia"]))
    assert summary.summary_errors(dict(GOOD, summary="  "))
    assert summary.normalized(GOOD) == {
        "summary": "Cambia el formato.",
        "areas": ["dte", "iva"],
        "priority": 4,
        "actions": ["Revisar"],
        "questions": [],  # a reply without questions (from before they were asked) is still valid
    }
    assert summary.normalized(dict(GOOD, areas=[]))["areas"] == ["otros"]
    asked = dict(GOOD, questions=["  cuanto  retengo\nen BHE ", " ", *[f"pregunta {n}" for n in range(6)]])
    assert summary.summary_errors(asked) == []
    assert summary.summary_errors(dict(GOOD, questions="una sola")) != []
    questions = summary.normalized(asked)["questions"]
    assert questions[0] == "cuanto retengo en BHE" and len(questions) == summary.MAX_QUESTIONS
    assert "questions" in summary.OUTPUT_SCHEMA["required"]  # Claude is always asked for them
    assert "questions" in summary.build_prompt({"title": "Circular"}).system[0]


@pytest.mark.parametrize(
    ("areas", "plugin"),
    [(["boletas"], "dte"), (["otros", "remuneraciones"], "payroll"), (["iva"], "account"), ([], "general")],
)
def test_the_knowledge_plugin_follows_the_first_area_that_has_one(areas, plugin):
    assert summary.corpus_for(areas) == plugin


def test_the_knowledge_document_of_a_publication_is_spanish_markdown_in_sections():
    reply = summary.normalized(
        dict(GOOD, areas=["boletas", "iva", "boletas"], actions=["Revise el diario de boletas.", " "])
    )
    body = knowledge_doc.knowledge_body("Imparte instrucciones.", reply)
    assert body.startswith(
        "## Resumen\nCambia el formato.\nMateria: Imparte instrucciones.\n"
        "Áreas: Boletas, IVA\nPrioridad: 4/5\n\n"
    )
    assert body.endswith("## Acciones sugeridas\n- Revise el diario de boletas.")
    chunks = split_markdown(body, title="Circular N° 54", min_chars=0)
    assert chunks[0].startswith("Circular N° 54 > Resumen\nCambia el formato.\nMateria: Imparte")
    long_summary = dict(reply, summary="El SII cambia el formato de las boletas electrónicas. " * 20)
    parts = split_markdown(knowledge_doc.knowledge_body("Imparte instrucciones.", long_summary), title="C")
    assert len(parts) == 3 and "Prioridad: 4/5" in parts[1]  # no chunk of the short lines alone
    assert chunks[-1].startswith("Circular N° 54 > Acciones sugeridas\n")
    assert knowledge_doc.knowledge_tags("circular", reply["areas"]) == "sii, circular, boletas, iva"
    assert knowledge_doc.knowledge_questions(reply) == ""
    asked = dict(reply, questions=["cuanto retengo en BHE", "# Plazos hasta cuando", "#"])
    # a "#" would make the line a section heading of the questions field: it is dropped
    assert knowledge_doc.knowledge_questions(asked) == "cuanto retengo en BHE\nPlazos hasta cuando"
    bare = knowledge_doc.knowledge_body("", dict(reply, actions=[]))
    assert "Materia" not in bare and "Acciones" not in bare


def test_the_knowledge_slug_reads_kind_year_number_and_tells_addresses_apart():
    url = "https://www.sii.cl/normativa_legislacion/circulares/2025/circu54.pdf"
    slug = knowledge_doc.knowledge_slug("circular", "2025", "54", url)
    assert slug.startswith("sii-circular-2025-54-") and len(slug) == len("sii-circular-2025-54-") + 8
    assert slug != knowledge_doc.knowledge_slug("circular", "2025", "54", url.replace("www.", "old."))
    assert knowledge_doc.knowledge_slug("news", "2026", "", url).startswith("sii-news-")
    assert knowledge_doc.knowledge_slug("resolution", "", "7", url).startswith("sii-resolution-sf-7-")


def test_a_summary_request_through_the_real_client(fake):
    """The prompt and the output schema are accepted by the Messages API's contract (the fake checks
    what the API refuses) and the structured reply comes back parsed."""
    good = dict(GOOD, questions=["cambia el formato de las boletas?"])
    fake.reply_json(good)
    client = make_client(fake)
    prompt = summary.build_prompt(
        {
            "kind": "circular",
            "number": "54",
            "date": "2025-12-23",
            "title": "Circular N° 54",
            "subject": "Boletas",
            "url": "https://www.sii.cl/c.pdf",
        }
    )
    result = client.create(
        prompt,
        model=engine_settings.DEFAULTS.sii_model,
        json_schema=summary.OUTPUT_SCHEMA,
        max_tokens=summary.SUMMARY_MAX_TOKENS,
    )
    assert result.parsed == good
    body = fake.messages_requests[-1].body
    assert "Circular" in body["messages"][-1]["content"] and "Número: 54" in body["messages"][-1]["content"]
    assert "minimum" not in json.dumps(body.get("output_config") or body)
