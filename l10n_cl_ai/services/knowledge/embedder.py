"""Sentence embeddings with onnxruntime + ``tokenizers``: no torch, no sentence-transformers.

The sentence-transformers pipeline (transformer, mean pooling over the attention mask, L2
normalisation) run from the ONNX export written by ``export_onnx.py`` (``export_e5.py`` for
multilingual-e5-small, whose token vectors are read from a shared read-only memory map and fed as
``inputs_embeds``, and whose texts get a "query: " / "passage: " prefix from the caller: see
``query_prefix``). Workers run the int8 transformer (``precision="int8"``, the default): measured here
on the labelled questions, cosine >= 0.98 to float32 and the same retrieval figures, a question embedded
in ~4 ms (MiniLM, 6 layers) or ~6 ms (E5, 12 layers) instead of ~11 / ~19 ms on one thread.
``precision="fp32"`` runs the float32 transformer. ~0.1 s to load.

Loading is lazy (the first ``embed``), so a worker that never searches pays nothing. onnxruntime
runs with ONE intra-op thread and no spinning: Odoo runs several workers per core, and two busy-
waiting thread pools (onnxruntime's and faiss's) on 2 cores tripled the latency in measurements.
"""

import logging
import os
import subprocess
import sys
import threading

from ..claude.errors import ConfigurationError
from . import model_files
from .e5_weights import dequantize
from .unigram import UnigramTokenizer

_logger = logging.getLogger(__name__)

BATCH_SIZE = 16  # texts per float32 onnxruntime run when embedding many (bounds activation memory)
EXPORT_TIMEOUT_S = 900


