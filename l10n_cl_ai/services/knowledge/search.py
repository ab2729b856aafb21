"""``KnowledgeIndex``: hybrid (dense + BM25) search over knowledge chunks, with filters, persisted.

The Odoo layer builds it from plain chunk dicts, saves it under a directory named by its content
hash, and every worker loads that directory (memory-mapped: the pages are shared) instead of
re-embedding::

    from services.knowledge.embedder import OnnxEmbedder
    from services.knowledge.embedding_cache import CachedEmbedder
    from services.knowledge.search import KnowledgeIndex

    embedder = CachedEmbedder(OnnxEmbedder(), redis_client)       # one per worker process
    kb = KnowledgeIndex.build(chunks, embedder)                     # chunks: see build()
    path = kb.save(root)                                            # root/<content_hash>/
    kb = KnowledgeIndex.load(path, embedder)                        # no embedding calls
    kb.search("¿...?", top_k=3, corpus="dte", allowed_company_ids={1})
    # -> [{"slug", "title", "score", "excerpt", "document_id", "chunk_id"}], best first

Scoring: each visible chunk gets ``cosine + KEYWORD_WEIGHT * bm25 / (bm25 + KEYWORD_SATURATION)`` (dense
similarity plus a bounded keyword bonus, so exact codes and RUTs are not lost), plus ``DOCUMENT_WEIGHT *
bm25 / (bm25 + DOCUMENT_SATURATION)`` of the query against its whole document (its words are often spread
over several chunks). The hits are passages: a document's best chunk, and a second one of the same
document only when it scores within ``second_passage_margin`` of the first (the answer is often in the
next chunk of the same section, which then takes the place of a weaker document). Keyword tokens come
from the Spanish analyzer (``analyzer.py``: Snowball stemming, Chilean synonym table, stopwords); the
dense query is expanded with the full form of the abbreviations it uses ("NC" -> "nota de crédito") and
both sides get the embedder's prefixes (E5: "query: " / "passage: "). A chunk is keyword-indexed with the
questions its sections answer, in users' words (``chunk_questions``; never returned), and each of those
questions is a vector of its own (``question_index``): a chunk's dense score mixes the cosine of its text
with the query's best question similarity. The chunk's own vector is its text alone (sibling chunks of
one section share their questions; embedded with the text, the questions made them look alike).
The weights depend on the model (``FUSION_WEIGHTS``). Measured on the 113 held-out questions of 347
labelled ones phrased without the documents' title words, over the shipped documents and 12 SII
publications (``tests_engine/data/knowledge_questions.json``, ``bench/knowledge_quality.py``), with
multilingual-e5-small: dense alone (chunk vectors) recall@3 0.76, this mix 0.96 (recall@1 0.88, answer-
bearing chunk among the three passages 0.91); all-MiniLM-L6-v2 (English): dense alone 0.42, the
mix 0.96 / 0.88 / 0.85. With the documents' situations (``chunk_questions``, issue 26; a chunk's questions
include those of its sections): E5 0.97 / 0.88 / 0.93, MiniLM 0.96 / 0.88 / 0.83.

Candidates are the dense top-N and the keyword top-N, widened until ``top_k`` passages are found or
every visible chunk was considered, so filters never return fewer than ``top_k`` hits while enough
visible documents exist.
"""

import hashlib
import json
import logging
import os
import shutil
import time

import numpy as np

from .analyzer import default_analyzer
from .bm25 import KeywordIndex
from .index import EXACT_MAX_VECTORS, DenseIndex
from .question_index import QuestionIndex

_logger = logging.getLogger(__name__)

FORMAT_VERSION = 6  # 2: Spanish analyzer, document BM25; 3: question vectors; 4: chunk vectors: text alone;
# 5: documents carry their "corpus" (was "plugin"); 6: a chunk's questions include its document's situations
CANDIDATES = 48  # chunks fetched from each of the dense and keyword rankings before widening
# Tuned per embedding model on the "tune" half of tests_engine/data/knowledge_questions.json
# (``bench/knowledge_quality.py --tune [--model NAME]``: highest recall@1 + recall@3 + chunk recall@3
# there, ties to the smaller keyword weight, then the smaller document weight); E5's cosines span a
# narrower range, so its keyword and document weights are smaller. ``expand_query``: the dense query
# gets the full form of the abbreviations it uses. ``question_share``: the dense score of a chunk with
# questions is ``(1 - share) * cosine + share * best question similarity``. ``passages_per_document`` and
# ``second_passage_margin``: see ``select_passages``. A model not listed gets the first one's.
FUSION_WEIGHTS = {
    "intfloat/multilingual-e5-small": {
        "keyword_weight": 0.3, "keyword_saturation": 5.0, "document_weight": 0.0,
        "document_saturation": 1.0, "expand_query": True, "question_share": 0.5,
        "passages_per_document": 2, "second_passage_margin": 0.05,
    },
    "sentence-transformers/all-MiniLM-L6-v2": {
        "keyword_weight": 2.0, "keyword_saturation": 2.0, "document_weight": 0.3,
        "document_saturation": 4.0, "expand_query": True, "question_share": 0.7,
        "passages_per_document": 2, "second_passage_margin": 0.05,
    },
}


