"""Benchmark: what the Spanish analyzer, the whole-document score and the query expansion cost per search.

Same synthetic corpus and queries as ``bench/knowledge.py`` (10k chunks by default), dense vectors and
query embeddings precomputed (a cache hit: the embedding itself is measured by ``bench/knowledge.py``),
one thread. Baseline, in this process: the first analyzer (light stemmer, no synonyms, short stop list)
without document score nor query expansion. Prints p50/p95 per search and the ratio to the baseline.

    .venv/bin/python bench/knowledge_analyzer_cost.py [--size 10000] [--queries 300]
"""

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


class PrecomputedEmbedder:
    """Vectors of known texts (queries, expanded or not), as the Redis cache would serve them."""

    model_id = "precomputed"

    def __init__(self, model, texts):
        self.dimensions = model.dimensions
        self.vectors = dict(zip(texts, model.embed(texts), strict=True))

    def embed(self, texts):
        import numpy as np  # noqa: PLC0415

        return np.stack([self.vectors[text] for text in texts])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import numpy as np  # noqa: PLC0415
    from knowledge import derived_vectors, make_chunks, percentiles, sentences  # noqa: PLC0415

    from services.knowledge.analyzer import LIGHT_STOPWORDS, Analyzer, default_analyzer  # noqa: PLC0415
    from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex, expanded_query  # noqa: PLC0415

    model = OnnxEmbedder(threads=1)
    texts = sentences(args.size, seed=1)
    real = model.embed(texts[:500])
    vectors = np.vstack([real, derived_vectors(real, args.size - len(real), seed=args.size)])
    chunks = make_chunks(texts, vectors)
    queries = sentences(args.queries, seed=99)
    expanded = [expanded_query(query, default_analyzer()) for query in queries]
    embedder = PrecomputedEmbedder(model, sorted(set(queries) | set(expanded)))
    first = KnowledgeIndex.build(chunks, embedder, analyzer=Analyzer("light", False, LIGHT_STOPWORDS))
    first.keyword_weight, first.keyword_saturation, first.document_weight = 1.5, 2.0, 0.0
    first.expand_query = False
    shipped = KnowledgeIndex.build(chunks, embedder, analyzer=default_analyzer())
    rows = []
    for label, knowledge in (("first analyzer, chunk BM25 only (baseline)", first),
                             ("shipped: Spanish analyzer + document score + expansion", shipped)):
        knowledge.search(queries[0], top_k=3)  # warm the stem cache and the memory maps
        samples = []
        for query in queries:
            began = time.perf_counter()
            knowledge.search(query, top_k=3)
            samples.append(time.perf_counter() - began)
        rows.append((label, percentiles(samples)))
    base = rows[0][1][0]
    print(f"search with the query embedding cached, {args.size} chunks, {len(queries)} queries, 1 thread:")
    for label, (p50, p95) in rows:
        print(f"  {label:56s} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  x{p50 / base:.2f}")


if __name__ == "__main__":
    main()
