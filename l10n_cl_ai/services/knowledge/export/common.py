"""What both exports (``export_onnx.py`` for sentence-transformers models, ``export_e5.py`` for
multilingual-e5-small) share: the staging directory an export is built in, int8 quantization,
verification against a reference, file hashes, the manifest. Export processes only: nothing here runs
in an Odoo worker."""

import contextlib
import json
import logging
import os
import shutil
import tempfile

if __package__:
    from .. import model_files
else:  # imported by an export script run as a file: ``services.knowledge`` is importable
    from services.knowledge import model_files

# Sentences every export is verified on against its reference (both exports use them).
VERIFY_SENTENCES = [
    "¿Cuál es la tasa del IVA en Chile?",
    "La factura electrónica afecta lleva el código 33 y la exenta el 34.",
    "El RUT 66.666.666-6 se usa para receptores extranjeros sin RUT chileno.",
    "¿Cuántos días tengo para reclamar una factura en el Registro de Compras y Ventas?",
    "nota de crédito que anula un documento, código de referencia 1",
    "Seguro de cesantía, AFP y salud: descuentos legales de la remuneración.",
    "hola",
    "CAF",
    # Longer than the model's 256-token window: checks truncation matches sentence-transformers.
    " ".join(["El contribuyente debe timbrar cada documento tributario electrónico con el folio"
              " autorizado por el Servicio de Impuestos Internos."] * 20),
]

MIN_COSINE = 0.9999
# int8 against float32, each text run alone, on the 187 labelled questions: all-MiniLM-L6-v2 min 0.986
# (0.977 on "hola"), mean 0.992; multilingual-e5-small min 0.994, mean 0.997. Retrieval is unchanged
# within one question (test_knowledge_quality.py).
MIN_COSINE_INT8 = 0.97


@contextlib.contextmanager
def staging(out_dir):
    """A new temporary sibling directory of ``out_dir`` to build an export in. When the block ends without
    error it replaces ``out_dir``, made readable (Odoo workers may run as another user than the set-up),
    so a reader never sees a half-written export; otherwise it is deleted."""
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    work_dir = tempfile.mkdtemp(prefix=f".{os.path.basename(out_dir)}.", dir=parent)
    try:
        yield work_dir
        make_readable(work_dir)
        if os.path.exists(out_dir):
            shutil.rmtree(out_dir)
        os.rename(work_dir, out_dir)
    finally:
        if os.path.isdir(work_dir):
            shutil.rmtree(work_dir, ignore_errors=True)


def file_hashes(directory, names):
    """``{name: sha256}`` of the files ``names`` in ``directory`` (the manifest's ``files``)."""
    return {name: model_files.file_sha256(os.path.join(directory, name)) for name in names}


def write_manifest(directory, manifest):
    write_json(os.path.join(directory, model_files.MANIFEST_NAME), manifest)


def quantize_int8(onnx_path, int8_path):
    """int8 weights per output channel, activations quantized at run time (no calibration data needed).
    Per-tensor scales lost up to 0.085 of cosine on short questions; per channel loses under 0.02."""
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415 - export process only

    logging.disable(logging.WARNING)  # it logs one line per tensor, and advice about pre-processing
    try:
        quantize_dynamic(onnx_path, int8_path, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)


def onnx_embeddings(model_dir, sentences, precision):
    if __package__:
        from ..embedder import OnnxEmbedder  # noqa: PLC0415 - only to verify an export
    else:
        from services.knowledge.embedder import OnnxEmbedder  # noqa: PLC0415 - run as a script

    embedder = OnnxEmbedder(model_dir, threads=1, auto_export=False, precision=precision)
    return embedder.embed(sentences)


def verified_cosine(reference, exported, minimum, precision):
    """The smallest cosine between the reference and the exported embeddings; raises below ``minimum``."""
    import numpy as np  # noqa: PLC0415

    cosines = np.sum(reference * exported, axis=1) / (
        np.linalg.norm(reference, axis=1) * np.linalg.norm(exported, axis=1))
    cosine_min = float(cosines.min())
    if cosine_min < minimum:
        raise RuntimeError(f"ONNX export ({precision}) disagrees with sentence-transformers: cosine "
                           f"{cosine_min:.6f} < {minimum}")
    return cosine_min


def make_readable(directory):
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(directory, 0o755 & ~umask)
    for name in os.listdir(directory):
        os.chmod(os.path.join(directory, name), 0o644 & ~umask)


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
