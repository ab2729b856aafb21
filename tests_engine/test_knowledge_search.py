"""Hybrid search of the knowledge base: filters, exact codes, persistence, shared cache, Redis outage,
and a search process that never imports torch. Real ONNX embedder, real redis-server, no mocks."""

import json
import logging
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from fakes.redis_server import RedisServer
from services.knowledge.chunking import split_markdown
from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.embedding_cache import CachedEmbedder, embedding_key
from services.knowledge.search import KnowledgeIndex, select_passages
from services.redis_state.connection import build_redis

ADDON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "l10n_cl_ai")

# (document_id, slug, title, plugin, company_id, body)
DOCUMENTS = [
    (1, "iva-tasa", "Impuesto al valor agregado", "account", None,
     "La tasa general es 19 % sobre el monto neto. Los montos exentos no pagan el impuesto.\n\n"
     "## Redondeo\nEl impuesto se redondea al peso más cercano en cada documento."),
    (2, "rut-generico", "Identificación tributaria", "dte", None,
     "El rol único tributario lleva un dígito verificador calculado con módulo 11.\n\n"
     "Para un comprador extranjero sin identificación chilena se informa el RUT 66.666.666-6."),
    (3, "nota-credito", "Notas que corrigen facturas", "dte", None,
     "La nota de crédito electrónica es el documento código 61. Anula o rebaja una factura emitida y "
     "debe referenciar el documento original."),
    (4, "sueldos", "Liquidación de sueldo", "payroll", None,
     "El empleador descuenta la cotización de AFP, el 7 % de salud y el seguro de cesantía, y los paga en "
     "Previred. El RCT es el Reglamento de Contabilidad del Trabajo de la empresa."),
    (5, "bodega-interna", "Traslados entre bodegas", "stock", None,
     "Un traslado interno de mercadería entre bodegas de la misma empresa se respalda con una guía de "
     "despacho que no constituye venta."),
    (6, "politica-cobranza-a", "Política de cobranza de Alfa", "account", 1,
     "Alfa cobra intereses por mora a los clientes que pagan sus facturas fuera de plazo, y los documenta "
     "con una nota de débito."),
    (7, "politica-cobranza-b", "Política de cobranza de Beta", "account", 2,
     "Beta no cobra intereses por mora: llama por teléfono al cliente que paga sus facturas tarde."),
]


def _chunks(documents, start_id=1):
    chunks = []
    for document_id, slug, title, plugin, company_id, body in documents:
        for text in split_markdown(body, title=title):
            chunks.append({"chunk_id": start_id + len(chunks), "document_id": document_id, "slug": slug,
                           "title": title, "corpus": plugin, "company_id": company_id, "text": text})
    return chunks


@pytest.fixture(scope="module")
def model():
    """One ONNX embedder for the module (exported by scripts/setup.sh; exported in a subprocess if not)."""
    return OnnxEmbedder()


@pytest.fixture(scope="module")
def knowledge(model):
    return KnowledgeIndex.build(_chunks(DOCUMENTS), CachedEmbedder(model))


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


def _slugs(hits):
    return [hit["slug"] for hit in hits]


def test_hits_have_the_documented_shape_and_are_sorted(knowledge):
    hits = knowledge.search("¿Qué tasa de impuesto se aplica sobre el monto neto de una venta?", top_k=3)
    assert hits[0]["slug"] == "iva-tasa"
    assert set(hits[0]) >= {"slug", "title", "score", "excerpt", "document_id"}
    assert hits[0]["title"] == "Impuesto al valor agregado" and hits[0]["document_id"] == 1
    assert "19 %" in hits[0]["excerpt"]
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert len(set(_slugs(hits))) == 3  # no passage here is nearly as good as its document's first


def test_a_documents_second_passage_replaces_a_weaker_document_only_when_nearly_as_good():
    rows = np.arange(6)
    doc_rows = np.array([0, 0, 0, 1, 2, 2])
    scores = np.array([0.90, 0.88, 0.87, 0.85, 0.80, 0.50])
    bonus = np.array([0.0, 0.1, 0.0])
    # at most two of a document, each later one within the margin of its first; the bonus on each passage
    picked = select_passages(rows, scores, doc_rows, bonus, per_document=2, margin=0.03)
    assert [row for row, _score in picked] == [3, 0, 1, 4]
    assert [score for _row, score in picked] == pytest.approx([0.95, 0.90, 0.88, 0.80])
    # a margin of zero keeps only exact ties; one per document is the plain document ranking
    assert [row for row, _ in select_passages(rows, scores, doc_rows, bonus, 2, 0.0)] == [3, 0, 4]
    assert [row for row, _ in select_passages(rows, scores, doc_rows, None, 1, 1.0)] == [0, 3, 4]


