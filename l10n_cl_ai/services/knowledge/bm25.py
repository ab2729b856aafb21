"""Keyword scoring (BM25, ``bm25s``) with a tokenizer that understands Spanish tax vocabulary.

The dense model misses exact identifiers ("66.666.666-6", "código 61", "RCT", "F29"); BM25 catches
them. The tokenizer lowercases, strips accents, keeps codes and RUTs as single tokens (plus their
digits-only form, so "66.666.666-6" and "66666666-6" match), drops light Spanish stopwords and folds
gender and number with a light stemmer ("facturas" -> "factur", "retenciones" -> "retencion").
"""

import json
import os
import re
import unicodedata

TOKEN_PATTERN = re.compile(
    r"\d{1,3}(?:\.\d{3})+-[\dk]\b"  # RUT with dots: 66.666.666-6, 76.123.456-k
    r"|\d{7,8}-[\dk]\b"  # RUT without dots
    r"|\d+(?:[.,]\d+)*"  # numbers and codes: 33, 19, 1.000, 0,5
    r"|[a-z0-9ñ]+"  # words, letters+digits (f29, dte)
)

STOPWORDS = frozenset("""
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun cada como con contra cual cuales
cuando cuanto cuantos cuanta cuantas de del desde donde dos e el ella ellas ello ellos en entre era eran
es esa esas ese eso esos esta estan estas este esto estos estoy fue fueron ha han hasta hay la las le les
lo los mas me mi mis mismo muy nada ni no nos nosotros o os otra otras otro otros para pero poco por
porque puede pueden que quien quienes se sea sean ser si sido sin sobre son su sus tambien tan tanto te
tener tengo tiene tienen todo todos tu tus un una unas uno unos usted ustedes y ya yo debo debe deben
hace hacer hago cual esta favor
""".split())


def strip_accents(text):
    """``"Código Ñandú"`` -> ``"codigo ñandu"`` keeps ñ (a distinct letter in Spanish), drops other marks."""
    text = text.lower().replace("ñ", "\0")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("\0", "ñ")


def light_stem(word):
    """Savoy's light Spanish stemmer (Lucene's ``SpanishLightStemmer``): folds gender and number.

    ``factura``/``facturas`` -> ``factur``, ``retenciones``/``retención`` -> ``retencion``,
    ``meses`` -> ``mes``, ``luces`` -> ``luz``. Applied the same way to documents and queries.
    """
    if len(word) < 5 or not word.isalpha():
        return word
    last = word[-1]
    if last in "oae":
        return word[:-1]
    if last == "s":
        if word.endswith("eses"):
            return word[:-2]
        if word.endswith("ces"):
            return word[:-3] + "z"
        if word[-2] in "oae":
            return word[:-2]
    return word


def tokenize(text):
    """Keyword tokens of ``text`` (see module docstring)."""
    tokens = []
    for match in TOKEN_PATTERN.finditer(strip_accents(text or "")):
        token = match.group(0)
        if token[0].isdigit():
            tokens.append(token)
            compact = re.sub(r"[.,]", "", token)
            if compact != token:
                tokens.append(compact)
        elif token not in STOPWORDS and len(token) > 1:
            tokens.append(light_stem(token))
    return tokens


class KeywordIndex:
    """BM25 scores of every chunk for a query; built with ``bm25s``, saved to / loaded from a directory.

    ``bm25s`` computes the BM25 weight of every (token, chunk) pair once, as a sparse matrix by token
    (``data``/``indices``/``indptr``); scoring a query sums the rows of its tokens. The matrix is
    saved as plain ``.npy`` files and memory-mapped on load, so the workers of one server share its
    pages, and a worker that only searches never imports ``bm25s`` (nor scipy).
    """

    def __init__(self, data, indices, indptr, vocabulary, size):
        self._data = data
        self._indices = indices
        self._indptr = indptr
        self._vocabulary = vocabulary
        self.size = size

    @classmethod
    def build(cls, texts):
        import bm25s  # noqa: PLC0415 - heavy (scipy), only where the index is built
        import numpy as np  # noqa: PLC0415

        corpus = [tokenize(text) or [""] for text in texts]
        retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
        retriever.index(corpus, show_progress=False)
        matrix = retriever.scores
        return cls(np.asarray(matrix["data"], dtype=np.float32),
                   np.asarray(matrix["indices"], dtype=np.int32),
                   np.asarray(matrix["indptr"], dtype=np.int64), dict(retriever.vocab_dict), len(corpus))

    def scores(self, query):
        """float32 array (size,): the BM25 score of each chunk (0 where no query token occurs)."""
        import numpy as np  # noqa: PLC0415

        scores = np.zeros(self.size, dtype=np.float32)
        for token in tokenize(query):
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
            json.dump({"size": self.size, "vocabulary": self._vocabulary}, handle, ensure_ascii=False)

    @classmethod
    def load(cls, directory, mmap=True):
        import numpy as np  # noqa: PLC0415

        mode = "r" if mmap else None
        with open(os.path.join(directory, "vocabulary.json"), encoding="utf-8") as handle:
            saved = json.load(handle)
        return cls(np.load(os.path.join(directory, "data.npy"), mmap_mode=mode),
                   np.load(os.path.join(directory, "indices.npy"), mmap_mode=mode),
                   np.load(os.path.join(directory, "indptr.npy"), mmap_mode=mode),
                   saved["vocabulary"], saved["size"])