def fusion_weights(model_id):
    """The fusion weights for an embedder's ``model_id`` ("<model name>|onnx-int8|...")."""
    name = str(model_id).split("|", 1)[0]
    return dict(FUSION_WEIGHTS.get(name) or next(iter(FUSION_WEIGHTS.values())))
RRF_K = 60
EXCERPT_CHARS = 700
FUSIONS = ("mix", "rrf")
SHARED_COMPANY = 0  # company_id None (shared by every company) is stored as 0

_MANIFEST = "manifest.json"
_DENSE = "dense.faiss"
_KEYWORDS = "bm25"
_DOCUMENT_KEYWORDS = "bm25_documents"
_DOCUMENTS = "documents.json"
_CHUNK_IDS = "chunk_ids.json"
_DOC_ROWS = "doc_rows.npy"
_OFFSETS = "text_offsets.npy"
_TEXTS = "texts.bin"
_QUESTIONS = "questions"


class KnowledgeIndex:
    """Chunks, their dense index and their keyword index; read-only once built (thread-safe search)."""

    def __init__(self, dense, keywords, documents, chunk_ids, doc_rows, offsets, texts, embedder,
                 content_hash, document_keywords=None, questions=None):
        self.dense = dense
        self.keywords = keywords
        self.document_keywords = document_keywords  # BM25 over whole documents (title, tags, every chunk)
        self.questions = questions  # QuestionIndex of the chunks' questions, or None
        self.documents = documents  # [{document_id, slug, title, corpus, company_id}]
        self.chunk_ids = chunk_ids
        self.doc_rows = doc_rows  # int32 (chunks,): row in self.documents of each chunk
        self.offsets = offsets  # int64 (chunks + 1,): chunk text i is texts[offsets[i]:offsets[i+1]]
        self.texts = texts  # utf-8 bytes (or a read-only memory map of them)
        self.embedder = embedder
        self.content_hash = content_hash
        self.fusion = "mix"  # or "rrf" (reciprocal-rank fusion, measured worse; kept for the benchmark)
        weights = fusion_weights(dense.model_id)
        self.keyword_weight = weights["keyword_weight"]
        self.keyword_saturation = weights["keyword_saturation"]
        self.document_weight = weights["document_weight"]
        self.document_saturation = weights["document_saturation"]
        self.expand_query = weights["expand_query"]  # the dense query gets the full form of "NC" etc.
        self.question_share = weights["question_share"]
        self.passages_per_document = weights["passages_per_document"]
        self.second_passage_margin = weights["second_passage_margin"]
        self._doc_ids = np.array([doc["document_id"] for doc in documents], dtype=np.int64)
        self._doc_companies = np.array([doc["company_id"] or SHARED_COMPANY for doc in documents],
                                       dtype=np.int64)
        self._doc_corpora = np.array([doc["corpus"] or "" for doc in documents], dtype=object)

    @property
    def size(self):
        return len(self.chunk_ids)

    @property
    def model_id(self):
        return self.dense.model_id

    @property
    def kind(self):
        return self.dense.kind

    def chunk_text(self, row):
        return bytes(self.texts[int(self.offsets[row]):int(self.offsets[row + 1])]).decode("utf-8")

    # -- building -------------------------------------------------------------------------------------

    @classmethod
    def build(cls, chunks, embedder, exact_max=EXACT_MAX_VECTORS, kind=None, analyzer=None):
        """Index ``chunks``: dicts with ``chunk_id``, ``document_id`` (int), ``slug``, ``title``,
        ``corpus``, ``company_id`` (int, or None = shared by every company) and ``text``; optionally
        ``keywords`` (the document's tags, added to the keyword side only), ``questions`` (questions the
        chunk answers, in users' words: embedded and keyword-indexed with the text, never returned; see
        ``chunk_questions``) and ``embedding`` (the chunk's vector from the same model, e.g. stored on the
        chunk record), else ``text`` (and its questions) is embedded with ``embedder``. Row order is the
        order given (keep it stable: the content hash depends on it)."""
        chunks = list(chunks)
        documents, doc_rows, positions = [], [], {}
        for chunk in chunks:
            document_id = int(chunk["document_id"])
            if document_id not in positions:
                positions[document_id] = len(documents)
                documents.append({"document_id": document_id, "slug": chunk["slug"], "title": chunk["title"],
                                  "corpus": chunk.get("corpus") or "",
                                  "company_id": chunk.get("company_id") or None})
            doc_rows.append(positions[document_id])
        vectors = cls._chunk_vectors(chunks, embedder)
        encoded = [(chunk["text"] or "").encode("utf-8") for chunk in chunks]
        offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(text) for text in encoded])
        texts = b"".join(encoded)
        chunk_ids = [chunk["chunk_id"] for chunk in chunks]
        dense = DenseIndex.build(vectors, embedder.model_id, exact_max=exact_max, kind=kind)
        keyword_texts = [
            "\n".join((chunk["text"], chunk.get("keywords") or "", chunk.get("questions") or ""))
            for chunk in chunks
        ]
        analyzer = analyzer or default_analyzer()
        keywords = KeywordIndex.build(keyword_texts, analyzer) if chunks else None
        document_keywords = (KeywordIndex.build(_document_texts(chunks, doc_rows, documents), analyzer)
                             if chunks else None)
        content_hash = _content_hash(dense.content_hash, documents, chunk_ids, doc_rows, texts, keyword_texts,
                                     analyzer.id)
        return cls(dense, keywords, documents, chunk_ids, np.asarray(doc_rows, dtype=np.int32), offsets,
                   texts, embedder, content_hash, document_keywords, QuestionIndex.build(chunks, embedder))

    @staticmethod
    def _chunk_vectors(chunks, embedder):
        vectors = np.zeros((len(chunks), embedder.dimensions), dtype=np.float32)
        missing = []
        for row, chunk in enumerate(chunks):
            given = chunk.get("embedding")
            if given is None:
                missing.append(row)
            elif isinstance(given, (bytes, bytearray, memoryview)):
                vectors[row] = np.frombuffer(given, dtype=np.float32)
            else:
                vectors[row] = np.asarray(given, dtype=np.float32)
        if missing:
            prefix = getattr(embedder, "passage_prefix", "")
            vectors[missing] = embedder.embed([prefix + (chunks[row]["text"] or "") for row in missing])
        return vectors

    # -- persistence ----------------------------------------------------------------------------------

    @staticmethod
    def path_for(root, content_hash):
        return os.path.join(root, content_hash)

    def save(self, root):
        """Write the index under ``root/<content_hash>/`` (atomically; nothing is rewritten in place, so
        workers that mapped an older version keep reading it). Returns that directory."""
        target = self.path_for(root, self.content_hash)
        if os.path.isfile(os.path.join(target, _MANIFEST)):
            return target
        os.makedirs(root, exist_ok=True)
        work = os.path.join(root, f".tmp-{self.content_hash[:16]}-{os.getpid()}-{time.monotonic_ns()}")
        os.makedirs(work)
        try:
            self.dense.save(os.path.join(work, _DENSE))
            if self.keywords is not None:
                self.keywords.save(os.path.join(work, _KEYWORDS))
            if self.document_keywords is not None:
                self.document_keywords.save(os.path.join(work, _DOCUMENT_KEYWORDS))
            if self.questions is not None:
                self.questions.save(os.path.join(work, _QUESTIONS))
            _write_json(os.path.join(work, _DOCUMENTS), self.documents)
            _write_json(os.path.join(work, _CHUNK_IDS), self.chunk_ids)
            np.save(os.path.join(work, _DOC_ROWS), np.asarray(self.doc_rows, dtype=np.int32))
            np.save(os.path.join(work, _OFFSETS), np.asarray(self.offsets, dtype=np.int64))
            with open(os.path.join(work, _TEXTS), "wb") as handle:
                handle.write(bytes(self.texts))
            _write_json(os.path.join(work, _MANIFEST), {
                "format": FORMAT_VERSION, "content_hash": self.content_hash, "model_id": self.model_id,
                "dense_hash": self.dense.content_hash, "kind": self.kind, "chunks": self.size,
                "documents": len(self.documents),
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            })
            try:
                os.rename(work, target)
            except OSError:
                if not os.path.isfile(os.path.join(target, _MANIFEST)):  # else: another process won the race
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return target

    @classmethod
    def load(cls, path, embedder, expected_hash=None):
        """Open an index saved by ``save`` (memory-mapped; no embedding). Raises ``FileNotFoundError``
        when it is missing and ``ValueError`` when it is not ``expected_hash`` or was built by another
        model than ``embedder``'s."""
        with open(os.path.join(path, _MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(f"knowledge index {path} has format {manifest.get('format')}, "
                             f"expected {FORMAT_VERSION}")
        if expected_hash and manifest["content_hash"] != expected_hash:
            raise ValueError(f"knowledge index {path} holds {manifest['content_hash'][:12]}, "
                             f"expected {expected_hash[:12]}")
        if embedder is not None and embedder.model_id != manifest["model_id"]:
            raise ValueError(f"knowledge index {path} was built with {manifest['model_id']}, "
                             f"the embedder is {embedder.model_id}")
        dense = DenseIndex.load(os.path.join(path, _DENSE), expected_hash=manifest["dense_hash"])
        keywords_dir = os.path.join(path, _KEYWORDS)
        keywords = KeywordIndex.load(keywords_dir) if os.path.isdir(keywords_dir) else None
        documents_dir = os.path.join(path, _DOCUMENT_KEYWORDS)
        document_keywords = KeywordIndex.load(documents_dir) if os.path.isdir(documents_dir) else None
        questions_dir = os.path.join(path, _QUESTIONS)
        questions = QuestionIndex.load(questions_dir) if os.path.isdir(questions_dir) else None
        with open(os.path.join(path, _DOCUMENTS), encoding="utf-8") as handle:
            documents = json.load(handle)
        with open(os.path.join(path, _CHUNK_IDS), encoding="utf-8") as handle:
            chunk_ids = json.load(handle)
        doc_rows = np.load(os.path.join(path, _DOC_ROWS), mmap_mode="r")
        offsets = np.load(os.path.join(path, _OFFSETS), mmap_mode="r")
        texts_path = os.path.join(path, _TEXTS)
        texts = np.memmap(texts_path, dtype=np.uint8, mode="r") if os.path.getsize(texts_path) else b""
        return cls(dense, keywords, documents, chunk_ids, doc_rows, offsets, texts, embedder,
                   manifest["content_hash"], document_keywords, questions)

    @staticmethod
    def saved_hashes(root):
        """Content hashes of the indexes saved under ``root`` (complete ones only)."""
        try:
            names = os.listdir(root)
        except FileNotFoundError:
            return []
        return [name for name in names
                if not name.startswith(".") and os.path.isfile(os.path.join(root, name, _MANIFEST))]

    @classmethod
    def prune(cls, root, keep):
        """Delete the saved indexes under ``root`` whose hash is not in ``keep``. Workers still mapping a
        deleted one keep reading it until they load the new one (POSIX unlink semantics)."""
        keep = set(keep)
        for content_hash in cls.saved_hashes(root):
            if content_hash not in keep:
                shutil.rmtree(cls.path_for(root, content_hash), ignore_errors=True)

    @staticmethod
    def prune_sources(knowledge_root, current, keep_previous=1):
        """Delete the index folders under ``knowledge_root`` (one per knowledge version) except ``current``
        and the ``keep_previous`` most recent others (workers may still be loading the previous one)."""
        try:
            names = [name for name in os.listdir(knowledge_root)
                     if not name.startswith(".") and os.path.isdir(os.path.join(knowledge_root, name))]
        except FileNotFoundError:
            return []
        others = sorted((name for name in names if name != current),
                        key=lambda name: os.path.getmtime(os.path.join(knowledge_root, name)), reverse=True)
        removed = others[keep_previous:]
        for name in removed:
            shutil.rmtree(os.path.join(knowledge_root, name), ignore_errors=True)
        return removed

    # -- search ---------------------------------------------------------------------------------------

    def visible_mask(self, corpus=None, allowed_document_ids=None, allowed_company_ids=None):
        """bool array (chunks,) of the chunks passing the filters, or None when nothing is filtered.

        ``corpus``: a corpus code or an iterable of codes; ``allowed_document_ids``: ids the user may
        read; ``allowed_company_ids``: companies the user works in (shared documents always pass)."""
        if corpus is None and allowed_document_ids is None and allowed_company_ids is None:
            return None
        documents = np.ones(len(self.documents), dtype=bool)
        if corpus is not None:
            corpora = [corpus] if isinstance(corpus, str) else list(corpus)
            documents &= np.isin(self._doc_corpora, corpora)
        if allowed_document_ids is not None:
            documents &= np.isin(self._doc_ids, np.fromiter(allowed_document_ids, dtype=np.int64))
        if allowed_company_ids is not None:
            companies = np.fromiter(allowed_company_ids, dtype=np.int64)
            documents &= (self._doc_companies == SHARED_COMPANY) | np.isin(self._doc_companies, companies)
        return documents[np.asarray(self.doc_rows)]

    def search(self, query, top_k=3, corpus=None, allowed_document_ids=None, allowed_company_ids=None,
               per_document=None):
        """The ``top_k`` best passages for ``query`` among the visible documents (see ``visible_mask``):
        a document's best chunk, and its next ones (up to ``passages_per_document``, or ``per_document``
        when given: 1 returns ``top_k`` distinct documents) only when they score within
        ``second_passage_margin`` of it (``select_passages``).

        Returns ``[{slug, title, score, excerpt, document_id, chunk_id}]``, best first; ``excerpt`` is
        the chunk's text."""
        if not self.size or top_k <= 0 or not (query or "").strip():
            return []
        mask = self.visible_mask(corpus, allowed_document_ids, allowed_company_ids)
        visible = self.size if mask is None else int(mask.sum())
        if not visible:
            return []
        prefix = getattr(self.embedder, "query_prefix", "")  # "query: " for E5
        query_vector = self.embedder.embed([prefix + self.dense_query(query)])[0]
        if self.keywords is not None:
            keyword_scores = self.keywords.scores(query)
        else:
            keyword_scores = np.zeros(self.size, np.float32)
        if mask is not None:
            keyword_scores = np.where(mask, keyword_scores, 0.0).astype(np.float32)
        document_bonus = self._document_bonus(query)
        questions = self.questions is not None and bool(self.question_share)  # used by the "mix" fusion
        fetch = min(visible, max(CANDIDATES, 4 * top_k))
        while True:
            hits = self._rank(query_vector, keyword_scores, mask, fetch, document_bonus, questions,
                              per_document)
            if len(hits) >= top_k or fetch >= visible:
                break
            fetch = min(visible, fetch * 4)
        return [self._hit(row, score) for row, score in hits[:top_k]]

    def dense_query(self, query):
        """The text embedded for ``query``: with ``expand_query``, its ``expanded_query``."""
        if not self.expand_query:
            return query
        analyzer = self.keywords.analyzer if self.keywords is not None else default_analyzer()
        return expanded_query(query, analyzer)

    def _document_bonus(self, query):
        """float64 (documents,): ``document_weight * bm25 / (bm25 + document_saturation)`` of the query
        against each whole document, or None. A question's words are often spread over several chunks of
        the document that answers it; this finds the document, the chunk scores still pick the passage."""
        if self.document_keywords is None or not self.document_weight or self.fusion != "mix":
            return None
        return saturated(self.document_keywords.scores(query), self.document_weight, self.document_saturation)

    def _rank(self, query_vector, keyword_scores, mask, fetch, document_bonus=None, questions=False,
              per_document=None):
        """[(chunk row, score)] of the passages, best first (``select_passages``), from the top ``fetch``
        of each ranking (with ``questions``, the chunks of the ``fetch`` closest questions too, and a
        chunk's cosine mixed with its best question similarity)."""
        dense_rows = self.dense.search(query_vector, fetch, mask)[1]
        keyword_rows = _top_rows(keyword_scores, fetch)
        if self.fusion == "rrf":
            fused = {}
            for ranking in (dense_rows, keyword_rows):
                for rank, row in enumerate(ranking):
                    fused[int(row)] = fused.get(int(row), 0.0) + 1.0 / (RRF_K + rank + 1)
            rows = np.fromiter(fused, dtype=np.int64, count=len(fused))
            scores = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
        else:
            rows = np.union1d(dense_rows, keyword_rows).astype(np.int64)
            if questions:
                rows = np.union1d(rows, self.questions.top(query_vector, fetch, mask)[1])
            cosine = self.dense.similarities(query_vector, rows).astype(np.float64)
            question = self.questions.best(query_vector, rows) if questions else None
            scores = chunk_scores(cosine, question, keyword_scores[rows], self.question_share,
                                  self.keyword_weight, self.keyword_saturation)
        return select_passages(rows, scores, self.doc_rows, document_bonus,
                               per_document or self.passages_per_document, self.second_passage_margin)

    def _hit(self, row, score):
        document = self.documents[int(self.doc_rows[row])]
        text = self.chunk_text(row)
        excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
        return {"slug": document["slug"], "title": document["title"], "score": round(score, 4),
                "excerpt": excerpt, "document_id": document["document_id"], "chunk_id": self.chunk_ids[row]}


def expanded_query(query, analyzer):
    """``query`` followed by the full form of the abbreviations and colloquial words it uses (the
    ``analyzer``'s synonym groups), which an embedding model may not know ("NC" -> "nota de crédito")."""
    expansions = analyzer.expansions(query)
    return f"{query} ({'; '.join(expansions)})" if expansions else query


def saturated(scores, weight, saturation):
    """``weight * bm25 / (bm25 + saturation)`` of raw BM25 ``scores`` (float64): a bounded bonus."""
    scores = np.asarray(scores, dtype=np.float64)
    return weight * scores / (scores + saturation)


def chunk_scores(cosine, question, keyword, question_share, keyword_weight, keyword_saturation):
    """The "mix" score of chunks: their ``cosine``, mixed as ``(1 - share) * cosine + share * question``
    with their best ``question`` similarity (None: no questions; -inf: a chunk without any keeps its plain
    cosine), plus the ``saturated`` bonus of their raw BM25 ``keyword`` scores. Used by the search and by
    the tuning grid of ``bench/knowledge_quality.py``."""
    if question is not None and question_share:
        cosine = np.where(np.isfinite(question), (1.0 - question_share) * cosine + question_share * question,
                          cosine)
    return cosine + saturated(keyword, keyword_weight, keyword_saturation)


def select_passages(rows, scores, doc_rows, document_bonus=None, per_document=1, margin=0.0):
    """[(chunk row, score)] best first: each of ``rows`` with its ``scores`` plus its document's
    ``document_bonus``, at most ``per_document`` of one document, and a document's later passages only
    when they score within ``margin`` of its first (a second passage of the same document is returned
    instead of a weaker document only when it is nearly as good as the first)."""
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    ordered_rows = np.asarray(rows, dtype=np.int64)[order]
    documents = np.asarray(doc_rows)[ordered_rows]  # one gather: doc_rows may be a memory map
    first, count, passages = {}, {}, []
    for row, document, score in zip(ordered_rows.tolist(), documents.tolist(), scores[order].tolist(),
                                    strict=True):
        if document in first:
            if count[document] >= per_document or score < first[document] - margin:
                continue
            count[document] += 1
        else:
            first[document], count[document] = score, 1
        bonus = 0.0 if document_bonus is None else float(document_bonus[document])
        passages.append((row, score + bonus))
    return sorted(passages, key=lambda item: -item[1])


def _document_texts(chunks, doc_rows, documents):
    """One keyword text per document: its title, its tags and the text of every chunk, in order."""
    parts = [[document["title"]] for document in documents]
    tags = {}
    for chunk, row in zip(chunks, doc_rows, strict=True):
        parts[row].append(chunk["text"] or "")
        tags.setdefault(row, chunk.get("keywords") or "")
    return ["\n".join([*texts, tags.get(row, "")]) for row, texts in enumerate(parts)]


def _top_rows(scores, count):
    """Rows of the ``count`` highest positive ``scores``, best first."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > count:
        positive = positive[np.argpartition(-scores[positive], count - 1)[:count]]
    return positive[np.argsort(-scores[positive], kind="stable")]


def _content_hash(dense_hash, documents, chunk_ids, doc_rows, texts, keyword_texts, analyzer_id):
    digest = hashlib.sha256()
    digest.update(f"knowledge-index/{FORMAT_VERSION}\n{dense_hash}\n{analyzer_id}\n".encode())
    digest.update(json.dumps(documents, sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps(chunk_ids, ensure_ascii=False).encode())
    digest.update(np.asarray(doc_rows, dtype=np.int32).tobytes())
    digest.update(texts)
    digest.update("\0".join(keyword_texts).encode())
    return digest.hexdigest()


def _write_json(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
