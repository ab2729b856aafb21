"""The dense FAISS index on real embeddings: exact vs approximate choice, recall, filters, persistence."""

import itertools
import random

import numpy as np
import pytest

from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.index import DenseIndex, choose_kind
from services.knowledge.search import KnowledgeIndex

SUBJECTS = ["La factura electrónica", "La boleta", "La nota de crédito", "La guía de despacho",
            "El contribuyente", "El trabajador", "El empleador", "El libro de compras", "El formulario 29",
            "El proveedor", "La bodega", "El certificado digital", "El folio autorizado", "La exportación",
            "El contador"]
VERBS = ["debe registrar", "no puede emitir", "necesita corregir", "tiene que pagar", "informa", "rechaza",
         "calcula", "descuenta", "envía", "anula", "declara", "contabiliza"]
OBJECTS = ["el impuesto al valor agregado", "el monto exento", "los intereses y multas", "el crédito fiscal",
           "la referencia al documento original", "el giro comercial", "el total en pesos",
           "la unidad de fomento",
           "el tope imponible", "la comisión de la AFP", "el stock disponible", "el rango de folios",
           "el estado del envío", "el plazo de ocho días"]
COMPLEMENTS = ["antes del día 20", "en el portal del SII", "al cierre del ejercicio",
               "si la operación es exenta", "para una venta a consumidor final", "en moneda extranjera",
               "por una devolución de mercadería", "según el contrato de trabajo"]


def sentences(count, seed):
    combos = list(itertools.product(SUBJECTS, VERBS, OBJECTS, COMPLEMENTS))
    random.Random(seed).shuffle(combos)  # noqa: S311 - reproducible test data, not security
    return [f"{s} {v} {o} {c}." for s, v, o, c in combos[:count]]


@pytest.fixture(scope="module")
def real_vectors():
    """1,100 real embeddings of distinct Spanish sentences: 1,000 to index, 100 held out as queries."""
    vectors = OnnxEmbedder(threads=2).embed(sentences(1100, seed=7))
    return vectors[:1000], vectors[1000:]


def _recall(approximate, exact):
    return np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approximate, exact, strict=True)])


def test_the_index_kind_follows_the_corpus_size(real_vectors):
    base, _queries = real_vectors
    assert DenseIndex.build(base, "m", exact_max=1000).kind == "flat"
    assert DenseIndex.build(base, "m", exact_max=999).kind == "hnsw"
    assert DenseIndex.build(base[:10], "m").kind == "flat"
    assert choose_kind(5_000) == "flat" and choose_kind(5_001) == "hnsw"  # the default threshold


def test_the_approximate_index_recalls_at_least_95_percent_of_exact_search(real_vectors):
    base, queries = real_vectors
    exact = DenseIndex.build(base, "m", kind="flat")
    approximate = DenseIndex.build(base, "m", exact_max=500)
    assert approximate.kind == "hnsw"
    for k in (3, 10):
        exact_rows = [exact.search(query, k)[1] for query in queries]
        approximate_rows = [approximate.search(query, k)[1] for query in queries]
        assert _recall(approximate_rows, exact_rows) >= 0.95
    scores, rows = exact.search(queries[0], 5)
    assert np.allclose(scores, base[rows] @ queries[0], atol=1e-5)  # inner product of unit vectors = cosine
    assert list(scores) == sorted(scores, reverse=True)


def test_a_restrictive_filter_still_returns_k_allowed_rows_from_the_approximate_index(real_vectors):
    base, queries = real_vectors
    exact = DenseIndex.build(base, "m", kind="flat")
    approximate = DenseIndex.build(base, "m", kind="hnsw")
    rng = np.random.default_rng(3)
    for share in (0.02, 0.5):
        allowed = rng.random(len(base)) < share
        for query in queries[:20]:
            _scores, rows = approximate.search(query, 10, allowed)
            assert len(rows) == 10 and allowed[rows].all()
            _scores, exact_rows = exact.search(query, 10, allowed)
            if share < 0.25:  # a small visible set is searched exactly
                assert list(rows) == list(exact_rows)
    only_three = np.zeros(len(base), dtype=bool)
    only_three[[5, 50, 500]] = True
    assert sorted(approximate.search(queries[0], 10, only_three)[1]) == [5, 50, 500]


