"""Quality of the knowledge base on the shipped Spanish corpus.

- The ONNX embedder agrees with sentence-transformers (the reference) on every question: cosine >= 0.9999.
- A missing export is produced by the export script in a separate process, verified.
- Hybrid search finds the right document in the top 3 for >= 90 % of 34 questions written without the
  words of the expected document's title (checked below, with the search tokenizer).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from lxml import etree

from services.knowledge import export_onnx, model_files
from services.knowledge.bm25 import tokenize
from services.knowledge.chunking import split_markdown
from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.search import KnowledgeIndex

ADDON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "l10n_cl_ai")
CORPUS = os.path.join(ADDON, "data", "knowledge_documents.xml")

# (question, slug of the document that answers it)
QUESTIONS = [
    ("¿Qué número identifica a una factura exenta y cuál a una afecta?", "dte-tipos"),
    ("¿Qué se emite cuando un comisionista vende por cuenta de un tercero y le rinde las ventas?",
     "dte-tipos"),
    ("¿Cómo se calcula el carácter final que va después del guion en el rol único tributario?", "rut"),
    ("¿Por qué la letra K aparece al final del número de identificación de algunas personas?", "rut"),
    ("¿Qué porcentaje de impuesto al valor agregado se suma al precio de una venta?", "iva"),
    ("¿Cómo se aproximan los decimales del impuesto al calcular el total de una factura?", "iva"),
    ("¿Cómo anulo completamente una factura que ya envié al SII?", "notas-credito-debito"),
    ("¿Qué emito para cobrarle intereses adicionales a un cliente después de haberle facturado?",
     "notas-credito-debito"),
    ("Si solo me equivoqué en la dirección del cliente en la factura, ¿cómo lo corrijo?",
     "notas-credito-debito"),
    ("¿Qué archivo entrega el SII para autorizar la numeración correlativa de mis facturas?", "caf-folios"),
    ("¿Qué pasa si se me acaba la numeración autorizada para emitir documentos?", "caf-folios"),
    ("¿Qué contiene el código de barras bidimensional impreso en la representación en papel de la factura?",
     "timbre-electronico"),
    ("¿Qué pasa cuando vence la llave criptográfica del representante que usamos para emitir?",
     "timbre-electronico"),
    ("¿Qué significa que Impuestos Internos recibió mi factura pero con observaciones?",
     "estados-rechazos-sii"),
    ("¿Qué hago si Impuestos Internos devuelve como inválida la factura que mandé?", "estados-rechazos-sii"),
    ("¿Qué comprobante le entrego a una persona que compra en mi tienda para su uso personal?", "boletas"),
    ("¿Tengo que detallar el impuesto por separado en el comprobante de una venta al detalle?", "boletas"),
    ("¿Qué documento acompaña a la mercadería cuando la muevo de una sucursal a otra sin venderla?",
     "guias-despacho"),
    ("¿Cómo respaldo el transporte de productos que envío a un cliente antes de facturarlos?",
     "guias-despacho"),
    ("¿Qué factura emito cuando vendo productos a un comprador en otro país?", "exportacion"),
    ("¿Cómo corrijo una venta al extranjero que ya fue facturada?", "exportacion"),
    ("Adquirí trigo a un agricultor que no emite documentos; ¿quién emite el documento de la operación?",
     "factura-compra"),
    ("¿Cuándo es el comprador quien debe retener y pagar el impuesto en vez del vendedor?", "factura-compra"),
    ("¿Qué plazo tengo para objetar una factura que me emitió un proveedor?", "rcv-acuse-recibo"),
    ("¿Qué ocurre si no respondo nada a una factura recibida de un proveedor?", "rcv-acuse-recibo"),
    ("¿Hasta qué día puedo presentar y pagar el IVA del mes anterior por internet?", "f29-ppm"),
    ("¿Cómo se calcula el anticipo del impuesto a la renta sobre los ingresos de cada mes?", "f29-ppm"),
    ("¿Qué porcentaje del sueldo se le descuenta al trabajador para su pensión?", "remuneraciones"),
    ("¿Dónde se pagan cada mes los aportes previsionales de los empleados?", "remuneraciones"),
    ("¿Hasta qué monto de sueldo se calculan los descuentos obligatorios del trabajador?", "remuneraciones"),
    ("¿Dónde anoto la actividad económica de mi empresa para que salga impresa en las facturas?",
     "contribuyentes-giro"),
    ("¿Qué diferencia hay entre un emisor de primera categoría y una persona que entrega boletas "
     "de honorarios?",
     "contribuyentes-giro"),
    ("¿Cómo le pido a la inteligencia artificial que revise un documento antes de publicarlo?",
     "uso-asistente"),
    ("¿Dónde veo cuánto dinero se ha gastado este mes en consultas al modelo de lenguaje?", "uso-asistente"),
]


def corpus_documents(path=CORPUS):
    """The shipped documents as dicts of their fields (slug, title, plugin, tags, body, source)."""
    root = etree.parse(path).getroot()
    documents = []
    for record in root.iter("record"):
        if record.get("model") != "l10n_cl_ai.knowledge.document":
            continue
        documents.append({field.get("name"): (field.text or "").strip() for field in record.iter("field")})
    return documents


def corpus_chunks(documents):
    chunks = []
    for document_id, document in enumerate(documents, start=1):
        for text in split_markdown(document["body"], title=document["title"]):
            chunks.append({"chunk_id": len(chunks) + 1, "document_id": document_id, "slug": document["slug"],
                           "title": document["title"], "plugin": document.get("plugin"), "company_id": None,
                           "text": text, "keywords": document.get("tags", "")})
    return chunks


@pytest.fixture(scope="module")
def model():
    return OnnxEmbedder()


def test_the_onnx_embedder_matches_sentence_transformers_on_every_question(model):
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - the reference, tests only

    texts = [question for question, _slug in QUESTIONS]
    reference = SentenceTransformer(model_files.resolve_model_source(model_files.DEFAULT_MODEL), device="cpu")
    expected = reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    actual = model.embed(texts)
    assert len(texts) >= 30 and actual.shape == expected.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(actual, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(actual * expected, axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() >= 0.9999, cosines.min()
    # one at a time (no padding) gives the same vectors as the padded batch
    assert np.allclose(model.embed(texts[:1])[0], actual[0], atol=1e-5)


def test_questions_avoid_the_words_of_their_document_title():
    titles = {document["slug"]: document["title"] for document in corpus_documents()}
    assert set(titles) >= {slug for _question, slug in QUESTIONS}
    for question, slug in QUESTIONS:
        assert not set(tokenize(question)) & set(tokenize(titles[slug])), (question, titles[slug])


def test_hybrid_search_recall_at_3_on_the_shipped_corpus(model):
    documents = corpus_documents()
    assert len(documents) >= 16
    knowledge = KnowledgeIndex.build(corpus_chunks(documents), model)
    found = [slug in [hit["slug"] for hit in knowledge.search(question, top_k=3)]
             for question, slug in QUESTIONS]
    recall = sum(found) / len(found)
    missed = [question for (question, _slug), hit in zip(QUESTIONS, found, strict=True) if not hit]
    assert recall >= 0.9, (recall, missed)


def test_a_missing_export_is_made_by_a_separate_process_and_matches_the_shipped_one(model, tmp_path):
    """What setup.sh runs, exercised through the embedder: the export script runs in its own process
    (torch never enters the embedding process) and writes a verified, readable export."""
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {ADDON!r})
        from services.knowledge.embedder import OnnxEmbedder
        embedder = OnnxEmbedder({str(tmp_path / "model")!r})
        vector = embedder.embed(["¿Cuál es la tasa del IVA?"])[0]
        print(json.dumps({{"vector": vector.tolist(), "torch": "torch" in sys.modules,
                          "model_id": embedder.model_id}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                            check=False, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["torch"] is False and report["model_id"] == model.model_id
    assert np.dot(report["vector"], model.embed(["¿Cuál es la tasa del IVA?"])[0]) >= 0.9999
    manifest = model_files.read_manifest(str(tmp_path / "model"))
    assert manifest["verified_cosine_min"] >= export_onnx.MIN_COSINE and manifest["dimensions"] == 384
    data_file = str(tmp_path / "model" / "model.onnx.data")
    assert manifest["files"]["model.onnx.data"] == model_files.file_sha256(data_file)
