"""The labelled question sets of the knowledge base and how a search is scored on them.

Shared by ``test_knowledge_quality.py`` / ``test_knowledge_routing.py`` (which assert the goals) and
``bench/knowledge.py`` (which prints the figures). Data: ``data/knowledge_questions.json`` (questions,
expected document slug, phrases of the answer-bearing chunk, ``tune``/``test`` split),
``data/knowledge_publications.json`` (SII publications as the monitor stores them once summarized, searched
beside the shipped documents) and ``data/routing_questions.json`` (questions that match no plugin keyword,
expected plugin).
"""

import json
import os
import re

from lxml import etree

from services.knowledge import chunk_questions
from services.knowledge.bm25 import STOPWORDS, strip_accents
from services.knowledge.chunking import split_markdown
from services.sii_monitor import knowledge_doc, summary

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = os.path.join(os.path.dirname(HERE), "l10n_cl_ai")
CORPUS = os.path.join(ADDON, "data", "knowledge_documents.xml")
QUESTIONS_FILE = os.path.join(HERE, "data", "knowledge_questions.json")
PUBLICATIONS_FILE = os.path.join(HERE, "data", "knowledge_publications.json")
ROUTING_FILE = os.path.join(HERE, "data", "routing_questions.json")
INDIRECT_FILE = os.path.join(HERE, "data", "knowledge_indirect_questions.json")
SITUATIONS_FILE = os.path.join(HERE, "data", "knowledge_situations_tune.json")


def load_questions(split=None):
    """The labelled questions (dicts: question, slug, chunk, split), optionally of one split only."""
    with open(QUESTIONS_FILE, encoding="utf-8") as handle:
        rows = json.load(handle)["questions"]
    return [row for row in rows if split is None or row["split"] == split]


def load_indirect_questions():
    """The indirect questions (dicts: question, slugs, reformulation), held out: never tuned on."""
    with open(INDIRECT_FILE, encoding="utf-8") as handle:
        return json.load(handle)["questions"]


def load_situation_questions():
    """The tuning set of indirect questions (dicts: question, slugs): the situations of the documents'
    ``situations`` field were written and tuned against it (issue 26)."""
    with open(SITUATIONS_FILE, encoding="utf-8") as handle:
        return json.load(handle)["questions"]


def load_routing_questions():
    with open(ROUTING_FILE, encoding="utf-8") as handle:
        return json.load(handle)["questions"]


def corpus_documents(path=CORPUS):
    """The shipped documents as dicts of their fields (slug, title, corpus, tags, body, source)."""
    root = etree.parse(path).getroot()
    documents = []
    for record in root.iter("record"):
        if record.get("model") != "l10n_cl_ai.knowledge.document":
            continue
        documents.append({field.get("name"): (field.text or "").strip() for field in record.iter("field")})
    return documents


def publication_documents(path=PUBLICATIONS_FILE):
    """The SII publications of the question set as knowledge documents, built by the code the monitor
    stores them with (``knowledge_doc``: slug, tags, Spanish body; the corpus by their areas)."""
    with open(path, encoding="utf-8") as handle:
        publications = json.load(handle)["publications"]
    documents = []
    for publication in publications:
        reply = summary.normalized(publication["reply"])
        kind = publication["kind"]
        documents.append(
            {
                "slug": knowledge_doc.knowledge_slug(
                    kind, publication["year"], publication["number"], publication["url"]
                ),
                "title": publication["title"],
                "corpus": summary.corpus_for(reply["areas"]),
                "tags": knowledge_doc.knowledge_tags(kind, reply["areas"]),
                "body": knowledge_doc.knowledge_body(publication["subject"], reply),
                "questions": knowledge_doc.knowledge_questions(reply),
                "source": publication["url"],
            }
        )
    return documents


def evaluation_documents(situations=True):
    """What the questions are asked of: the shipped documents, then the SII publications; without their
    ``situations`` field when ``situations`` is false (to measure what it brings)."""
    documents = corpus_documents() + publication_documents()
    return documents if situations else [dict(document, situations="") for document in documents]