def test_a_long_section_can_give_two_passages_and_a_filter_still_fills_top_k(model):
    """Two halves of one section, both close to the question: the search returns both (the margin lets
    the second in) and still fills top_k with the next documents."""
    long = (80, "plazos-f29", "Formulario mensual", "account", None,
            "## Plazos de declaración y pago\n"
            + "El formulario 29 se declara y paga hasta el día 20 del mes siguiente por internet. " * 6
            + "\n\n"
            + "Si se declara fuera de plazo, el formulario 29 se paga con reajuste, intereses y multa. " * 5)
    knowledge = KnowledgeIndex.build(_chunks([long, *DOCUMENTS]), CachedEmbedder(model))
    knowledge.passages_per_document, knowledge.second_passage_margin = 2, 1.0
    hits = knowledge.search("hasta qué día se declara y paga el formulario 29", top_k=4)
    assert _slugs(hits)[:2] == ["plazos-f29", "plazos-f29"] and len(hits) == 4
    assert hits[0]["chunk_id"] != hits[1]["chunk_id"] and len(set(_slugs(hits))) == 3
    knowledge.passages_per_document = 1
    hits = knowledge.search("hasta qué día se declara y paga el formulario 29", top_k=4)
    assert len(set(_slugs(hits))) == 4


def test_exact_codes_and_ruts_are_found_by_the_keyword_side(knowledge):
    assert knowledge.search("66.666.666-6", top_k=1)[0]["slug"] == "rut-generico"
    assert knowledge.search("66666666-6", top_k=1)[0]["slug"] == "rut-generico"
    assert knowledge.search("código 61", top_k=1)[0]["slug"] == "nota-credito"
    assert knowledge.search("¿qué es el RCT?", top_k=1)[0]["slug"] == "sueldos"


def test_plugin_filter_keeps_only_that_plugin_and_still_fills_top_k(knowledge):
    hits = knowledge.search("impuesto de una venta", top_k=2, corpus="dte")
    assert _slugs(hits) and all(slug in {"rut-generico", "nota-credito"} for slug in _slugs(hits))
    assert len(hits) == 2  # both dte documents, although neither is about the question
    assert _slugs(knowledge.search("descuentos del sueldo", top_k=5, corpus=["payroll", "stock"])) in (
        ["sueldos", "bodega-interna"], ["bodega-interna", "sueldos"])


def test_a_company_private_document_never_reaches_another_company(knowledge):
    question = "¿Cobramos intereses a los clientes que pagan tarde?"
    everything = _slugs(knowledge.search(question, top_k=7))
    assert {"politica-cobranza-a", "politica-cobranza-b"} <= set(everything)
    for company, own, foreign in ((1, "politica-cobranza-a", "politica-cobranza-b"),
                                  (2, "politica-cobranza-b", "politica-cobranza-a")):
        hits = knowledge.search(question, top_k=7, allowed_company_ids={company})
        assert own in _slugs(hits) and foreign not in _slugs(hits)
        assert len(hits) == 6  # every shared document plus its own: the filter does not shrink top_k
    hits = knowledge.search(question, top_k=3, allowed_company_ids={3})
    assert len(hits) == 3 and not {"politica-cobranza-a", "politica-cobranza-b"} & set(_slugs(hits))


def test_allowed_document_ids_restrict_the_hits(knowledge):
    hits = knowledge.search("impuesto", top_k=3, allowed_document_ids=[4, 5])
    assert sorted(hit["document_id"] for hit in hits) == [4, 5]
    assert knowledge.search("impuesto", top_k=3, allowed_document_ids=[]) == []


def test_top_k_documents_are_returned_when_one_document_floods_the_candidates(model):
    """A long document whose 120 chunks all match beats the over-fetch; the search widens until it has
    top_k distinct documents."""
    flood = (90, "manual-facturas", "Manual", "dte", None,
             "\n\n".join(f"## Caso {n}\nLa factura electrónica número {n} se emite con folio autorizado."
                         for n in range(120)))
    knowledge = KnowledgeIndex.build(_chunks([flood, *DOCUMENTS]), CachedEmbedder(model))
    hits = knowledge.search("emitir una factura electrónica con folio", top_k=4)
    assert hits[0]["slug"] == "manual-facturas"
    assert len(hits) == 4 and _slugs(hits).count("manual-facturas") <= knowledge.passages_per_document
    assert len(set(_slugs(hits))) >= 4 - (knowledge.passages_per_document - 1)
    private = knowledge.search("emitir una factura electrónica con folio", top_k=3, corpus="dte",
                               allowed_company_ids={1})
    assert _slugs(private)[0] == "manual-facturas" and len(private) == 3


