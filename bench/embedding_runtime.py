"""Benchmark: where a query embedding's time goes, and the runtime levers tried against it.

The query embedding is most of a search's end-to-end time (``bench/knowledge.py``). In this process,
one thread, on the searched texts of the labelled questions (``tests_engine/data/knowledge_questions.json``,
"query: " prefix and query expansion included), runs interleaved question by question so that a slower
minute of the machine weighs on every variant alike:

- the tokenizer: the Viterbi split of the whole text (the baseline) vs word by word (``unigram.py``),
  the first time its words are met (a fresh worker) and once they are known;
- the transformer run of the shipped int8 export at 8, 16, 24 and 32 tokens (its cost per token);
- the shipped int8 session (the baseline) vs: the same graph with two intra-op threads, with the memory
  arena, with denormals flushed to zero; the float32 export run through onnxruntime's transformer
  fusion (Attention, SkipLayerNormalization, BiasGelu) and then quantized like the shipped one; and
  the float32 export with 4-bit ``MatMulNBits`` weights (block 32, int8 compute), which needs the
  ``onnx_ir`` package (not a project dependency: the line says so when it is missing).

Prints p50 per question and the ratio to the baseline; the cosine of each variant to the float32 model.

    .venv/bin/python bench/embedding_runtime.py [--questions 347]
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.join(ROOT, "tests_engine"))


def session(path, threads=1, arena=False, denormal_as_zero=False):
    """A session with the options workers run (``embedder.session_options``), changed only where asked."""
    import onnxruntime  # noqa: PLC0415

    from services.knowledge.embedder import session_options  # noqa: PLC0415

    options = session_options(threads)
    options.enable_cpu_mem_arena = arena
    if denormal_as_zero:
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def fused_int8(source, work_dir):
    """The float32 export through onnxruntime's BERT fusions, then int8 like ``export_common``."""
    import onnx  # noqa: PLC0415
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415
    from onnxruntime.transformers import optimizer  # noqa: PLC0415

    fused = os.path.join(work_dir, "fused.onnx")
    optimizer.optimize_model(
        source, model_type="bert", num_heads=12, hidden_size=384, opt_level=0
    ).save_model_to_file(fused)
    target = os.path.join(work_dir, "fused_int8.onnx")
    quantize_dynamic(
        fused,
        target,
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    return target


def four_bit(source, work_dir):
    """The float32 export with 4-bit block-quantized MatMul weights (``MatMulNBits``), or None."""
    import onnx  # noqa: PLC0415

    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import (  # noqa: PLC0415
            DefaultWeightOnlyQuantConfig,
            MatMulNBitsQuantizer,
        )
    except ImportError as error:
        print(f"  4-bit MatMulNBits: skipped ({error})")
        return None
    config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, accuracy_level=4)
    quantizer = MatMulNBitsQuantizer(
        onnx.load(source), block_size=32, is_symmetric=True, accuracy_level=4, algo_config=config
    )
    quantizer.process()
    target = os.path.join(work_dir, "nbits.onnx")
    quantizer.model.save_model_to_file(target, use_external_data_format=False)
    return target


def p50_ms(samples):
    return statistics.median(samples) * 1000


def bench_tokenizer(tokenizer_path, texts):
    from services.knowledge.unigram import UnigramTokenizer  # noqa: PLC0415

    baseline, fresh = UnigramTokenizer(tokenizer_path), UnigramTokenizer(tokenizer_path)
    times = {"whole text (baseline)": [], "word by word, first time": [], "word by word, words known": []}
    for text in texts:
        for label, split in (
            ("whole text (baseline)", lambda t: baseline.split(baseline.normalize(t))),
            ("word by word, first time", fresh.pieces),
            ("word by word, words known", fresh.pieces),
        ):
            started = time.perf_counter()
            split(text)
            times[label].append(time.perf_counter() - started)
    print("tokenizer, ms p50 per question:")
    base = p50_ms(times["whole text (baseline)"])
    for label, samples in times.items():
        print(f"  {label:32s} {p50_ms(samples):7.3f}  x{base / p50_ms(samples):.1f} faster")


def bench_lengths(model, text):
    ids = model._encode(text)
    print("transformer run of the shipped int8 export, ms p50 by tokens (specials included):")
    for count in (8, 16, 24, 32):
        row = ids[: count - 1] + ids[-1:]
        samples = []
        for _ in range(60):
            started = time.perf_counter()
            model._run([row])
            samples.append(time.perf_counter() - started)
        print(f"  {len(row):3d} tokens  {p50_ms(samples[10:]):6.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--questions", type=int, default=347)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the quantizers log one line per tensor
    import numpy as np  # noqa: PLC0415

    from knowledge_eval import load_questions  # noqa: PLC0415
    from services.knowledge.analyzer import default_analyzer  # noqa: PLC0415
    from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415
    from services.knowledge.search import expanded_query  # noqa: PLC0415

    model = OnnxEmbedder(threads=1)
    model.load()
    analyzer = default_analyzer()
    # what KnowledgeIndex.search embeds (expand_query on, as shipped for E5)
    texts = [model.query_prefix + expanded_query(row["question"], analyzer) for row in load_questions()]
    texts = texts[: args.questions]
    manifest = model.manifest
    print(
        f"{model.model_id}: {len(texts)} searched questions, median "
        f"{statistics.median(len(model._encode(text)) for text in texts):.0f} tokens\n"
    )
    bench_tokenizer(os.path.join(model.model_dir, manifest["tokenizer"]), texts)
    bench_lengths(model, max(texts, key=len))

    shipped = os.path.join(model.model_dir, manifest["onnx_int8"])
    float32 = os.path.join(model.model_dir, manifest["onnx"])
    variants = {
        "shipped int8 (baseline)": session(shipped),
        "2 intra-op threads": session(shipped, threads=2),
        "memory arena": session(shipped, arena=True),
        "denormals as zero": session(shipped, denormal_as_zero=True),
    }
    with tempfile.TemporaryDirectory(prefix="l10n_cl_ai_bench_onnx_") as work_dir:
        variants["transformer fusion + int8"] = session(fused_int8(float32, work_dir))
        nbits = four_bit(float32, work_dir)
        if nbits:
            variants["4-bit MatMulNBits"] = session(nbits)
        token_ids = [model._encode(text) for text in texts]
        reference = OnnxEmbedder(threads=1, precision="fp32").embed(texts)
        times = {label: [] for label in variants}
        vectors = {label: [] for label in variants}
        for ids in token_ids:
            for label, variant in variants.items():
                model._session = variant
                model._input_names = {item.name for item in variant.get_inputs()}
                started = time.perf_counter()
                vector = model._run([ids])
                times[label].append(time.perf_counter() - started)
                vectors[label].append(vector[0])
    base = p50_ms(times["shipped int8 (baseline)"])
    print("\nquery embedding (transformer run, pooling, normalisation), ms p50; cosine to float32 (min):")
    for label, samples in times.items():
        cosine = float(np.min(np.sum(np.stack(vectors[label]) * reference, axis=1)))
        print(
            f"  {label:28s} {p50_ms(samples):6.2f}  x{p50_ms(samples) / base:.2f} of the baseline  "
            f"cosine {cosine:.4f}"
        )


if __name__ == "__main__":
    main()
