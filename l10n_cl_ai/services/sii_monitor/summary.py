"""Claude's summary of one SII publication: the Spanish prompt, the reply's JSON schema and checks, and
which knowledge corpus a summarized publication belongs to (by its areas)."""

from ..claude.client import Prompt

# The areas Claude may name, with their Spanish names (written in a publication's knowledge document).
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
AREAS = tuple(AREA_NAMES)
# The knowledge corpus (``l10n_cl_ai.knowledge.document.corpus``) of a publication, by its first area.
PLUGIN_OF_AREA = {
    "dte": "dte",
    "boletas": "dte",
    "iva": "account",
    "renta": "account",
    "contabilidad": "account",
    "comercio_exterior": "account",
    "remuneraciones": "payroll",
    "inventario": "stock",
}
MAX_ACTIONS = 5
MAX_QUESTIONS = 5
SUMMARY_MAX_TOKENS = 900

SUMMARY_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "areas", "priority", "actions"],
    "properties": {
        "summary": {"type": "string", "minLength": 1},
        "areas": {"type": "array", "items": {"type": "string", "enum": list(AREAS)}},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
        "actions": {"type": "array", "items": {"type": "string"}},
        # searched with the publication's knowledge document; optional: replies from before it was asked
        "questions": {"type": "array", "items": {"type": "string"}},
    },
}
# What the Messages API accepts for structured outputs: no minimum/maximum/minLength; the range is said
# in the description and checked with SUMMARY_SCHEMA afterwards (``summary_errors``).
OUTPUT_SCHEMA = {
    **SUMMARY_SCHEMA,
    "properties": {
        "summary": {"type": "string", "description": "Resumen en español de Chile, 2 a 4 oraciones."},
        "areas": SUMMARY_SCHEMA["properties"]["areas"],
        "priority": {
            "type": "integer",
            "description": "1 (informativa) a 5 (urgente: obligación nueva o plazo próximo).",
        },
        "actions": {"type": "array", "items": {"type": "string"}, "description": "Acciones sugeridas."},
        "questions": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Preguntas que la publicación responde, como las escribe un contador.",
        },
    },
    "required": [*SUMMARY_SCHEMA["required"], "questions"],
}

SYSTEM_PROMPT = (
    "Eres un asesor tributario chileno que lee las publicaciones del Servicio de Impuestos Internos "
    "(circulares, resoluciones y noticias) para contadores de empresas. Con el título, la materia y la "
    "fecha de una publicación, responde solo con JSON:\n"
    "- summary: un resumen en español de Chile de 2 a 4 oraciones, concreto, sin inventar cifras ni "
    "plazos que no estén en el texto; si el texto es escaso, dilo.\n"
    f"- areas: las áreas afectadas, de esta lista: {', '.join(AREAS)}.\n"
    "- priority: 1 (informativa) a 5 (urgente: obligación nueva, cambio de formato de DTE o un plazo "
    "cercano que exige actuar).\n"
    f"- actions: hasta {MAX_ACTIONS} acciones sugeridas para el contador, breves e imperativas "
    "(puede ser una lista vacía).\n"
    f"- questions: de 3 a {MAX_QUESTIONS} preguntas que la publicación responde, cada una sobre un punto "
    "distinto, escritas como las escribiría un contador o un emprendedor en un chat: palabras cotidianas "
    "en vez de las del texto, abreviaturas usuales (F29, DJ, BHE, IVA)."
)


def build_prompt(publication):
    """The prompt for one publication (``publication``: a dict with kind, number, date, title, subject,
    url). The instructions are the stable, cacheable part."""
    kind_label = {"circular": "Circular", "resolution": "Resolución", "news": "Noticia"}.get(
        publication.get("kind"), "Publicación"
    )
    lines = [
        f"Tipo: {kind_label}",
        f"Número: {publication.get('number') or 's/n'}",
        f"Fecha: {publication.get('date') or 'desconocida'}",
        f"Título: {publication.get('title') or ''}",
        f"Materia: {publication.get('subject') or ''}",
        f"Fuente: {publication.get('url')}",
    ]
    return Prompt(system=[SYSTEM_PROMPT], messages=[{"role": "user", "content": "\n".join(lines)}])


def summary_errors(reply):
    """Messages describing how ``reply`` breaks ``SUMMARY_SCHEMA`` (empty when it is valid)."""
    from jsonschema.validators import validator_for

    validator = validator_for(SUMMARY_SCHEMA)(SUMMARY_SCHEMA)
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(reply)
    ]
    if not problems and not reply["summary"].strip():
        problems.append("summary: empty")
    return problems


def normalized(reply):
    """The reply as stored: areas without duplicates, at most ``MAX_ACTIONS`` non-empty actions and
    ``MAX_QUESTIONS`` non-empty questions (none when the reply has no ``questions``)."""
    return {
        "summary": reply["summary"].strip(),
        "areas": list(dict.fromkeys(reply["areas"])) or ["otros"],
        "priority": reply["priority"],
        "actions": [action.strip() for action in reply["actions"] if action.strip()][:MAX_ACTIONS],
        "questions": [
            " ".join(question.split()) for question in reply.get("questions", ()) if question.strip()
        ][:MAX_QUESTIONS],
    }


def corpus_for(areas):
    """The knowledge corpus of a publication: that of its first area with one, else ``general``."""
    return next((PLUGIN_OF_AREA[area] for area in areas if area in PLUGIN_OF_AREA), "general")