def test_one_passage_per_document_gives_top_k_distinct_documents(model):
    """The bot's first pass and ``buscar_normativa`` ask for one passage per document: a document whose
    chunks all match takes one place, whatever the tuned ``passages_per_document``."""
    cases = (91, "factura-casos", "Manual", "dte", None,
             "\n\n".join(f"## Caso {n}\nLa factura electrónica número {n} se emite con folio autorizado."
                         for n in range(12)))
    knowledge = KnowledgeIndex.build(_chunks([cases, *DOCUMENTS]), CachedEmbedder(model))
    knowledge.passages_per_document, knowledge.second_passage_margin = 2, 1.0  # as permissive as it gets
    question = "emitir una factura electrónica con folio autorizado"
    assert _slugs(knowledge.search(question, top_k=3)).count("factura-casos") == 2
    distinct = _slugs(knowledge.search(question, top_k=3, per_document=1))
    assert distinct[0] == "factura-casos" and len(set(distinct)) == 3


def test_persisted_index_reloads_without_calling_the_embedding_model(knowledge, tmp_path):
    path = knowledge.save(str(tmp_path))
    assert os.path.basename(path) == knowledge.content_hash
    assert KnowledgeIndex.saved_hashes(str(tmp_path)) == [knowledge.content_hash]
    assert knowledge.save(str(tmp_path)) == path  # saving the same content again is a no-op

    fresh_model = OnnxEmbedder()
    embedder = CachedEmbedder(fresh_model, local_size=0)
    loaded = KnowledgeIndex.load(path, embedder, expected_hash=knowledge.content_hash)
    assert fresh_model.texts_embedded == 0 and not fresh_model.loaded
    assert loaded.size == knowledge.size and loaded.kind == "flat"
    question = "¿Qué documento respalda mover mercadería a otra bodega?"
    assert loaded.search(question, top_k=3) == knowledge.search(question, top_k=3)
    assert fresh_model.texts_embedded == 1  # the question only, never the chunks

    with pytest.raises(ValueError):
        KnowledgeIndex.load(path, embedder, expected_hash="0" * 64)


def test_an_edit_reaches_another_instance_through_a_new_saved_version(model, redis_server, tmp_path):
    """Worker A rebuilds after an edit (re-embedding only the changed chunk, thanks to the shared
    cache) and saves a new version; worker B loads it by hash and answers from the new text."""
    client = build_redis(redis_server.url, socket_timeout=2.0)
    client.flushall()
    worker_a = CachedEmbedder(model, client, local_size=0)
    first = KnowledgeIndex.build(_chunks(DOCUMENTS), worker_a)
    first_path = first.save(str(tmp_path))

    counting_model = OnnxEmbedder()
    worker_b = CachedEmbedder(counting_model, client, local_size=0)
    seen_by_b = KnowledgeIndex.load(first_path, worker_b)
    question = "¿Qué certificado se necesita para firmar documentos?"
    assert "bodega-interna" != seen_by_b.search(question, top_k=1)[0]["slug"]

    edited = [*DOCUMENTS[:4],
              (5, "bodega-interna", "Traslados entre bodegas", "stock", None,
               "Para firmar documentos electrónicos se necesita un certificado digital vigente del "
               "representante."),
              *DOCUMENTS[5:]]
    misses_before = worker_a.misses
    second = KnowledgeIndex.build(_chunks(edited), worker_a)
    assert worker_a.misses - misses_before == 1  # only the edited chunk went through the model
    assert second.content_hash != first.content_hash
    second_path = second.save(str(tmp_path))

    seen_by_b = KnowledgeIndex.load(second_path, worker_b, expected_hash=second.content_hash)
    assert seen_by_b.search(question, top_k=1)[0]["slug"] == "bodega-interna"
    KnowledgeIndex.prune(str(tmp_path), keep=[second.content_hash])
    assert KnowledgeIndex.saved_hashes(str(tmp_path)) == [second.content_hash]
    client.close()


