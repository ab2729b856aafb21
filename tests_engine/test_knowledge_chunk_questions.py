"""The questions a knowledge document answers: parsed from its field, tied to the chunks of their
sections, searched with those chunks and never returned as their text."""

import pytest

from services.knowledge.chunk_questions import (
    heading_key,
    parse_questions,
    questions_for_chunks,
    unknown_headings,
)
from services.knowledge.chunking import split_markdown
from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.embedding_cache import CachedEmbedder
from services.knowledge.search import KnowledgeIndex

BODY = (
    "Un resumen breve del formulario.\n\n"
    "## Plazos\n"
    "El formulario se presenta hasta el día 20 del mes siguiente cuando se declara por internet.\n\n"
    "## Anulación de una declaración\n"
    "Una declaración enviada no se borra: se rectifica con otra.\n\n"
    "## Otros pagos\n" + "Las cuotas se pagan en la tesorería con el folio de la deuda. " * 12
)
QUESTIONS = """¿para qué sirve?
# plazos
- hasta cuando presento el formulario
1. me atrase un dia, que pasa

# ANULACION de una  declaracion
como anulo lo que ya mande
"""


def test_the_field_is_read_by_section_with_list_markers_blank_lines_and_case_ignored():
    sections = parse_questions(QUESTIONS)
    assert sections == {
        None: ["¿para qué sirve?"],
        "plazos": ["hasta cuando presento el formulario", "me atrase un dia, que pasa"],
        "anulacion de una declaracion": ["como anulo lo que ya mande"],
    }
    assert heading_key("  Anulación de una\tdeclaración ") == "anulacion de una declaracion"
    assert parse_questions("") == {} and parse_questions(None) == {}


def test_a_heading_the_body_does_not_have_is_reported():
    assert unknown_headings(QUESTIONS, BODY) == []
    assert unknown_headings("# Plazos\nhasta cuando\n## Multas ##\ncuanto es\n# Multas", BODY) == ["Multas"]


def test_each_chunk_gets_the_questions_of_the_sections_it_holds_then_the_general_ones():
    chunks = split_markdown(BODY, title="Formulario 29")
    # the short introduction and the short "Plazos" section are merged into the first chunk
    assert chunks[0].startswith("Formulario 29\n") and "\n\nFormulario 29 > Plazos\n" in chunks[0]
    asked = questions_for_chunks(parse_questions(QUESTIONS), chunks, "Formulario 29")
    assert asked[0].split("\n") == [
        "hasta cuando presento el formulario",
        "me atrase un dia, que pasa",
        "¿para qué sirve?",
    ]
    anulacion = next(n for n, text in enumerate(chunks) if "Anulación de una declaración\n" in text)
    assert asked[anulacion].split("\n")[0] == "como anulo lo que ya mande"
    others = [n for n, text in enumerate(chunks) if text.startswith("Formulario 29 > Otros pagos")]
    assert others and all(asked[n] == "¿para qué sirve?" for n in others)
    assert questions_for_chunks({}, chunks, "Formulario 29") == [""] * len(chunks)


@pytest.fixture(scope="module")
def model():
    return CachedEmbedder(OnnxEmbedder())


def _index(model, questions):
    documents = [
        ("f29", "Formulario 29", BODY, questions),
        ("iva", "Impuesto al valor agregado", "La tasa general del impuesto es 19 % sobre el neto.", ""),
        ("rut", "Rol único tributario", "El dígito verificador se calcula con el módulo 11.", ""),
    ]
    chunks = []
    for document_id, (slug, title, body, asked) in enumerate(documents, start=1):
        texts = split_markdown(body, title=title)
        for text, chunk_questions in zip(
            texts, questions_for_chunks(parse_questions(asked), texts, title), strict=True
        ):
            chunks.append(
                {
                    "chunk_id": len(chunks) + 1,
                    "document_id": document_id,
                    "slug": slug,
                    "title": title,
                    "plugin": "account",
                    "company_id": None,
                    "text": text,
                    "questions": chunk_questions,
                }
            )
    return KnowledgeIndex.build(chunks, model)


def test_questions_are_searched_with_their_chunk_and_never_returned(model):
    query = "me equivoque en lo que mande, se puede borrar?"
    asked = _index(model, "# Anulación de una declaración\nme equivoque en lo que mande, se puede borrar?")
    plain = _index(model, "")
    assert asked.content_hash != plain.content_hash  # a new questions text is a new index version
    hit = asked.search(query, top_k=1)[0]
    assert hit["slug"] == "f29" and "Una declaración enviada no se borra" in hit["excerpt"]
    assert "me equivoque" not in hit["excerpt"] and "me equivoque" not in asked.chunk_text(0)
    row = asked.chunk_ids.index(hit["chunk_id"])
    # the question lifted its own chunk, on both sides of the search
    assert hit["score"] > plain.search(query, top_k=1, allowed_document_ids={1})[0]["score"]
    assert asked.keywords.scores("equivoque")[row] > 0 and plain.keywords.scores("equivoque").max() == 0
