"""A summarized SII publication as a knowledge document: its Spanish markdown body and its tags.

Plain Python (no odoo): ``l10n_cl_ai.sii.publication`` writes the document with it, and the retrieval
benchmark and quality test build their publication documents with it, so the search is measured on the
text it will really index::

    knowledge_body("Imparte instrucciones …", reply)  # reply: summary.normalized()
    knowledge_tags("circular", reply["areas"])  # -> "sii, circular, boletas"
    knowledge_questions(reply)  # -> "cuanto retengo en las BHE este año\n..." (searched, not shown)
    knowledge_slug("circular", "2025", "54", url)  # -> "sii-circular-2025-54-1a2b3c4d"

The body is Spanish whatever the user's language: it is indexed beside the Spanish knowledge base and
read by Claude in Spanish answers.
"""

import hashlib

from .summary import AREA_NAMES


def knowledge_body(subject, reply):
    """Markdown of the document: under "Resumen", Claude's summary followed by the subject as published,
    the areas and the priority; the suggested actions under their own heading. The title is not
    repeated: the chunker starts every chunk with the document title (``title > Resumen``). The short
    lines continue the summary's paragraph, so that they share its last chunk instead of making a chunk
    of their own."""
    facts = [f"Materia: {subject}"] if subject else []
    facts += [
        "Áreas: " + ", ".join(AREA_NAMES.get(area, area) for area in reply["areas"]),
        f"Prioridad: {reply['priority']}/5",
    ]
    lines = ["## Resumen", reply["summary"], *facts]
    if reply["actions"]:
        lines += ["", "## Acciones sugeridas"] + [f"- {action}" for action in reply["actions"]]
    return "\n".join(lines)


def knowledge_questions(reply):
    """The ``questions`` field of the document: Claude's questions, one per line, for the whole document
    (see ``services/knowledge/chunk_questions``). A leading "#" would read as a section heading: dropped."""
    questions = (question.lstrip("#").strip() for question in reply.get("questions", ()))
    return "\n".join(question for question in questions if question)


def knowledge_tags(kind, areas):
    return ", ".join(["sii", kind, *areas])


def knowledge_slug(kind, year, number, url):
    """Readable and unique: kind, year and number, then a digest of the URL (two pages may list a
    "Circular N° 5" of different years or sites)."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    if number and kind != "news":
        return f"sii-{kind}-{year or 'sf'}-{number}-{digest}"
    return f"sii-{kind}-{digest}"
