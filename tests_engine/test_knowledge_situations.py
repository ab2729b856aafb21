"""The situations a knowledge document answers (issue 26): questions that tell the situation, not the term,
found by the bot's first pass (the 3 best distinct documents) thanks to each document's ``situations``
field, which is searched with its sections and never shown.

The tuning set (``data/knowledge_situations_tune.json``) is the one the situations were written against;
the held-out indirect set (``data/knowledge_indirect_questions.json``) is only measured by
``bench/knowledge_quality.py``, never asserted here."""

import json
import os

import pytest

from knowledge_eval import (
    HERE,
    corpus_chunks,
    corpus_documents,
    evaluation_documents,
    load_indirect_questions,
    load_questions,
)
from services.knowledge.chunk_questions import parse_questions, questions_for_chunks
from services.knowledge.chunking import split_markdown
from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.embedding_cache import CachedEmbedder
from services.knowledge.search import KnowledgeIndex

TUNING_FILE = os.path.join(HERE, "data", "knowledge_situations_tune.json")
MIN_TUNING_QUESTIONS = 80
MIN_SITUATIONS_PER_DOCUMENT = 5
# First pass on the tuning set: 125/146 (0.86) before the situations, 142/146 (0.97) with them and the two
# synonym groups of issue 26 (places abroad -> "el extranjero", "saldo a favor" -> "remanente"); the floor
# guards what is reached, less two questions (int8 kernels may round differently on another CPU).
TUNING_FIRST_PASS_FLOOR = 140 / 146
ISSUE_EXAMPLES = [
    ("olvidé cobrarle el flete al cliente en la factura de ayer, ¿qué hago?", "notas-credito-debito"),
    ("vendo en mi almacén a personas que no piden factura", "boletas"),
    ("un cliente en Lima me contrató una asesoría", "exportacion"),
]


def _tuning_questions():
    with open(TUNING_FILE, encoding="utf-8") as handle:
        return json.load(handle)["questions"]


def _first_pass(knowledge, question):
    """The slugs of the bot's first pass: the 3 best distinct documents."""
    return [hit["slug"] for hit in knowledge.search(question, top_k=3, per_document=1)]


@pytest.fixture(scope="module")
def model():
    return CachedEmbedder(OnnxEmbedder())


@pytest.fixture(scope="module")
def shipped(model):
    return KnowledgeIndex.build(corpus_chunks(evaluation_documents()), model)


def test_situations_are_merged_section_by_section_after_the_questions():
    body = "## Qué son\nLa boleta documenta ventas a consumidores finales.\n\n## Montos\n" + "Precio. " * 100
    texts = split_markdown(body, title="Boletas")
    asked = questions_for_chunks(
        "# Qué son\nque es una boleta\n# Montos\nla boleta incluye iva?",
        texts,
        "Boletas",
        situations="vendo en mi local a gente de paso\n# que son\natiendo publico en un kiosco",
    )
    assert asked[0].split("\n") == [
        "que es una boleta",
        "atiendo publico en un kiosco",
        "vendo en mi local a gente de paso",
    ]
    assert asked[1].split("\n") == ["la boleta incluye iva?", "vendo en mi local a gente de paso"]
    # the situations' first lines belong to the whole document, not to the questions' last heading
    assert (
        questions_for_chunks("# Montos\nla boleta incluye iva?", texts, "Boletas", situations="x")[0] == "x"
    )


def test_every_shipped_document_has_situations_under_its_own_headings():
    for document in corpus_documents():
        situations = parse_questions(document.get("situations"))
        count = sum(len(lines) for lines in situations.values())
        assert count >= MIN_SITUATIONS_PER_DOCUMENT, document["slug"]
        chunks = split_markdown(document["body"], title=document["title"])
        chunk_text = "\n".join(chunks)
        for key in situations:
            assert key is None or key in {
                " ".join(heading.lower().split()) for heading in _folded_headings(document["body"])
            }, (document["slug"], key)
        for lines in situations.values():
            for line in lines:
                assert line not in chunk_text, (document["slug"], line)


def _folded_headings(body):
    from services.knowledge.chunk_questions import heading_key  # noqa: PLC0415
    from services.knowledge.chunking import heading_texts  # noqa: PLC0415

    return [heading_key(heading) for heading in heading_texts(body)]


def test_a_situation_is_searched_with_its_section_and_never_shown(shipped):
    boletas = next(document for document in corpus_documents() if document["slug"] == "boletas")
    situation = parse_questions(boletas["situations"])["que son"][0]
    hits = shipped.search(situation, top_k=3)
    assert hits[0]["slug"] == "boletas"
    for hit in hits:
        assert situation not in hit["excerpt"]
    # no excerpt of any search ever holds a situation of any document (they are never a chunk's text)
    every = [
        line
        for document in corpus_documents()
        for lines in parse_questions(document["situations"]).values()
        for line in lines
    ]
    texts = [shipped.chunk_text(row) for row in range(shipped.size)]
    assert not [line for line in every if any(line in text for text in texts)]


def test_the_three_situations_quoted_in_issue_26_find_their_document_in_the_first_pass(shipped):
    missed = [
        (question, slug, found)
        for question, slug in ISSUE_EXAMPLES
        if slug not in (found := _first_pass(shipped, question))
    ]
    assert not missed


def test_the_tuning_set_is_large_well_formed_and_apart_from_the_other_sets():
    rows = _tuning_questions()
    assert len(rows) >= MIN_TUNING_QUESTIONS
    slugs = {document["slug"] for document in corpus_documents()}
    for row in rows:
        assert set(row) == {"question", "slugs"}, row
        assert row["question"].strip() and row["slugs"] and set(row["slugs"]) <= slugs, row
    questions = [" ".join(row["question"].lower().split()) for row in rows]
    assert len(set(questions)) == len(questions), "no question twice"
    held_out = {" ".join(row["question"].lower().split()) for row in load_indirect_questions()}
    labelled = {" ".join(row["question"].lower().split()) for row in load_questions()}
    assert not (held_out | labelled) & set(questions), "written apart from the held-out and labelled sets"
    assert not {question for question, _slug in ISSUE_EXAMPLES} & {row["question"] for row in rows}
    assert {slug for row in rows for slug in row["slugs"]} == slugs, "every shipped document is asked about"


def test_the_first_pass_finds_the_tuning_situations(shipped):
    rows = _tuning_questions()
    found = sum(bool(set(row["slugs"]) & set(_first_pass(shipped, row["question"]))) for row in rows)
    assert found / len(rows) >= TUNING_FIRST_PASS_FLOOR, f"{found}/{len(rows)}"
