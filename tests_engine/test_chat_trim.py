"""Passages cut to the sentences that match the question: the answering sentence, the title and the legal
source stay; a passage is never dropped; what was left out is marked."""

import os

from lxml import etree

from services.chat import conversation, trim
from services.knowledge.chunking import split_markdown

XML_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "l10n_cl_ai",
    "data",
    "knowledge_documents.xml",
)
QUESTION = "¿Qué significa que el SII dejó un documento con reparos?"
ANSWER = (
    "- **Aceptado con reparos** (RPR; reparos leves, RLV): el documento es válido, pero el SII hizo "
    "observaciones."
)


def shipped(slug):
    """(title, source, chunks) of a shipped knowledge document, chunked as the index chunks it."""
    for record in etree.parse(XML_PATH).getroot().iter("record"):
        fields = {field.get("name"): field.text for field in record.findall("field")}
        if fields.get("slug") == slug:
            return fields["title"], fields["source"], split_markdown(fields["body"], fields["title"])
    raise AssertionError(slug)


def test_a_shipped_passage_keeps_the_sentence_that_answers_and_drops_others():
    title, _source, chunks = shipped("estados-rechazos-sii")
    chunk = next(chunk for chunk in chunks if "**Aceptado con reparos**" in chunk)
    heading, text = trim.trim_passage(chunk, title, QUESTION, budget=trim.budget_for(1))
    assert ANSWER in text
    assert heading == "«Envío procesado» no significa «documento aceptado»", "the title is not repeated"
    assert "Revíselas" not in text, "a sentence without the question's terms is left out"
    assert trim.ELISION in text
    assert len(heading) + len(text) < len(chunk) - 100


def test_the_prompt_keeps_title_source_and_answer_of_a_trimmed_passage():
    title, source, chunks = shipped("estados-rechazos-sii")
    chunk = next(chunk for chunk in chunks if "**Aceptado con reparos**" in chunk)
    other_title, other_source, other_chunks = shipped("caf-folios")
    passages = [
        {"slug": "estados-rechazos-sii", "title": title, "source": source, "excerpt": chunk},
        {"slug": "caf-folios", "title": other_title, "source": other_source, "excerpt": other_chunks[0]},
    ]
    content = conversation.question_message(QUESTION, passages)["content"]
    assert f"[estados-rechazos-sii] {title} — {source[:60]}" in content
    assert f"[caf-folios] {other_title} — {other_source[:20]}" in content, "a passage is never dropped"
    assert ANSWER in content
    assert "Sección: «Envío procesado» no significa «documento aceptado»" in content
    whole = len(chunk) + len(other_chunks[0])
    assert len(content) < len(conversation.question_message(QUESTION, [])["content"]) + whole


def test_the_best_passage_gets_the_larger_budget():
    assert trim.budget_for(0) > trim.budget_for(1) == trim.budget_for(5)


def test_a_passage_without_any_matching_sentence_keeps_its_opening():
    body = "Primera oración sobre folios. " + "Segunda oración sobre timbres del CAF. " * 12
    heading, text = trim.trim_passage(body, "Otro", "¿Cuál es la tasa del impuesto?", budget=120)
    assert heading == ""
    assert text.startswith("Primera oración sobre folios.") and text.endswith(trim.ELISION)


def test_a_short_passage_is_kept_whole():
    excerpt = "Boletas > Exenta\nLa boleta exenta es el tipo 41. Se usa en ventas exentas."
    assert trim.trim_passage(excerpt, "Boletas", "¿qué es la boleta 41?", budget=200) == (
        "Exenta",
        "La boleta exenta es el tipo 41. Se usa en ventas exentas.",
    )


def test_sentences_are_not_cut_after_abbreviations_or_list_numbers():
    line = "1. Según la Res. Ex. SII N° 45 de 2003, el art. 4 rige. Otra oración."
    assert trim._sentences(line) == [
        "1. Según la Res. Ex. SII N° 45 de 2003, el art. 4 rige.",
        "Otra oración.",
    ]


def test_kept_sentences_stay_in_document_order_with_elisions_between():
    body = "\n".join(
        [
            "Uno habla del IVA y la tasa.",
            "Dos habla de otra cosa distinta sin relación alguna con nada.",
            "Tres menciona la tasa del IVA otra vez.",
            "Cuatro tampoco dice nada relevante para esta pregunta en particular.",
        ]
    )
    _heading, text = trim.trim_passage(body, "", "¿tasa del IVA?", budget=80)
    assert text == "Uno habla del IVA y la tasa.\n…\nTres menciona la tasa del IVA otra vez.\n…"


def test_a_table_row_kept_keeps_its_header():
    title, _source, chunks = shipped("estados-rechazos-sii")
    chunk = next(chunk for chunk in chunks if "| RCT |" in chunk)
    _heading, text = trim.trim_passage(
        chunk, title, "¿Qué significa el estado RCT?", budget=trim.budget_for(1)
    )
    lines = text.splitlines()
    assert lines[0] == "| Estado | Significado | ¿Final? |"
    assert lines[1].startswith("|---")
    assert "| RCT | Rechazado por error en la carátula | Sí: todo el envío rechazado |" in lines
    assert "| SOK | Esquema validado | No |" not in lines
