"""The labelled set of ``bench/answer_quality.py`` (``bench/data/answer_quality.json``) is well formed:
at least 40 questions, every cited slug a shipped knowledge document, every shipped document asked about,
every fact a list of non-empty variants that its documents really state and its question does not
already give away, and the questions not copied from the documents (neither their text nor the
questions they are searched with)."""

import json
import os
import sys

import pytest
from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import answer_quality_score as scoring  # noqa: E402 - after the path set-up above

SET_PATH = os.path.join(ROOT, "bench", "data", "answer_quality.json")
KNOWLEDGE_XML = os.path.join(ROOT, "l10n_cl_ai", "data", "knowledge_documents.xml")


@pytest.fixture(scope="module")
def questions():
    with open(SET_PATH, encoding="utf-8") as handle:
        return json.load(handle)["questions"]


@pytest.fixture(scope="module")
def documents():
    """``{slug: {field: text}}`` of the shipped knowledge documents."""
    result = {}
    for record in etree.parse(KNOWLEDGE_XML).iter("record"):
        fields = {field.get("name"): field.text or "" for field in record.iter("field")}
        result[fields["slug"]] = fields
    return result


def _slugs(question):
    return [
        slug for entry in question["documents"] for slug in ([entry] if isinstance(entry, str) else entry)
    ]


def test_at_least_forty_questions_with_unique_ids(questions):
    assert len(questions) >= 40
    ids = [question["id"] for question in questions]
    assert len(set(ids)) == len(ids)
    assert all(question["question"].strip() for question in questions)


def test_every_cited_slug_is_a_shipped_document(questions, documents):
    for question in questions:
        assert question["documents"], question["id"]
        for slug in _slugs(question):
            assert slug in documents, (question["id"], slug)


def test_every_shipped_document_is_asked_about(questions, documents):
    required = {slug for question in questions for slug in _slugs(question)}
    assert set(documents) - required == set()


def test_every_fact_has_non_empty_variants(questions):
    for question in questions:
        assert question["facts"], question["id"]
        for variants in question["facts"]:
            assert isinstance(variants, list), (question["id"], variants)
            assert variants, question["id"]
            assert all(isinstance(variant, str) and scoring.normalise(variant) for variant in variants), (
                question["id"],
                variants,
            )


def test_every_fact_is_stated_by_one_of_its_documents(questions, documents):
    bodies = {
        slug: scoring.normalise(f"{fields['title']}\n{fields['body']}") for slug, fields in documents.items()
    }
    for question in questions:
        for variants in question["facts"]:
            assert any(scoring.fact_present(bodies[slug], variants) for slug in _slugs(question)), (
                question["id"],
                variants,
            )


def test_no_fact_is_given_by_its_question(questions):
    for question in questions:
        found = scoring.facts_found(question["question"], question["facts"])
        assert not any(found), (question["id"], question["facts"])


def test_the_questions_are_not_copied_from_the_documents(questions, documents):
    shipped = scoring.normalise(
        "\n".join(f"{fields['body']}\n{fields.get('questions', '')}" for fields in documents.values())
    )
    for question in questions:
        assert scoring.normalise(question["question"]) not in shipped, question["id"]