def session_options(threads=1):
    """The onnxruntime options an embedder runs with: ``threads`` intra-op threads that never spin, no
    memory arena (it would keep the peak of the largest batch forever), warnings and errors only."""
    import onnxruntime  # noqa: PLC0415 - heavy, only in processes that embed

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, int(threads))
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class OnnxEmbedder:
    """``embed(texts) -> float32 array (n, dimensions)`` of L2-normalised sentence embeddings.

    ``model_dir``: an export made by ``export_onnx.py`` (default: ``model_files.default_model_dir()``).
    When it is missing and ``auto_export`` is true, the export runs in a separate Python process
    (``sys.executable export_onnx.py --if-missing``), never inside this one.
    ``calls`` / ``texts_embedded`` count the work done by the model (tests and benchmarks read them).
    Thread-safe: the session is created once under a lock; onnxruntime's ``run`` is thread-safe.
    """

    def __init__(self, model_dir=None, threads=1, auto_export=True, model_name=model_files.DEFAULT_MODEL,
                 precision=model_files.DEFAULT_PRECISION):
        if precision not in model_files.PRECISIONS:
            raise ValueError(f"precision must be one of {model_files.PRECISIONS}, not {precision!r}")
        self.model_dir = os.path.abspath(model_dir or model_files.default_model_dir(model_name))
        self.model_name = model_name
        self.precision = precision
        self.threads = max(1, int(threads))
        self.auto_export = auto_export
        self.calls = 0
        self.texts_embedded = 0
        self._lock = threading.Lock()
        self._manifest = None
        self._session = None
        self._encode = None

    # -- model metadata (cheap: reads the manifest only) -------------------------------------------

    @property
    def manifest(self):
        if self._manifest is None:
            manifest = model_files.read_manifest(self.model_dir)
            if manifest is None:
                self._export()
                manifest = model_files.read_manifest(self.model_dir)
            if manifest is None:
                raise ConfigurationError(f"No exported embedding model in {self.model_dir}.")
            self._manifest = manifest
        return self._manifest

    @property
    def model_id(self):
        """Identifies what produced a vector (embedding cache keys and index manifests use it)."""
        manifest = self.manifest
        return (f"{manifest['model_id']}|onnx-{self.precision}|{manifest['pooling']}"
                f"|{'norm' if manifest['normalize'] else 'raw'}|{manifest['max_seq_length']}")

    @property
    def dimensions(self):
        return int(self.manifest["dimensions"])

    @property
    def query_prefix(self):
        """What a question is prefixed with before ``embed`` ("query: " for E5, "" for MiniLM)."""
        return self.manifest.get("query_prefix", "")

    @property
    def passage_prefix(self):
        """What a passage (knowledge chunk, plugin description) is prefixed with before ``embed``."""
        return self.manifest.get("passage_prefix", "")

    @property
    def loaded(self):
        return self._session is not None

    # -- loading ----------------------------------------------------------------------------------

    def _export(self):
        if not self.auto_export:
            raise ConfigurationError(f"The embedding model is not exported in {self.model_dir}; run "
                                     f"export_onnx.py --if-missing --out {self.model_dir}.")
        script = model_files.EXPORT_SCRIPT
        command = [sys.executable, script, "--if-missing", "--model", self.model_name,
                   "--out", self.model_dir]
        env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        _logger.warning("embedding model missing in %s: exporting it in a separate process", self.model_dir)
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True,
                                    timeout=EXPORT_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ConfigurationError(f"Exporting the embedding model failed: {error}") from error
        if result.returncode != 0:
            tail = (result.stderr or result.stdout or "").strip()[-2000:]
            raise ConfigurationError(
                f"Exporting the embedding model failed (exit {result.returncode}): {tail}")

    def load(self):
        """Create the onnxruntime session and the tokenizer now (otherwise done by the first ``embed``)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import numpy as np  # noqa: PLC0415
            import onnxruntime  # noqa: PLC0415 - heavy, only in processes that embed
            from tokenizers import Tokenizer  # noqa: PLC0415

            manifest = self.manifest
            tokenizer_path = os.path.join(self.model_dir, manifest["tokenizer"])
            if manifest.get("tokenizer_kind") == "unigram":  # multilingual-e5-small: see unigram.py
                encode = UnigramTokenizer(tokenizer_path).encode
            else:
                tokenizer = Tokenizer.from_file(tokenizer_path)
                tokenizer.enable_truncation(max_length=int(manifest["max_seq_length"]))
                tokenizer.no_padding()

                def encode(text):
                    return tokenizer.encode(text).ids
            options = session_options(self.threads)
            onnx_file = manifest["onnx_int8"] if self.precision == "int8" else manifest["onnx"]
            session = onnxruntime.InferenceSession(os.path.join(self.model_dir, onnx_file),
                                                   options, providers=["CPUExecutionProvider"])
            self._input_names = {item.name for item in session.get_inputs()}
            self._word_embeddings = self._word_scales = None
            if manifest.get("word_embeddings"):  # token vectors fed as inputs_embeds: shared, read-only maps
                self._word_embeddings = np.load(os.path.join(self.model_dir, manifest["word_embeddings"]),
                                                mmap_mode="r")
                self._word_scales = np.load(os.path.join(self.model_dir, manifest["word_scales"]),
                                            mmap_mode="r")
            self._encode = encode  # text -> token ids, specials included, truncated
            self._session = session

    # -- embedding --------------------------------------------------------------------------------

    def embed(self, texts):
        """L2-normalised embeddings of ``texts`` (a list of str) as a float32 array of shape (n, dims)."""
        import numpy as np  # noqa: PLC0415

        texts = list(texts)
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return result
        self.load()
        self.calls += 1
        self.texts_embedded += len(texts)
        # encode one by one: encode_batch would start the rayon thread pool in every worker
        token_ids = [self._encode(text or "") for text in texts]
        order = sorted(range(len(texts)), key=lambda index: len(token_ids[index]))  # less padding
        # int8 quantizes activations with one range per run: batched, a text's vector would depend on
        # the texts beside it, so each text runs alone (its vector is then the same as a query's)
        batch_size = 1 if self.precision == "int8" else BATCH_SIZE
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            result[rows] = self._run([token_ids[row] for row in rows])
        return result

    def _run(self, token_ids):
        import numpy as np  # noqa: PLC0415

        width = max(len(ids) for ids in token_ids)
        input_ids = np.zeros((len(token_ids), width), dtype=np.int64)
        attention_mask = np.zeros((len(token_ids), width), dtype=np.int64)
        token_type_ids = np.zeros((len(token_ids), width), dtype=np.int64)  # one segment: all 0
        for row, ids in enumerate(token_ids):
            input_ids[row, :len(ids)] = ids
            attention_mask[row, :len(ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        if self._word_embeddings is not None:
            flat = input_ids.reshape(-1)
            embeds = dequantize(self._word_embeddings[flat], self._word_scales[flat])
            feeds["inputs_embeds"] = embeds.reshape(*input_ids.shape, -1)
        feeds = {name: value for name, value in feeds.items() if name in self._input_names}
        hidden = self._session.run(None, feeds)[0]
        mask = attention_mask[:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        if self.manifest["normalize"]:
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32, copy=False)

    def __repr__(self):
        return (f"OnnxEmbedder({self.model_dir!r}, threads={self.threads}, precision={self.precision!r}, "
                f"loaded={self.loaded})")
