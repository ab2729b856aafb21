"""Plugin routing by embedding similarity alone, on a labelled set of questions that match no plugin
keyword (``data/routing_questions.json``), with the shipped embedder (multilingual-e5-small over ONNX)."""

import pytest

from knowledge_eval import load_routing_questions
from services.knowledge import model_files
from services.knowledge.embedder import OnnxEmbedder
from services.plugins import registry

# Measured (bench/knowledge_quality.py prints both): 15 of 24 with multilingual-e5-small, 7 of 24 with
# all-MiniLM-L6-v2, the English model shipped before. The floor guards what is reached.
ROUTING_FLOOR = 15 / 24


@pytest.fixture(scope="module")
def similarity():
    model = OnnxEmbedder()

    def similarity(text, descriptions):  # as ServiceBundle.similarity: each side with its model prefix
        vectors = model.embed(
            [model.query_prefix + text, *(model.passage_prefix + text for text in descriptions)]
        )
        return [float(vectors[0] @ vector) for vector in vectors[1:]]

    similarity.model_id = model.model_id
    return similarity


def test_routing_questions_match_no_keyword_and_cover_every_plugin():
    questions = load_routing_questions()
    assert len(questions) >= 20
    assert {row["plugin"] for row in questions} == {plugin.code for plugin in registry.all()}
    for row in questions:
        details = registry.REGISTRY.score(row["question"])
        assert not any(detail.keyword_weight for detail in details), (row["question"], details)


def test_similarity_alone_decides_and_routing_accuracy_holds_its_floor(similarity):
    questions = load_routing_questions()
    right = 0
    for row in questions:
        selection = registry.select_detailed(
            row["question"],
            similarity=similarity,
            min_similarity=model_files.similarity_floor(similarity.model_id),
        )
        assert selection.reason in ("similarity", "fallback"), row["question"]
        right += selection.plugin.code == row["plugin"]
    assert right / len(questions) >= ROUTING_FLOOR, right