def corpus_chunks(documents):
    """The chunks the Odoo layer would index for ``documents`` (same splitting, same fields, each with
    the questions of its sections)."""
    chunks = []
    for document_id, document in enumerate(documents, start=1):
        texts = split_markdown(document["body"], title=document["title"])
        asked = chunk_questions.questions_for_chunks(
            document.get("questions"), texts, document["title"], document.get("situations")
        )
        for text, questions in zip(texts, asked, strict=True):
            chunks.append(
                {
                    "chunk_id": len(chunks) + 1,
                    "document_id": document_id,
                    "slug": document["slug"],
                    "title": document["title"],
                    "corpus": document.get("corpus"),
                    "company_id": None,
                    "text": text,
                    "keywords": document.get("tags", ""),
                    "questions": questions,
                }
            )
    return chunks


def title_words(text):
    """Words of ``text`` as compared with a document title: accent- and case-folded, stopwords out,
    cut to 5 letters ("facturas" and "factura" are the same word), numbers whole. Stricter than any
    analyzer, and independent of the one under test."""
    words = set()
    for word in re.findall(r"[a-z0-9ñ]+", strip_accents(text)):
        if word in STOPWORDS:
            continue
        if word.isdigit():
            words.add(word)
        elif len(word) >= 2:
            words.add(word[:5])
    return words


def chunk_matches(text, phrases):
    return any(phrase in text for phrase in phrases)


def evaluate(knowledge, questions, top_k=3):
    """recall@1, recall@3 (document) and chunk recall@3 of ``knowledge.search`` on ``questions``, and the
    questions missed at 3: ``{"at1", "at3", "chunk_at3", "missed", "chunk_missed"}``."""
    texts = {knowledge.chunk_ids[row]: knowledge.chunk_text(row) for row in range(knowledge.size)}
    at1 = at3 = chunk_at3 = 0
    missed, chunk_missed = [], []
    for row in questions:
        hits = knowledge.search(row["question"], top_k=top_k)
        slugs = [hit["slug"] for hit in hits]
        at1 += slugs[:1] == [row["slug"]]
        if row["slug"] in slugs:
            at3 += 1
        else:
            missed.append((row["question"], row["slug"], slugs))
        if any(
            hit["slug"] == row["slug"] and chunk_matches(texts[hit["chunk_id"]], row["chunk"]) for hit in hits
        ):
            chunk_at3 += 1
        else:
            chunk_missed.append((row["question"], row["slug"]))
    count = len(questions) or 1
    return {
        "at1": at1 / count,
        "at3": at3 / count,
        "chunk_at3": chunk_at3 / count,
        "missed": missed,
        "chunk_missed": chunk_missed,
    }


def evaluate_indirect(knowledge, questions, top_k=3, per_document=1):
    """recall@``top_k`` of the bot's first pass (``top_k`` distinct documents for the question) and of the
    first pass plus one scripted ``buscar_normativa`` call (the ``top_k`` distinct documents of the
    question's ``reformulation``): a question counts when one of its ``slugs`` is among the first pass's
    documents, respectively among the union of both (at most ``2 * top_k`` documents). Returns ``{"first",
    "with_tool", "first_missed", "missed"}``. ``per_document`` (None: the index's tuned setting) is for
    comparing with the first pass before distinct documents."""
    first = with_tool = 0
    first_missed, missed = [], []
    for row in questions:
        expected = set(row["slugs"])
        asked = [
            hit["slug"] for hit in knowledge.search(row["question"], top_k=top_k, per_document=per_document)
        ]
        tool = knowledge.search(row["reformulation"], top_k=top_k, per_document=per_document)
        searched = [hit["slug"] for hit in tool]
        if expected & set(asked):
            first += 1
        else:
            first_missed.append((row["question"], row["slugs"], asked))
        if expected & set(asked + searched):
            with_tool += 1
        else:
            missed.append((row["question"], row["slugs"], asked, searched))
    count = len(questions) or 1
    return {
        "first": first / count,
        "with_tool": with_tool / count,
        "first_missed": first_missed,
        "missed": missed,
    }
