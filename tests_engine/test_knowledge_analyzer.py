"""The Spanish analyzer of the keyword half (``services/knowledge/analyzer.py``) and what it changes in
a saved index: stemming, synonym groups with their sources, stopwords, query expansion, rebuild."""

import json

import pytest

from services.knowledge import search
from services.knowledge.analyzer import (
    LIGHT_STOPWORDS,
    SPANISH_STOPWORDS,
    Analyzer,
    default_analyzer,
    load_synonym_groups,
)
from services.knowledge.bm25 import KeywordIndex, tokenize
from services.knowledge.search import KnowledgeIndex


def shared(left, right, analyzer=None):
    analyzer = analyzer or default_analyzer()
    return set(analyzer(left)) & set(analyzer(right))


def test_snowball_joins_the_forms_of_a_verb_and_its_noun_typed_with_or_without_accents():
    assert tokenize("anulo") == tokenize("anular") == tokenize("anulación") == tokenize("anulacion")
    assert tokenize("anulaciones") == tokenize("anulación")
    light = Analyzer("light", synonyms=False, stopwords=LIGHT_STOPWORDS)
    assert light("anulo") != light("anulación")  # what the first analyzer missed


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("¿cómo hago una NC?", "Se emite una nota de crédito electrónica"),
        ("la ND de la factura", "la nota de débito aumenta el monto"),
        ("venta no afecta", "una factura exenta (34)"),
        ("mando una GD", "la guía de despacho ampara el traslado"),
        ("cuándo vence el F29", "el Formulario 29 se presenta"),
        ("el dv del run", "el dígito verificador del RUT"),
        ("las imposiciones del mes", "las cotizaciones se pagan"),
        ("cuánto pago por desempleo", "la AFC administra el seguro de cesantía"),
    ],
)
def test_a_synonym_group_joins_an_abbreviation_or_colloquial_word_and_the_full_term(question, document):
    tokens = shared(question, document)
    assert any(token.startswith("~") for token in tokens), (question, document, tokens)
    assert not shared(question, document, Analyzer(synonyms=False)) - {"factur"}


def test_every_synonym_group_names_its_source_and_phrases_of_its_own():
    groups = load_synonym_groups()
    assert len(groups) >= 30
    seen = {}
    analyzer = default_analyzer()
    for token, phrases, source in groups:
        assert source.strip() and len(phrases) >= 2, token
        for phrase in phrases:
            stems = tuple(stem for stem, _word in analyzer._words(phrase))
            assert stems and seen.setdefault(stems, token) == token, (phrase, seen.get(stems))


def test_a_phrase_is_matched_once_per_group_and_position_and_counts_each_occurrence():
    tokens = tokenize("El impuesto único de segunda categoría. Otra vez: impuesto único.")
    group = next(token for token, phrases, _source in load_synonym_groups() if "impuesto único" in phrases)
    assert tokens.count(group) == 2


def test_stopwords_and_chat_shorthand_are_dropped_but_codes_stay():
    assert tokenize("q es lo que xq") == []
    assert {"33", "66.666.666-6", "66666666-6"} <= set(tokenize("q es la 33 del 66.666.666-6"))
    assert LIGHT_STOPWORDS < SPANISH_STOPWORDS


def test_expansions_give_the_full_form_of_what_the_question_abbreviates():
    analyzer = default_analyzer()
    assert "nota de crédito" in analyzer.expansions("¿cómo hago una NC?")
    assert analyzer.expansions("¿cómo hago una nota de crédito?") == []  # already written out
    assert analyzer.expansions("receta de pastel de choclo") == []


class RecordingEmbedder:
    """A tiny deterministic embedder that records what it was asked to embed."""

    model_id = "recording"
    dimensions = 4

    def __init__(self):
        self.seen = []

    def embed(self, texts):
        import numpy as np  # noqa: PLC0415

        self.seen.extend(texts)
        vectors = np.array(
            [[len(text) % 7 + 1, text.count("a") + 1, text.count("e") + 1, 1.0] for text in texts],
            dtype=np.float32,
        )
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def chunk(chunk_id, document_id, text, slug=None):
    return {
        "chunk_id": chunk_id,
        "document_id": document_id,
        "slug": slug or f"d{document_id}",
        "title": f"Documento {document_id}",
        "corpus": "dte",
        "company_id": None,
        "text": text,
    }


def test_the_dense_query_is_expanded_and_the_keywords_find_the_abbreviated_term(tmp_path):
    embedder = RecordingEmbedder()
    knowledge = KnowledgeIndex.build(
        [
            chunk(1, 1, "La nota de crédito anula una factura."),
            chunk(2, 2, "El seguro de cesantía lo paga el empleador."),
        ],
        embedder,
    )
    # on or off by default as the model's tuning chose it (``FUSION_WEIGHTS``)
    assert knowledge.expand_query == search.fusion_weights(embedder.model_id)["expand_query"]
    knowledge.expand_query = True
    embedder.seen.clear()
    hits = knowledge.search("¿cómo hago una NC?", top_k=1)
    assert hits[0]["slug"] == "d1"
    assert embedder.seen == ["¿cómo hago una NC? (nota de crédito)"]
    knowledge.expand_query = False
    embedder.seen.clear()
    knowledge.search("¿cómo hago una NC?", top_k=1)
    assert embedder.seen == ["¿cómo hago una NC?"]


def test_a_saved_index_of_another_analyzer_is_refused_so_the_caller_rebuilds_it(tmp_path):
    embedder = RecordingEmbedder()
    chunks = [chunk(1, 1, "La nota de crédito anula una factura.")]
    path = KnowledgeIndex.build(chunks, embedder).save(str(tmp_path))
    assert KnowledgeIndex.load(path, embedder).search("NC", top_k=1)[0]["slug"] == "d1"
    vocabulary = tmp_path / path.rsplit("/", 1)[1] / "bm25" / "vocabulary.json"
    saved = json.loads(vocabulary.read_text(encoding="utf-8"))
    assert saved["analyzer"] == default_analyzer().id
    saved["analyzer"] = "light/nosyn/stop:150"  # what an index saved by the first analyzer looks like
    vocabulary.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(ValueError, match="analyzer"):
        KnowledgeIndex.load(path, embedder)
    with pytest.raises(ValueError, match="analyzer"):
        KeywordIndex.load(str(vocabulary.parent))


def test_the_document_score_finds_words_spread_over_several_chunks():
    """d1 holds all four words of the question in two chunks, d2 three of them in one: chunk scores alone
    prefer d2, the whole-document score lifts d1 above it."""
    embedder = RecordingEmbedder()
    chunks = [
        chunk(1, 1, "timbre boleta"),
        chunk(2, 1, "caf vence"),
        chunk(3, 2, "timbre boleta caf"),
        chunk(4, 3, "otra cosa distinta"),
        chunk(5, 4, "nada que ver aqui"),
    ]
    knowledge = KnowledgeIndex.build(chunks, embedder)
    # keyword-led chunk scores (as with MiniLM's weights), so this fake embedder's cosines do not decide
    knowledge.keyword_weight, knowledge.keyword_saturation = 5.0, 0.5
    question = "timbre boleta caf vence"
    knowledge.document_weight = 0.0
    assert [hit["slug"] for hit in knowledge.search(question, top_k=2)] == ["d2", "d1"]
    knowledge.document_weight, knowledge.document_saturation = 5.0, 1.0
    assert [hit["slug"] for hit in knowledge.search(question, top_k=2)] == ["d1", "d2"]
