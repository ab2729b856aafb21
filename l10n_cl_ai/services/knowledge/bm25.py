"""Keyword scoring (BM25, ``bm25s``) over the tokens of the Spanish analyzer (``analyzer.py``).

The dense model misses exact identifiers ("66.666.666-6", "código 61", "RCT", "F29") and Chilean
abbreviations ("NC", "GD", "PPM"); BM25 over analyzed tokens catches them. ``tokenize`` is the default
analyzer: accent and case folding, codes and RUTs kept whole, Spanish Snowball stemming, synonym groups
of Chilean tax language and Spanish stopwords.
"""

import json
import os

from .analyzer import LIGHT_STOPWORDS, Analyzer, default_analyzer, light_stem, strip_accents

STOPWORDS = LIGHT_STOPWORDS  # the first analyzer's list; ``analyzer.SPANISH_STOPWORDS`` is the current one

K1 = 1.2  # BM25 term-frequency saturation and length normalisation (Lucene's defaults)
B = 0.75

__all__ = ["STOPWORDS", "Analyzer", "KeywordIndex", "light_stem", "strip_accents", "tokenize"]


def tokenize(text):
    """Keyword tokens of ``text`` by the default analyzer (see ``analyzer.py``)."""
    return default_analyzer()(text)


class KeywordIndex:
    """BM25 scores of every chunk for a query; built with ``bm25s``, saved to / loaded from a directory.

    ``bm25s`` computes the BM25 weight of every (token, chunk) pair once, as a sparse matrix by token
    (``data``/``indices``/``indptr``); scoring a query sums the rows of its tokens. The matrix is
    saved as plain ``.npy`` files and memory-mapped on load, so the workers of one server share its
    pages, and a worker that only searches never imports ``bm25s`` (nor scipy).
    """

    def __init__(self, data, indices, indptr, vocabulary, size, analyzer=None):
        self.analyzer = analyzer or default_analyzer()
        self._data = data
        self._indices = indices
        self._indptr = indptr
        self._vocabulary = vocabulary
        self.size = size

    @classmethod
    def build(cls, texts, analyzer=None, k1=K1, b=B):
        import bm25s  # noqa: PLC0415 - heavy (scipy), only where the index is built
        import numpy as np  # noqa: PLC0415

        analyzer = analyzer or default_analyzer()
        corpus = [analyzer(text) or [""] for text in texts]
        retriever = bm25s.BM25(method="lucene", k1=k1, b=b)
        retriever.index(corpus, show_progress=False)
        matrix = retriever.scores
        return cls(
            np.asarray(matrix["data"], dtype=np.float32),
            np.asarray(matrix["indices"], dtype=np.int32),
            np.asarray(matrix["indptr"], dtype=np.int64),
            dict(retriever.vocab_dict),
            len(corpus),
            analyzer,
        )

    def scores(self, query):
        """float32 array (size,): the BM25 score of each chunk (0 where no query token occurs)."""
        import numpy as np  # noqa: PLC0415

        scores = np.zeros(self.size, dtype=np.float32)
        for token in self.analyzer(query):
            column = self._vocabulary.get(token)
            if column is None:
                continue
            start, end = int(self._indptr[column]), int(self._indptr[column + 1])
            scores[self._indices[start:end]] += self._data[start:end]  # a chunk appears once per token
        return scores

    def save(self, directory):
        import numpy as np  # noqa: PLC0415

        os.makedirs(directory, exist_ok=True)
        np.save(os.path.join(directory, "data.npy"), self._data)
        np.save(os.path.join(directory, "indices.npy"), self._indices)
        np.save(os.path.join(directory, "indptr.npy"), self._indptr)
        with open(os.path.join(directory, "vocabulary.json"), "w", encoding="utf-8") as handle:
            json.dump(
                {"size": self.size, "analyzer": self.analyzer.id, "vocabulary": self._vocabulary},
                handle,
                ensure_ascii=False,
            )

    @classmethod
    def load(cls, directory, mmap=True, analyzer=None):
        """Open a saved index; ``ValueError`` when it was built by another analyzer than ``analyzer`` (its
        tokens would not be the query's): the caller rebuilds it."""
        import numpy as np  # noqa: PLC0415

        analyzer = analyzer or default_analyzer()
        mode = "r" if mmap else None
        with open(os.path.join(directory, "vocabulary.json"), encoding="utf-8") as handle:
            saved = json.load(handle)
        if saved.get("analyzer") != analyzer.id:
            raise ValueError(
                f"keyword index {directory} was built by analyzer {saved.get('analyzer')}, "
                f"the current one is {analyzer.id}"
            )
        return cls(
            np.load(os.path.join(directory, "data.npy"), mmap_mode=mode),
            np.load(os.path.join(directory, "indices.npy"), mmap_mode=mode),
            np.load(os.path.join(directory, "indptr.npy"), mmap_mode=mode),
            saved["vocabulary"],
            saved["size"],
            analyzer,
        )
