"""``buscar_normativa``: the bot's search of the knowledge base in Claude's own words.

Unlike the tools over the books (``chat_tool_impls``), it reads knowledge documents only, with the asking
user's rights, so it is offered in every conversation; outside the asker's direct chat it searches the
documents shared by every company only, like the first passages. Its hits are returned to Claude with
their slug (cited as ``[slug]``) and become sources of the reply like the first passages.
"""

from ..services.plugins.base import CORPORA
from .chat_tool_impls import ToolRefused

KNOWLEDGE_TOOL = "buscar_normativa"
KNOWLEDGE_HITS = 3
MAX_QUERY_CHARS = 300


def search_knowledge(env, args, shared_only=False):
    """``(hits, documents)``: the best passage of each of the ``KNOWLEDGE_HITS`` best documents for
    ``args["consulta"]`` (in the ``args["tema"]`` corpus when given, else in all), each hit with its
    document's legal ``source``."""
    query = " ".join(str(args.get("consulta") or "").split())[:MAX_QUERY_CHARS]
    if not query:
        raise ToolRefused("consulta: escriba qué buscar")
    corpus = args.get("tema") or None
    if corpus is not None and corpus not in CORPORA:
        raise ToolRefused(f"tema: use uno de {', '.join(CORPORA)}")
    documents = env["l10n_cl_ai.knowledge.document"]
    hits = documents._search_knowledge(
        query,
        top_k=KNOWLEDGE_HITS,
        corpus=[corpus] if corpus else None,
        domain=[("company_id", "=", False)] if shared_only else None,
        per_document=1,
    )
    found = documents.browse([hit["document_id"] for hit in hits])
    sources = {document.id: document.source or "" for document in found}
    return [dict(hit, source=sources.get(hit["document_id"], "")) for hit in hits], found


def tool_rows(hits):
    """What Claude reads of the hits (Spanish keys, like the other tools)."""
    return [
        {"documento": hit["slug"], "titulo": hit["title"], "fuente": hit["source"], "pasaje": hit["excerpt"]}
        for hit in hits
    ]