def test_embeddings_given_with_the_chunks_are_not_recomputed(model):
    chunks = _chunks(DOCUMENTS)
    vectors = model.embed([chunk["text"] for chunk in chunks])
    stored = [dict(chunk, embedding=vector.tobytes()) for chunk, vector in zip(chunks, vectors, strict=True)]
    counting_model = OnnxEmbedder()
    knowledge = KnowledgeIndex.build(stored, counting_model)
    assert counting_model.calls == 0
    assert np.allclose(knowledge.dense.vectors(), vectors)


def test_redis_outage_costs_only_recomputation_and_is_logged_once(model, caplog):
    with RedisServer() as server:
        # a generous timeout: a slow answer must not pass for an outage ("served by Redis" below)
        client = build_redis(server.url, socket_timeout=10, connect_timeout=10)
        embedder = CachedEmbedder(model, client, local_size=0, retry_after_s=0.3)
        knowledge = KnowledgeIndex.build(_chunks(DOCUMENTS), embedder)
        question = "¿Qué tasa de impuesto se aplica sobre el monto neto de una venta?"
        expected = knowledge.search(question, top_k=3)
        assert embedder.hits == 0
        assert knowledge.search(question, top_k=3) == expected and embedder.hits == 1  # served by Redis

        server.stop()
        caplog.set_level(logging.WARNING, logger="services.knowledge.embedding_cache")
        misses = embedder.misses
        for _ in range(3):
            assert knowledge.search(question, top_k=3) == expected
        assert embedder.misses == misses + 3 and embedder.redis_errors >= 1
        outage_logs = [record for record in caplog.records if "Redis unavailable" in record.getMessage()]
        assert len(outage_logs) == 1

        server.start()
        time.sleep(0.35)  # past retry_after_s: Redis is tried again
        hits = embedder.hits
        assert knowledge.search(question, top_k=3) == expected
        knowledge.search(question, top_k=3)
        assert embedder.hits >= hits + 1  # stored again after the restart, then served by Redis
        client.close()


def test_a_search_process_loads_the_saved_index_uses_the_shared_cache_and_never_imports_torch(
        knowledge, redis_server, tmp_path):
    client = build_redis(redis_server.url, socket_timeout=2.0)
    client.flushall()
    cached_question = "¿Qué tasa de impuesto se aplica sobre el monto neto de una venta?"
    # another process searched it: the text a search embeds (prefix, expansion) is in Redis
    searched_text = knowledge.embedder.query_prefix + knowledge.dense_query(cached_question)
    CachedEmbedder(OnnxEmbedder(), client).embed([searched_text])
    path = knowledge.save(str(tmp_path))
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {ADDON!r})
        from services.knowledge.embedder import OnnxEmbedder
        from services.knowledge.embedding_cache import CachedEmbedder
        from services.knowledge.search import KnowledgeIndex
        from services.redis_state.connection import build_redis
        model = OnnxEmbedder()
        embedder = CachedEmbedder(model, build_redis({redis_server.url!r}))
        knowledge = KnowledgeIndex.load({path!r}, embedder)
        cached = knowledge.search({cached_question!r}, top_k=1)
        calls_after_cached = model.calls
        fresh = knowledge.search("¿Qué se le descuenta al trabajador para la AFP y la salud?", top_k=1)
        print(json.dumps({{"cached": cached[0]["slug"], "fresh": fresh[0]["slug"],
                          "calls_after_cached": calls_after_cached, "calls": model.calls,
                          "torch": "torch" in sys.modules,
                          "sentence_transformers": "sentence_transformers" in sys.modules}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=False, env=dict(os.environ, PYTHONHASHSEED="12345"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"cached": "iva-tasa", "fresh": "sueldos", "calls_after_cached": 0, "calls": 1,
                      "torch": False, "sentence_transformers": False}
    client.close()


def test_cache_keys_depend_on_model_and_text_only():
    key = embedding_key("model-a", "¿Qué es el IVA?")
    assert key == embedding_key("model-a", "¿Qué es el IVA?")
    assert key != embedding_key("model-b", "¿Qué es el IVA?")
    assert key != embedding_key("model-a", "¿Qué es el IVA? ")
    assert key.startswith("l10n_cl_ai:emb:") and len(key) == len("l10n_cl_ai:emb:") + 64


def test_an_empty_knowledge_base_saves_loads_and_answers_nothing(model, tmp_path):
    empty = KnowledgeIndex.build([], model)
    loaded = KnowledgeIndex.load(empty.save(str(tmp_path)), model, expected_hash=empty.content_hash)
    assert loaded.size == 0 and loaded.search("¿Qué es el IVA?") == []
