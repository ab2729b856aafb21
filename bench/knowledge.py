"""Benchmark: the knowledge base (services.knowledge) on synthetic corpora of 1k, 10k and 100k chunks.

Corpora: Spanish-like sentences generated from accounting vocabulary (distinct texts, so BM25 and the
keyword loop work on real words); each chunk also answers 8 questions, as the shipped documents' chunks
do (8.2 each, their text about as long as the chunk's: here two-word fragments of other sentences), so
the question vectors are searched and loaded too. Dense vectors:
the first ``--real`` texts are really embedded with the ONNX model; the other rows (and the questions)
get vectors derived from two real ones (a random convex mix plus small noise, renormalised) because
embedding 100k texts on 2 cores takes ~15 minutes. Recall of the
approximate index is measured with real, held-out query embeddings.

Per corpus size, in this process (one thread everywhere):
- index build time (FAISS + BM25, embeddings excluded; the embedding rate is printed once),
- query embedding p50/p95 of the int8 transformer workers run vs the float32 one (the baseline);
- query latency p50/p95 of: the end-to-end hybrid search (query embedded, cache miss), the FAISS path
  alone, numpy brute force, and the keyword-count loop of the replaced service (the baseline),
- the end-to-end search with the query embedding served by Redis (cache hit) vs embedded (miss),
- disk (memory-mapped, shared) per 10k chunks, recall@10 of the approximate index vs exact search.

Then retrieval quality over the shipped corpus (``bench/knowledge_quality.py``): recall@1/@3 and chunk
recall@3 by method on the held-out half of ``tests_engine/data/knowledge_questions.json`` (and the tuning
half), each lever of the Spanish analyzer, plugin routing accuracy; then one worker
process alone, and 4 started together, load the persisted largest index and search: time to first
answer, private memory (anonymous, PSS) and virtual size added by the knowledge base.

    .venv/bin/python bench/knowledge.py [--sizes 1000,10000,100000] [--real 3000] [--workers 4]
"""

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai", "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests_engine"))

SUBJECTS = [
    "la factura electrónica", "la boleta de venta", "la nota de crédito", "la guía de despacho",
    "el contribuyente", "la empresa", "el trabajador", "el empleador", "la liquidación de sueldo",
    "el libro de compras", "el registro de ventas", "el formulario 29", "la declaración de renta",
    "el proveedor", "el cliente", "la bodega", "el inventario", "la orden de compra",
    "el pago provisional mensual", "la cotización previsional", "el seguro de cesantía",
    "la retención de impuesto", "el certificado digital", "el folio autorizado", "el timbre electrónico",
    "el acuse de recibo", "la exportación", "el servicio de impuestos internos", "la tesorería", "el banco",
    "el contador", "la sociedad anónima", "la pyme", "el arriendo del local", "la importación", "el flete",
    "la mercadería", "el activo fijo", "la depreciación", "el balance",
]
VERBS = [
    "debe registrar", "no puede emitir", "necesita corregir", "tiene que pagar", "puede rebajar", "informa",
    "rechaza", "acepta", "calcula", "descuenta", "envía", "anula", "reclama", "declara", "autoriza",
    "timbra", "consolida", "traslada", "valoriza", "contabiliza", "ajusta", "devuelve", "cobra", "factura",
    "retiene", "presenta", "revisa", "aprueba",
]
OBJECTS = [
    "el impuesto al valor agregado", "el monto exento", "el neto afecto", "los intereses y multas",
    "el crédito fiscal", "el débito fiscal", "la diferencia de cambio", "el descuento por volumen",
    "la referencia al documento original", "el código de actividad económica", "la dirección del receptor",
    "el giro comercial", "el detalle de productos", "la glosa del servicio", "el total en pesos",
    "el valor en dólares", "la unidad de fomento", "la unidad tributaria mensual", "el tope imponible",
    "la comisión de la AFP", "el plan de salud", "el sueldo base", "las horas extraordinarias",
    "la gratificación legal", "el anticipo", "el finiquito", "las vacaciones proporcionales",
    "el stock disponible", "el costo promedio", "el número de serie", "el lote de producción",
    "la fecha de vencimiento", "el rango de folios", "la firma del documento", "el estado del envío",
    "el plazo de ocho días", "la tasa de retención", "el margen bruto",
]
COMPLEMENTS = [
    "antes del día 20 de cada mes", "en el portal del SII", "dentro del plazo legal",
    "al cierre del ejercicio", "cuando el cliente es extranjero", "si la operación es exenta",
    "para una venta a consumidor final", "en la sucursal de Santiago", "en la casa matriz de Valparaíso",
    "según la resolución exenta vigente", "con el certificado vigente", "cuando el folio está vencido",
    "en la liquidación de marzo", "para el período tributario", "en moneda extranjera",
    "con tipo de traslado interno", "por una devolución de mercadería", "al recibir la mercadería",
    "antes de contabilizar", "después del reclamo", "en la declaración mensual", "al emitir el documento",
    "por un error en el monto", "cuando cambia el giro", "por instrucción del contador",
    "en el cierre de caja", "para la obra en Antofagasta", "en el despacho a Concepción",
    "según el contrato de trabajo", "con el visto bueno de gerencia",
]
EXTRAS = ["", "", "", " Revise el código {n}.", " El monto es de {m} pesos.", " Afecta a {k} documentos.",
          " Ocurrió en {mes}.", " El RUT informado termina en {d}.", " Consulte al área de finanzas.",
          " Quedó pendiente de aprobación."]
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]
CORPORA = ["dte", "account", "payroll", "stock", "general"]
CHUNKS_PER_DOCUMENT = 5
QUESTIONS_PER_CHUNK = 8  # the shipped documents: 8.2 questions per chunk, their text ~1.0x the chunk's
TOP_K = 3


