"""``QuestionIndex``: one vector per question a chunk answers, so that a user's question is compared with
those questions one by one (question to question, what the embedding model does best) instead of only
with the chunk's whole text, where many questions averaged together blur each other.

Built with the knowledge index from the chunks' ``questions`` (see ``chunk_questions``), embedded as
queries, held in a ``DenseIndex`` (FAISS: exact, or HNSW above its size threshold; memory-mapped by
every worker) with the chunk row of each question::

    questions = QuestionIndex.build(chunks, embedder)        # None when no chunk has questions
    scores, rows = questions.top(query_vector, 48, mask)     # chunks of the closest questions
    best = questions.best(query_vector, candidate_rows)      # each one's best question, -inf if none
"""

import os

import numpy as np

from .index import EXACT_MAX_VECTORS, DenseIndex

_DENSE = "questions.faiss"
_ROWS = "rows.npy"


class QuestionIndex:
    def __init__(self, dense, rows):
        self.dense = dense  # DenseIndex of the question vectors (normalized, as queries)
        self.rows = rows  # int32 (questions,), ascending: the chunk row each question belongs to
        self._chunks, self._starts, counts = np.unique(
            np.asarray(rows), return_index=True, return_counts=True
        )
        self._ends = self._starts + counts

    @property
    def size(self):
        return len(self.rows)

    @classmethod
    def build(cls, chunks, embedder, exact_max=EXACT_MAX_VECTORS):
        """From the ``questions`` text of each chunk (one per line), or None when there are none. A chunk
        may give ``question_embeddings`` (one vector per question, same model), else they are embedded."""
        rows, texts, vectors, missing = [], [], [], []
        for row, chunk in enumerate(chunks):
            questions = [line.strip() for line in (chunk.get("questions") or "").split("\n") if line.strip()]
            given = chunk.get("question_embeddings")
            if given is not None and len(given) != len(questions):
                raise ValueError(
                    f"chunk {chunk.get('chunk_id')}: {len(given)} question embeddings for "
                    f"{len(questions)} questions"
                )
            for position, question in enumerate(questions):
                rows.append(row)
                texts.append(question)
                vectors.append(None if given is None else np.asarray(given[position], dtype=np.float32))
                if given is None:
                    missing.append(len(texts) - 1)
        if not texts:
            return None
        if missing:
            prefix = getattr(embedder, "query_prefix", "")
            embedded = embedder.embed([prefix + texts[index] for index in missing])
            for index, vector in zip(missing, embedded, strict=True):
                vectors[index] = vector
        matrix = np.vstack(vectors).astype(np.float32)
        dense = DenseIndex.build(matrix, embedder.model_id, exact_max=exact_max)
        return cls(dense, np.asarray(rows, dtype=np.int32))

    def top(self, query_vector, count, mask=None):
        """(similarity, chunk row) of the ``count`` questions closest to the query, among the chunks
        ``mask`` lets through (bool array over chunk rows), best first."""
        allowed = None if mask is None else np.asarray(mask)[np.asarray(self.rows)]
        scores, questions = self.dense.search(query_vector, count, allowed)
        return scores.astype(np.float64), np.asarray(self.rows)[questions].astype(np.int64)

    def best(self, query_vector, chunk_rows):
        """float64 (len(chunk_rows),): each chunk's best question similarity, -inf for a chunk without
        questions. Exact: only these chunks' questions are compared."""
        chunk_rows = np.asarray(chunk_rows, dtype=np.int64)
        result = np.full(len(chunk_rows), -np.inf)
        positions = np.searchsorted(self._chunks, chunk_rows)
        positions = np.minimum(positions, len(self._chunks) - 1)
        asked = np.flatnonzero(self._chunks[positions] == chunk_rows)
        if not len(asked):
            return result
        starts = self._starts[positions[asked]]
        counts = self._ends[positions[asked]] - starts
        offsets = np.cumsum(counts) - counts  # where each chunk's run starts in ``questions``
        questions = np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))
        similarities = self.dense.similarities(query_vector, questions)
        result[asked] = np.maximum.reduceat(similarities, offsets)
        return result

    def save(self, directory):
        os.makedirs(directory, exist_ok=True)
        self.dense.save(os.path.join(directory, _DENSE))
        np.save(os.path.join(directory, _ROWS), np.asarray(self.rows, dtype=np.int32))

    @classmethod
    def load(cls, directory):
        """Memory-mapped (the pages are shared by the workers)."""
        return cls(
            DenseIndex.load(os.path.join(directory, _DENSE)),
            np.load(os.path.join(directory, _ROWS), mmap_mode="r"),
        )
