"""A company's history saved on disk and opened again: same suggestions, no embedding of its lines."""

import time

import pytest

from bill_coding_fixtures import DAY, posted
from services.bill_coding import persist
from services.bill_coding.history import CompanyHistory
from services.bill_coding.records import Feedback, LineQuery
from services.bill_coding.suggest import suggest
from services.knowledge.embedder import OnnxEmbedder


class CountingEmbedder:
    """The real embedder, counting the texts it embeds."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.texts = 0
        self.model_id = embedder.model_id
        self.dimensions = embedder.dimensions
        self.query_prefix = getattr(embedder, "query_prefix", "")

    def embed(self, texts):
        self.texts += len(texts)
        return self.embedder.embed(texts)


@pytest.fixture(scope="module")
def embedder():
    return OnnxEmbedder()


LINES = [
    (10, "Arriendo oficina Providencia enero", 6101),
    (10, "Gastos comunes oficina Providencia enero", 6102),
    (10, "Arriendo oficina Providencia febrero", 6101),
    (10, "Gastos comunes oficina Providencia febrero", 6102),
]


def lines(company=1):
    return [
        posted(index + 1, vendor, text, account, {"4": 100.0}, company=company)
        for index, (vendor, text, account) in enumerate(LINES)
    ]


def test_a_saved_history_answers_like_the_built_one_without_embedding_its_lines(tmp_path, embedder):
    built = CompanyHistory.build(1, lines(), embedder)
    content_hash = persist.source_hash(1, built.lines, embedder.model_id)
    persist.save(built, str(tmp_path), content_hash)
    counting = CountingEmbedder(embedder)
    loaded = persist.load(str(tmp_path), content_hash, 1, counting)
    assert counting.texts == 0
    assert loaded.lines == built.lines
    query = LineQuery(1, 10, "Gastos comunes oficina Providencia marzo", date=DAY)
    assert suggest(loaded, query).account_id == suggest(built, query).account_id == 6102
    assert counting.texts == 1  # the query alone


def test_the_source_hash_changes_with_any_line_and_the_company(embedder):
    base = persist.source_hash(1, lines(), embedder.model_id)
    changed = lines()
    changed[0] = posted(1, 10, "Arriendo oficina Providencia enero", 6102, {"4": 100.0})
    assert persist.source_hash(1, changed, embedder.model_id) != base
    assert persist.source_hash(2, lines(2), embedder.model_id) != base
    assert persist.source_hash(1, lines(), "another-model") != base


def test_a_saved_history_is_not_opened_for_another_company(tmp_path, embedder):
    built = CompanyHistory.build(1, lines(), embedder)
    persist.save(built, str(tmp_path), "abc")
    with pytest.raises(ValueError, match="company 1"):
        persist.load(str(tmp_path), "abc", 2, embedder)


def test_feedback_is_added_to_a_copy_not_to_the_shared_history(embedder):
    built = CompanyHistory.build(1, lines(), embedder)
    view = built.with_feedback([Feedback(1, 10, 6102, False)])
    assert view.feedback and not built.feedback
    assert view.index is built.index


def test_pruning_keeps_the_current_and_the_previous_history(tmp_path, embedder):
    built = CompanyHistory.build(1, lines(), embedder)
    for name in ("old", "previous", "current"):
        persist.save(built, str(tmp_path), name)
        time.sleep(0.01)  # distinct modification times
    persist.prune(str(tmp_path), keep={"current"})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["current", "previous"]