def test_saved_indexes_are_memory_mapped_and_keep_their_hash(real_vectors, tmp_path):
    base, queries = real_vectors
    for kind in ("flat", "hnsw"):
        built = DenseIndex.build(base, "model-x", kind=kind)
        path = str(tmp_path / f"{kind}.faiss")
        built.save(path)
        loaded = DenseIndex.load(path, expected_hash=built.content_hash)
        assert (loaded.kind, loaded.size, loaded.model_id) == (kind, 1000, "model-x")
        for query in queries[:5]:
            assert list(loaded.search(query, 5)[1]) == list(built.search(query, 5)[1])
        with open("/proc/self/maps", encoding="utf-8") as maps:
            assert path in maps.read()  # the vectors are mapped from the file, not copied
        assert np.array_equal(loaded.vectors(), base)
        with pytest.raises(ValueError):
            DenseIndex.load(path, expected_hash="f" * 64)
    other = DenseIndex.build(base, "model-y", kind="flat")
    same_vectors = DenseIndex.build(base, "model-x", kind="flat")
    assert other.content_hash != same_vectors.content_hash  # the model id is part of the hash


def test_the_knowledge_index_switches_to_hnsw_above_its_threshold_and_keeps_answering(real_vectors, tmp_path):
    base, queries = real_vectors
    texts = sentences(1000, seed=7)
    chunks = [{"chunk_id": row, "document_id": row // 4, "slug": f"doc-{row // 4}",
               "title": f"Documento {row // 4}", "corpus": "dte", "company_id": None, "text": text,
               "embedding": base[row]}
              for row, text in enumerate(texts)]
    model = OnnxEmbedder()
    knowledge = KnowledgeIndex.build(chunks, model, exact_max=500)
    assert knowledge.kind == "hnsw" and model.calls == 0
    loaded = KnowledgeIndex.load(knowledge.save(str(tmp_path)), model)
    assert loaded.kind == "hnsw"
    hits = loaded.search(texts[42], top_k=5)
    assert hits[0]["slug"] == "doc-10" and hits[0]["excerpt"] == texts[42]
    assert len({hit["slug"] for hit in hits}) == 5


def test_saved_index_folders_are_pruned_to_the_current_and_the_previous(tmp_path):
    import os

    from services.knowledge.search import KnowledgeIndex

    for age, name in enumerate(("current", "previous", "older", "oldest")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (1_000_000 - age * 100, 1_000_000 - age * 100))
    (tmp_path / ".tmp-building").mkdir()  # a build in progress is left alone
    removed = KnowledgeIndex.prune_sources(str(tmp_path), current="current")
    assert sorted(removed) == ["older", "oldest"]
    assert sorted(os.listdir(tmp_path)) == [".tmp-building", "current", "previous"]


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_similarities_of_given_rows_are_their_dot_products_also_memory_mapped(real_vectors, kind, tmp_path):
    base, queries = real_vectors
    index = DenseIndex.build(base, "m", kind=kind)
    index.save(str(tmp_path / "dense.faiss"))
    loaded = DenseIndex.load(str(tmp_path / "dense.faiss"))
    rows = np.array([7, 0, len(base) - 1, 7, 42])
    for dense in (index, loaded):
        np.testing.assert_allclose(dense.similarities(queries[0], rows), base[rows] @ queries[0], atol=1e-5)
        assert dense.similarities(queries[0], []).shape == (0,)
        with pytest.raises(IndexError):
            dense.similarities(queries[0], [len(base)])