def sentences(count, seed):
    """``count`` distinct Spanish-like sentences (deterministic for a seed)."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    seen, out = set(), []
    while len(out) < count:
        text = (f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                f"{rng.choice(COMPLEMENTS)}.")
        text += rng.choice(EXTRAS).format(n=rng.choice([33, 34, 39, 41, 46, 52, 56, 61, 110]),
                                          m=rng.randrange(1000, 9_999_999), k=rng.randrange(2, 90),
                                          mes=rng.choice(MONTHS), d=rng.choice("0123456789K"))
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def derived_vectors(real, count, seed):
    """``count`` unit vectors near the real ones: a*v_i + (1-a)*v_j + N(0, 0.01), renormalised."""
    import numpy as np  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    first, second = rng.integers(0, len(real), count), rng.integers(0, len(real), count)
    weight = rng.uniform(0.55, 0.95, (count, 1)).astype(np.float32)
    mixed = weight * real[first] + (1 - weight) * real[second]
    mixed += rng.normal(0, 0.01, mixed.shape).astype(np.float32)
    return (mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32)


def percentiles(samples_s):
    ordered = sorted(samples_s)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] * 1000
    return p50, p95


def timed(function, inputs):
    samples = []
    for item in inputs:
        started = time.perf_counter()
        function(item)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def memory():
    """Rss, Pss, Anonymous (MiB, from /proc/self/smaps_rollup) and VmSize (MiB)."""
    figures = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if parts[0] in ("Rss:", "Pss:", "Anonymous:"):
                figures[parts[0][:-1]] = int(parts[1]) / 1024
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                figures["VmSize"] = int(line.split()[1]) / 1024
    return figures


def directory_size(path):
    return sum(os.path.getsize(os.path.join(folder, name)) for folder, _dirs, names in os.walk(path)
               for name in names)


def keyword_count_search(chunk_words, query, top_k=TOP_K):
    """The replaced service: count the query's words in each chunk, keep the best counts."""
    words = [word for word in query.lower().split() if len(word) > 2]
    counts = [(sum(word in text for word in words), row) for row, text in enumerate(chunk_words)]
    counts.sort(reverse=True)
    return counts[:top_k]


