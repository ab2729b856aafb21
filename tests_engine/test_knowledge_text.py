"""Keyword tokenizer, BM25 scoring and markdown chunking of the knowledge base (no embedding model)."""

import bm25s
import numpy as np

from services.knowledge.bm25 import KeywordIndex, tokenize
from services.knowledge.chunking import split_markdown


def test_tokenizer_keeps_codes_ruts_and_acronyms_and_folds_accents_and_plurals():
    tokens = tokenize("El RUT 66.666.666-6, el 76.123.456-K, código 61, RCT y F29: retenciones al 19 % "
                      "de las facturas")
    assert "66.666.666-6" in tokens and "66666666-6" in tokens  # both spellings of a RUT match
    assert "76.123.456-k" in tokens
    assert {"61", "19", "rct", "f29", "rut"} <= set(tokens)
    assert tokenize("Código") == tokenize("codigo") == ["codig"]  # accents stripped, stemmed
    assert "retencion" in tokens and tokenize("facturas") == tokenize("factura")  # plurals folded
    assert not {"el", "de", "las", "al", "y"} & set(tokens)  # stopwords dropped


def test_tokenizer_matches_query_and_document_spellings():
    assert set(tokenize("Códigos")) == set(tokenize("codigo"))
    assert set(tokenize("66666666-6")) <= set(tokenize("RUT 66.666.666-6"))
    assert tokenize("ñandú") == ["ñandu"]  # ñ is a letter of its own, not n


def test_bm25_ranks_the_chunk_holding_an_exact_code_first():
    texts = [
        "Las facturas electrónicas se envían al Servicio de Impuestos Internos.",
        "La nota de crédito electrónica, código 61, corrige o anula una factura.",
        "La nota de débito electrónica, código 56, aumenta el monto de una factura.",
        "Para extranjeros sin RUT chileno se usa el RUT genérico 66.666.666-6.",
    ]
    index = KeywordIndex.build(texts)
    scores = index.scores("código 61")
    assert scores.argmax() == 1
    assert scores[1] > scores[2]  # "código" alone is not enough: 61 decides
    assert index.scores("66666666-6").argmax() == 3
    assert index.scores("palabras ausentes del corpus").max() == 0


def test_bm25_scores_equal_bm25s_and_round_trip_through_a_directory(tmp_path):
    texts = ["código 33 factura afecta", "código 34 factura exenta", "boleta exenta código 41 exenta", ""]
    index = KeywordIndex.build(texts)
    reference = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    reference.index([tokenize(text) or [""] for text in texts], show_progress=False)
    for query in ("exenta", "código 34 exenta", "factura factura", "nada"):
        ids = reference.get_tokens_ids(tokenize(query))
        expected = reference.get_scores(ids) if ids else np.zeros(len(texts))
        assert np.allclose(index.scores(query), expected)
    index.save(str(tmp_path))
    loaded = KeywordIndex.load(str(tmp_path))
    assert loaded.size == 4
    assert list(loaded.scores("código 34 exenta")) == list(index.scores("código 34 exenta"))


BODY = """# Boletas electrónicas

Introducción corta.

## Boleta afecta

La boleta electrónica afecta (código 39) se emite al consumidor final. """ + (
    "Texto de relleno sobre boletas. " * 60) + """

## Boleta exenta

### Casos

- venta de libros
- servicios exentos

Otro párrafo del caso exento.
"""


def test_chunks_are_bounded_and_keep_their_heading_path():
    chunks = split_markdown(BODY, title="Boletas electrónicas", max_chars=400)
    assert len(chunks) >= 4
    assert all(len(chunk) <= 400 for chunk in chunks)
    assert all(chunk.startswith("Boletas electrónicas") for chunk in chunks)  # title leads every path
    assert any(chunk.startswith("Boletas electrónicas > Boleta afecta\n") for chunk in chunks)
    exempt = [chunk for chunk in chunks if "venta de libros" in chunk]
    assert len(exempt) == 1 and "Boleta exenta > Casos" in exempt[0]
    assert "servicios exentos" in exempt[0]  # a list stays whole
    assert not any("# " in chunk for chunk in chunks)  # markdown heading marks are not repeated
    joined = " ".join(chunks)
    assert joined.count("Texto de relleno sobre boletas.") == 60  # nothing lost or duplicated


def test_small_body_is_one_chunk_and_empty_body_none():
    assert split_markdown("Una sola frase.", title="Título") == ["Título\nUna sola frase."]
    assert split_markdown("", title="Título") == []
