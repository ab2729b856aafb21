"""The questions a knowledge document answers: parsed from its field, tied to the chunks of their
sections, searched with those chunks and never returned as their text."""

import numpy as np
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
    asked = questions_for_chunks(QUESTIONS, chunks, "Formulario 29")
    assert asked[0].split("\n") == [
        "hasta cuando presento el formulario",
        "me atrase un dia, que pasa",
        "¿para qué sirve?",
    ]
    anulacion = next(n for n, text in enumerate(chunks) if "Anulación de una declaración\n" in text)
    assert asked[anulacion].split("\n")[0] == "como anulo lo que ya mande"
    others = [n for n, text in enumerate(chunks) if text.startswith("Formulario 29 > Otros pagos")]
    assert others and all(asked[n] == "¿para qué sirve?" for n in others)
    assert questions_for_chunks("", chunks, "Formulario 29") == [""] * len(chunks)


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
        for text, chunk_questions in zip(texts, questions_for_chunks(asked, texts, title), strict=True):
            chunks.append(
                {
                    "chunk_id": len(chunks) + 1,
                    "document_id": document_id,
                    "slug": slug,
                    "title": title,
                    "corpus": "account",
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
    # the chunk's own vector is its text alone: the questions are vectors of their own
    assert np.allclose(asked.dense.vectors()[row], plain.dense.vectors()[row], atol=1e-6)


def test_each_question_is_a_vector_of_its_chunk_saved_and_memory_mapped(model, tmp_path):
    knowledge = _index(model, QUESTIONS)
    questions = knowledge.questions
    # one vector per question and chunk: the general question is a vector of every chunk
    asked = _asked_texts()
    assert questions.size == sum(len(text.split("\n")) for text in asked if text) == 3 + len(asked)
    query = model.embed(["query: como anulo lo que ya mande"])[0]
    best = questions.best(query, np.arange(knowledge.size))
    without = [row for row in range(knowledge.size) if knowledge.doc_rows[row] != 0]
    assert np.all(np.isneginf(best[without]))  # the other documents have no questions
    assert best.max() > 0.99  # the very question, embedded as it was
    scores, rows = questions.top(query, 1)
    assert scores[0] == pytest.approx(best.max(), abs=1e-5) and rows[0] == int(np.argmax(best))
    loaded = KnowledgeIndex.load(knowledge.save(str(tmp_path)), model)
    assert loaded.questions.dense.kind == "flat" and loaded.questions.size == questions.size
    assert loaded.search("como anulo lo que ya mande", top_k=3) == knowledge.search(
        "como anulo lo que ya mande", top_k=3
    )


def test_documents_without_questions_keep_their_plain_score(model):
    knowledge = _index(model, QUESTIONS)
    query = "tasa general del impuesto sobre el neto"
    with_questions = knowledge.search(query, top_k=3)
    knowledge.question_share = 0.0
    plain = knowledge.search(query, top_k=3)
    iva = next(hit for hit in with_questions if hit["slug"] == "iva")
    assert iva == next(hit for hit in plain if hit["slug"] == "iva")
    f29 = [hit["score"] for hits in (with_questions, plain) for hit in hits if hit["slug"] == "f29"]
    assert f29[0] != f29[1]  # the one with questions is scored with them


def _asked_texts():
    texts = split_markdown(BODY, title="Formulario 29")
    return questions_for_chunks(QUESTIONS, texts, "Formulario 29")


def test_given_question_embeddings_are_used_and_must_match_the_questions():
    from services.knowledge.question_index import QuestionIndex  # noqa: PLC0415

    class NoEmbedding:
        model_id = "test|vectors"

        def embed(self, texts):
            raise AssertionError("the vectors were given")

    vectors = np.eye(4, dtype=np.float32)
    chunks = [
        {"chunk_id": 1, "questions": "a\nb", "question_embeddings": vectors[:2]},
        {"chunk_id": 2, "questions": ""},
        {"chunk_id": 3, "questions": "c\n\nd", "question_embeddings": vectors[2:]},
    ]
    index = QuestionIndex.build(chunks, NoEmbedding())
    assert index.rows.tolist() == [0, 0, 2, 2]
    assert index.best(vectors[3], [2, 1, 0]).tolist() == [1.0, -np.inf, 0.0]
    assert index.best(vectors[0], [1]).tolist() == [-np.inf]
    assert index.top(vectors[0], 1)[1].tolist() == [0]
    assert index.top(vectors[0], 1, mask=np.array([False, True, True]))[1].tolist() == [2]
    with pytest.raises(ValueError, match="1 question embeddings for 2 questions"):
        QuestionIndex.build([{"chunk_id": 9, "questions": "a\nb", "question_embeddings": vectors[:1]}], None)
    assert QuestionIndex.build([{"chunk_id": 1, "text": "sin preguntas"}], None) is None


def test_above_the_exact_size_the_question_vectors_are_searched_approximately_and_masked():
    from services.knowledge.question_index import QuestionIndex  # noqa: PLC0415

    class NoEmbedding:
        model_id = "test|vectors"

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(600, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [
        {
            "chunk_id": row,
            "questions": "\n".join("q" * 6),
            "question_embeddings": vectors[row * 6 : row * 6 + 6],
        }
        for row in range(100)
    ]
    index = QuestionIndex.build(chunks, NoEmbedding(), exact_max=200)
    assert index.dense.kind == "hnsw"
    query = vectors[77 * 6 + 2]
    assert index.top(query, 3)[1][0] == 77
    assert index.best(query, [77, 5])[0] == pytest.approx(1.0, abs=1e-5)
    mask = np.ones(100, dtype=bool)
    mask[77] = False
    assert 77 not in index.top(query, 10, mask)[1].tolist()
