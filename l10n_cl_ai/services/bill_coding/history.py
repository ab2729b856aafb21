"""One company's posted vendor-bill lines and the FAISS index of their descriptions.

``CompanyHistory.build(company_id, lines, embedder)`` keeps only what it was given for that company: a
line, a feedback record or a query of another company raises ``CompanyMismatch``, and there is no API that
searches more than one history. So a suggestion can only come from its own company's books: the Odoo
layer builds one history per company (``build_per_company``) and asks the one of the draft line's company.

Vectors: the normalised description (``text.normalize``) embedded once per distinct text (recurring
monthly lines share a vector), L2-normalised, in an exact ``IndexFlatIP`` (inner product = cosine) up to
``EXACT_MAX_LINES`` lines. Measured by ``bench/bill_coding.py`` (2 shared cores, E5-small int8): 50,000
lines (19,920 distinct descriptions) indexed in ~50 s, all but 71 ms of it embedding (HNSW would add
4.7 s of build for nothing); a suggestion then takes ~6 ms, its embedding included. Above the threshold
the knowledge base's HNSW is used.
"""

import collections
import copy

import numpy as np

from ..knowledge.index import DenseIndex
from .records import CompanyMismatch, Feedback, LineQuery, PostedLine, distribution_key
from .text import normalize
from .tokens import TokenModel, words

EXACT_MAX_LINES = 50_000
WORDS_HALF_LIFE_DAYS = 180  # how fast old lines fade from the analytic word counts


def embed_texts(embedder, texts):
    """Embed each distinct normalised text once; returns the (len(texts), d) float32 array."""
    prefix = getattr(embedder, "query_prefix", "")  # symmetric similarity: E5's "query: " on both sides
    distinct = list(dict.fromkeys(texts))
    vectors = embedder.embed([prefix + text for text in distinct]) if distinct else None
    if vectors is None:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    position = {text: row for row, text in enumerate(distinct)}
    return np.ascontiguousarray(vectors[[position[text] for text in texts]], dtype=np.float32)


class CompanyHistory:
    """The posted lines of ONE company, searchable by description.

    Build with ``build``; ``rows_of_vendor``, ``search`` and ``similarities`` are what ``suggest`` uses.
    ``feedback`` holds the accepted / rejected suggestions of this company, by vendor.
    """

    def __init__(self, company_id, lines, index, embedder, feedback=()):
        self.company_id = company_id
        self.lines = tuple(lines)
        self.index = index
        self.embedder = embedder
        self.account = np.array([line.account_id for line in self.lines], dtype=np.int64)
        self.vendor = np.array([line.vendor_id for line in self.lines], dtype=np.int64)
        self.distribution = [distribution_key(line.analytic_distribution) for line in self.lines]
        ordinal = [line.date.toordinal() if line.date else 0 for line in self.lines]
        self.day = np.array(ordinal, dtype=np.int64)
        rows = collections.defaultdict(list)
        for row, line in enumerate(self.lines):
            rows[line.vendor_id].append(row)
        self._vendor_rows = {vendor: np.array(found, dtype=np.int64) for vendor, found in rows.items()}
        self.words = TokenModel()
        latest = max(ordinal, default=0)
        for row, line in enumerate(self.lines):
            age = latest - ordinal[row] if ordinal[row] else 0
            self.words.add(
                words(line.description, line.vendor_id),
                self.distribution[row],
                0.5 ** (age / WORDS_HALF_LIFE_DAYS),
            )
        self.feedback = {}
        for item in feedback:
            self.add_feedback(item)

    @classmethod
    def build(cls, company_id, lines, embedder, feedback=(), exact_max=EXACT_MAX_LINES):
        """Index ``lines`` (``PostedLine``, all of ``company_id``) with ``embedder`` (``OnnxEmbedder``)."""
        lines = tuple(lines)
        for line in lines:
            _check_company(company_id, line, PostedLine)
        vectors = embed_texts(embedder, [normalize(line.description) for line in lines])
        model_id = getattr(embedder, "model_id", "embedder")
        index = DenseIndex.build(
            vectors.reshape(len(lines), -1) if lines else np.zeros((0, embedder.dimensions), np.float32),
            model_id,
            exact_max=exact_max,
        )
        return cls(company_id, lines, index, embedder, feedback)

    @property
    def size(self):
        return len(self.lines)

    def add_feedback(self, item):
        """Record one ``Feedback`` of this company (``suggest`` weighs it per vendor and account)."""
        _check_company(self.company_id, item, Feedback)
        self.feedback.setdefault(item.vendor_id, []).append(item)

    def with_feedback(self, feedback):
        """A copy sharing this history's lines and index, whose feedback is ``feedback`` alone (the
        answers recorded since the history was built: the Odoo layer reads them per query)."""
        view = copy.copy(self)
        view.feedback = {}
        for item in feedback:
            view.add_feedback(item)
        return view

    def check_query(self, query):
        _check_company(self.company_id, query, LineQuery)

    def embed_query(self, description):
        return embed_texts(self.embedder, [normalize(description)])[0]

    def rows_of_vendor(self, vendor_id):
        return self._vendor_rows.get(vendor_id, np.zeros(0, dtype=np.int64))

    def search(self, vector, k):
        """The ``k`` most similar lines of this company: ``(similarities, rows)``, best first."""
        return self.index.search(vector, k)

    def similarities(self, vector, rows):
        return self.index.similarities(vector, rows)


def _check_company(company_id, item, kind):
    if not isinstance(item, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(item).__name__}")
    if item.company_id != company_id:
        raise CompanyMismatch(
            f"{kind.__name__} of company {item.company_id} given to the history of company {company_id}"
        )


def build_per_company(lines, embedder, feedback=()):
    """``{company_id: CompanyHistory}``: each company's lines (and feedback) in its own history."""
    by_company = collections.defaultdict(list)
    for line in lines:
        by_company[line.company_id].append(line)
    answers = collections.defaultdict(list)
    for item in feedback:
        answers[item.company_id].append(item)
    return {
        company: CompanyHistory.build(company, found, embedder, answers.get(company, ()))
        for company, found in by_company.items()
    }