def make_chunks(texts, vectors, questions=None, question_vectors=None):
    """Chunk dicts; with ``questions``, each chunk answers QUESTIONS_PER_CHUNK of them (their vectors
    given, as for the chunk text)."""
    per = QUESTIONS_PER_CHUNK
    chunks = [{"chunk_id": row, "document_id": row // CHUNKS_PER_DOCUMENT + 1,
               "slug": f"doc-{row // CHUNKS_PER_DOCUMENT + 1}",
               "title": f"Documento {row // CHUNKS_PER_DOCUMENT + 1}",
               "corpus": CORPORA[(row // CHUNKS_PER_DOCUMENT) % len(CORPORA)],
               "company_id": None if row % 3 else (row // CHUNKS_PER_DOCUMENT) % 4 + 1,
               "text": text, "embedding": vectors[row]} for row, text in enumerate(texts)]
    if questions is not None:
        for row, chunk in enumerate(chunks):
            chunk["questions"] = "\n".join(questions[row * per:(row + 1) * per])
            chunk["question_embeddings"] = question_vectors[row * per:(row + 1) * per]
    return chunks


# -- one corpus size ------------------------------------------------------------------------------


def bench_size(size, real_vectors, real_count, query_texts, query_vectors, model, redis_url, work_dir):
    import numpy as np  # noqa: PLC0415

    from services.knowledge.embedding_cache import CachedEmbedder  # noqa: PLC0415
    from services.knowledge.index import DenseIndex  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    texts = sentences(size, seed=1)
    if size <= real_count:
        vectors = real_vectors[:size]
    else:
        vectors = np.vstack([real_vectors, derived_vectors(real_vectors, size - real_count, seed=size)])
    questions = [" ".join(text.split()[2:4]) for text in sentences(size * QUESTIONS_PER_CHUNK, seed=7)]
    question_vectors = derived_vectors(real_vectors, len(questions), seed=size + 1)
    chunks = make_chunks(texts, vectors, questions, question_vectors)
    started = time.perf_counter()
    knowledge = KnowledgeIndex.build(chunks, CachedEmbedder(model, None, local_size=0))
    build_s = time.perf_counter() - started
    path = knowledge.save(os.path.join(work_dir, f"kb-{size}"))
    disk = {name: directory_size(os.path.join(path, name)) if os.path.isdir(os.path.join(path, name))
            else os.path.getsize(os.path.join(path, name)) for name in os.listdir(path)}
    del knowledge, chunks
    loaded = KnowledgeIndex.load(path, CachedEmbedder(model, None, local_size=0))
    miss = timed(lambda query: loaded.search(query, top_k=TOP_K), query_texts)
    from knowledge_eval import load_questions  # noqa: PLC0415

    questions = [row["question"] for row in load_questions()]  # what accountants type (shorter)
    miss_questions = timed(lambda query: loaded.search(query, top_k=TOP_K), questions)

    dense = loaded.dense
    faiss_path = timed(lambda vector: dense.search(vector, TOP_K * 16), query_vectors)
    matrix = np.array(dense.vectors())  # a private copy, as a numpy service would hold it

    def brute(vector):
        scores = matrix @ vector
        top = np.argpartition(-scores, TOP_K * 16)[:TOP_K * 16]
        return top[np.argsort(-scores[top])]

    numpy_path = timed(brute, query_vectors)
    chunk_words = [text.lower() for text in texts]
    loop_queries = query_texts[: max(10, min(len(query_texts), 2_000_000 // size))]
    keyword_loop = timed(lambda query: keyword_count_search(chunk_words, query), loop_queries)

    hit = hit_unasked = embed_hit = embed_miss = None
    if redis_url:
        from services.redis_state.connection import build_redis  # noqa: PLC0415

        client = build_redis(redis_url, socket_timeout=2.0)
        cached = CachedEmbedder(model, client, local_size=0)
        loaded.embedder = cached
        cached.embed([model.query_prefix + loaded.dense_query(query) for query in query_texts])  # warm Redis
        hit = timed(lambda query: loaded.search(query, top_k=TOP_K), query_texts)
        loaded.question_share, share = 0.0, loaded.question_share  # baseline: chunk vectors only
        hit_unasked = timed(lambda query: loaded.search(query, top_k=TOP_K), query_texts)
        loaded.question_share = share
        searched = [model.query_prefix + loaded.dense_query(query) for query in query_texts]
        embed_hit = timed(lambda text: cached.embed([text]), searched)
        embed_miss = timed(lambda text: model.embed([text]), searched)
        client.close()

    recall = None
    if dense.kind != "flat":
        exact = DenseIndex.build(np.asarray(dense.vectors()), dense.model_id, kind="flat")
        found = []
        for vector in query_vectors:
            approximate_rows = set(dense.search(vector, 10)[1].tolist())
            exact_rows = exact.search(vector, 10)[1].tolist()
            found.append(len(approximate_rows & set(exact_rows)) / len(exact_rows))
        recall = sum(found) / len(found)
    return {
        "size": size, "kind": dense.kind, "build_s": build_s, "disk": disk, "path": path,
        "e2e_miss": miss, "e2e_hit": hit, "e2e_hit_unasked": hit_unasked, "e2e_questions": miss_questions,
        "embed_hit": embed_hit, "embed_miss": embed_miss, "faiss": faiss_path, "numpy": numpy_path,
        "labelled": (len(questions), statistics.median(map(len, questions)),
                     statistics.median(map(len, query_texts))),
        "keyword_loop": keyword_loop, "recall_at_10": recall,
    }


# -- worker processes -----------------------------------------------------------------------------


def worker(path, queries, barrier, results):
    """One Odoo-like worker: nothing loaded until its first search, then searches with the others."""
    baseline = memory()
    barrier.wait()
    started = time.perf_counter()
    from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415
    from services.knowledge.embedding_cache import CachedEmbedder  # noqa: PLC0415
    from services.knowledge.search import KnowledgeIndex  # noqa: PLC0415

    knowledge = KnowledgeIndex.load(path, CachedEmbedder(OnnxEmbedder(threads=1), None, local_size=0))
    loaded_s = time.perf_counter() - started
    knowledge.search(queries[0], top_k=TOP_K)
    first_answer_s = time.perf_counter() - started
    samples = []
    for query in queries[1:]:
        began = time.perf_counter()
        knowledge.search(query, top_k=TOP_K)
        samples.append(time.perf_counter() - began)
    barrier.wait()  # every worker alive and done: shared pages are split between all of them
    final = memory()
    barrier.wait()
    results.put({"pid": os.getpid(), "loaded_s": loaded_s, "first_answer_s": first_answer_s,
                 "latency": percentiles(samples), "anon_added": final["Anonymous"] - baseline["Anonymous"],
                 "pss_added": final["Pss"] - baseline["Pss"], "pss": final["Pss"],
                 "vms_added": final["VmSize"] - baseline["VmSize"], "torch": "torch" in sys.modules})


def bench_workers(path, queries, count):
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like freshly forked workers
    barrier, results = context.Barrier(count), context.Queue()
    processes = [context.Process(target=worker, args=(path, queries, barrier, results)) for _ in range(count)]
    for process in processes:
        process.start()
    reports = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return reports


# -- main -----------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="corpus sizes in chunks (comma-separated)")
    parser.add_argument("--real", type=int, default=3000, help="texts really embedded (the rest is derived)")
    parser.add_argument("--queries", type=int, default=200, help="queries per latency figure")
    parser.add_argument("--workers", type=int, default=4, help="worker processes searching at once")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from fakes.redis_server import RedisServer  # noqa: PLC0415
    from services.knowledge import model_files  # noqa: PLC0415
    from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415

    model = OnnxEmbedder(threads=1)
    started = time.perf_counter()
    model.load()
    print(f"ONNX model {model.model_id}: loaded in {time.perf_counter() - started:.2f} s")
    bulk = OnnxEmbedder(threads=2)
    real_count = min(args.real, max(sizes))
    started = time.perf_counter()
    real_vectors = bulk.embed(sentences(real_count, seed=1))
    rate = real_count / (time.perf_counter() - started)
    query_texts = sentences(args.queries, seed=99)
    query_vectors = bulk.embed(query_texts)
    print(f"embedded {real_count} real texts at {rate:.0f} texts/s (2 threads); the rest of each corpus "
          f"is derived from them; {len(query_texts)} held-out real queries")
    del bulk
    fp32 = OnnxEmbedder(threads=1, precision="fp32")
    baseline = timed(lambda query: fp32.embed([query]), query_texts)
    shipped = timed(lambda query: model.embed([query]), query_texts)
    print(f"query embedding, ms p50/p95 (1 thread): int8 (workers) {shipped[0]:.2f}/{shipped[1]:.2f} vs "
          f"float32 {baseline[0]:.2f}/{baseline[1]:.2f}: x{baseline[0] / shipped[0]:.2f} faster")

    work_dir = tempfile.mkdtemp(prefix="l10n_cl_ai_bench_kb_")
    redis = RedisServer()
    try:
        redis.start()
        redis_url = redis.url
    except (OSError, TimeoutError):
        redis_url = None
    try:
        rows = [bench_size(size, real_vectors, real_count, query_texts, query_vectors, model, redis_url,
                           work_dir) for size in sizes]
        print_sizes(rows)
        from knowledge_quality import quality  # noqa: PLC0415

        recalls = quality(model, OnnxEmbedder(threads=1, model_name=model_files.MINILM_MODEL))
        largest = rows[-1]
        print_workers(largest, bench_workers(largest["path"], query_texts[:60], 1))
        reports = bench_workers(largest["path"], query_texts[:60], args.workers)
        print_workers(largest, reports)
        print_targets(rows, recalls, reports)
    finally:
        if redis_url:
            redis.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


def print_sizes(rows):
    print("\nlatency per query, ms p50/p95 (1 thread); ratio = keyword-count loop p50 / this p50")
    header = (f"{'chunks':>7} {'index':>5} {'build s':>7} | {'search (miss)':>13} {'search (hit)':>12} | "
              f"{'FAISS':>11} {'numpy':>11} {'keyword loop':>13} | {'loop/search':>11} {'loop/FAISS':>10}")
    print(header)
    for row in rows:
        hit = f"{row['e2e_hit'][0]:.2f}/{row['e2e_hit'][1]:.2f}" if row["e2e_hit"] else "n/a"
        loop = row["keyword_loop"][0]
        print(f"{row['size']:>7} {row['kind']:>5} {row['build_s']:>7.2f} | "
              f"{row['e2e_miss'][0]:>6.2f}/{row['e2e_miss'][1]:<6.2f} {hit:>12} | "
              f"{row['faiss'][0]:>5.2f}/{row['faiss'][1]:<5.2f} "
              f"{row['numpy'][0]:>5.2f}/{row['numpy'][1]:<5.2f} "
              f"{loop:>6.1f}/{row['keyword_loop'][1]:<6.1f} | {loop / row['e2e_miss'][0]:>10.1f}x "
              f"{loop / row['faiss'][0]:>9.0f}x")
    for row in rows:
        questions = row["e2e_questions"]
        count, chars, sentence_chars = row["labelled"]
        print(f"  {row['size']:>6}: search (miss) on the {count} labelled questions (median {chars:.0f} "
              f"characters, the sentences above {sentence_chars:.0f}): "
              f"{questions[0]:.2f}/{questions[1]:.2f} ms")
        if row["e2e_hit_unasked"]:
            unasked, asked = row["e2e_hit_unasked"][0], row["e2e_hit"][0]
            print(f"  {row['size']:>6}: search (hit) with the {QUESTIONS_PER_CHUNK} question vectors per "
                  f"chunk {asked:.2f} ms vs without them {unasked:.2f} ms: x{asked / unasked:.2f}")
    print("\nquery embedding alone, ms p50/p95: cache hit (Redis) vs miss (model); memory per 10k chunks")
    for row in rows:
        per_10k = 10_000 / row["size"] / 2**20
        disk = ", ".join(f"{name} {size * per_10k:.1f}" for name, size in sorted(row["disk"].items())
                         if size * per_10k >= 0.05)
        embed = (f"hit {row['embed_hit'][0]:.3f}/{row['embed_hit'][1]:.3f} miss "
                 f"{row['embed_miss'][0]:.2f}/{row['embed_miss'][1]:.2f}") if row["embed_hit"] else "no Redis"
        recall = ""
        if row["recall_at_10"] is not None:
            recall = f", HNSW recall@10 vs exact {row['recall_at_10']:.3f}"
        print(f"{row['size']:>7}: {embed}; saved index, memory-mapped and shared, MiB per 10k chunks: "
              f"{disk}{recall}")


def print_workers(largest, reports):
    print(f"\n{len(reports)} worker process(es) loading the saved {largest['size']}-chunk index "
          f"({largest['kind']}) and searching at once on {os.cpu_count()} cores (query embedded each "
          "time):")
    for report in sorted(reports, key=lambda item: item["pid"]):
        print(f"  pid {report['pid']}: loaded {report['loaded_s']:.2f} s, first answer "
              f"{report['first_answer_s']:.2f} s, search p50/p95 {report['latency'][0]:.1f}/"
              f"{report['latency'][1]:.1f} ms, anon +{report['anon_added']:.0f} MiB, "
              f"PSS +{report['pss_added']:.0f} MiB, VMS +{report['vms_added']:.0f} MiB, "
              f"torch imported: {report['torch']}")
    if len(reports) > 1:
        summed = sum(report["pss"] for report in reports)
        print(f"  summed PSS of the {len(reports)} workers: {summed:.0f} MiB")


def print_targets(rows, recalls, reports):
    by_size = {row["size"]: row for row in rows}
    checks = []
    if 10_000 in by_size:
        checks.append(("search p50 <= 12 ms at 10k", by_size[10_000]["e2e_miss"][0] <= 12))
    if 100_000 in by_size:
        row = by_size[100_000]
        checks.append(("search p50 <= 15 ms at 100k", row["e2e_miss"][0] <= 15))
        checks.append(("approximate recall >= 0.95 of exact at 100k", (row["recall_at_10"] or 0) >= 0.95))
    hits = [row["embed_hit"][0] for row in rows if row["embed_hit"]]
    if hits:
        checks.append(("repeated query embedding <= 1 ms via the cache", max(hits) <= 1))
    shipped = recalls["shipped mix"]
    checks.append(("recall@3 >= 0.95 on the held-out half", shipped["at3"] >= 0.95))
    checks.append(("recall@1 >= 0.80 on the held-out half", shipped["at1"] >= 0.80))
    checks.append(("chunk recall@3 >= 0.90 on the held-out half", shipped["chunk_at3"] >= 0.90))
    checks.append((f"worker ready (first answer) <= 1 s with {len(reports)} starting at once",
                   max(r["first_answer_s"] for r in reports) <= 1))
    checks.append(("private memory (anon) <= 160 MiB per worker",
                   max(r["anon_added"] for r in reports) <= 160))
    checks.append(("added virtual size <= 800 MiB per worker", max(r["vms_added"] for r in reports) <= 800))
    checks.append(("no torch in workers", not any(r["torch"] for r in reports)))
    print("\ntargets:")
    for label, passed in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {label}")


if __name__ == "__main__":
    main()
