"""A summarized SII publication as a knowledge document: its Spanish markdown body and its tags.

Plain Python (no odoo): ``l10n_cl_ai.sii.publication`` writes the document with it, and the retrieval
benchmark and quality test build their publication documents with it, so the search is measured on the
text it will really index::

    knowledge_body("Circular N° 54 …", "Imparte instrucciones …", reply)  # reply: summary.normalized()
    knowledge_tags("circular", reply["areas"])  # -> "sii, circular, boletas"

The body is Spanish whatever the user's language: it is indexed beside the Spanish knowledge base and
read by Claude in Spanish answers.
"""

AREA_NAMES = {
    "dte": "Documentos tributarios electrónicos (DTE)",
    "boletas": "Boletas",
    "iva": "IVA",
    "renta": "Impuesto a la renta",
    "remuneraciones": "Remuneraciones",
    "contabilidad": "Contabilidad",
    "inventario": "Inventario",
    "comercio_exterior": "Comercio exterior",
    "procedimientos": "Procedimientos",
    "otros": "Otros",
}


def knowledge_body(title, subject, reply):
    """Markdown of the document: the title as heading, Claude's summary, the subject as published, the
    areas and priority, then the suggested actions under their own heading."""
    lines = [f"## {title}", reply["summary"]]
    if subject:
        lines += ["", f"Materia: {subject}"]
    lines += ["", "Áreas: " + ", ".join(AREA_NAMES.get(area, area) for area in reply["areas"])]
    lines += [f"Prioridad: {reply['priority']}/5"]
    if reply["actions"]:
        lines += ["", "## Acciones sugeridas"] + [f"- {action}" for action in reply["actions"]]
    return "\n".join(lines)


def knowledge_tags(kind, areas):
    return ", ".join(["sii", kind, *areas])
