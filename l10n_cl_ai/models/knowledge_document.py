"""The knowledge base: documents editable by managers, split into chunks, searched by every worker."""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..services import metrics
from ..services.knowledge import chunk_questions
from ..services.knowledge.chunking import split_markdown

_logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 2000
MAX_TOP_K = 20

CORPORA = [  # the corpora documents belong to (the domain experts search some of them)
    ("dte", "Electronic documents (DTE)"),
    ("account", "Accounting and taxes"),
    ("payroll", "Payroll"),
    ("stock", "Inventory and dispatch"),
    ("general", "General"),
]


class L10nClAiKnowledgeDocument(models.Model):
    _name = "l10n_cl_ai.knowledge.document"
    _description = "AI knowledge document"
    _order = "corpus, title"
    _check_company_auto = True

    slug = fields.Char(required=True, index=True, help="Stable identifier, unique per company scope.")
    title = fields.Char(required=True, translate=False)
    corpus = fields.Selection(CORPORA, required=True, default="general", index=True)
    tags = fields.Char(help="Comma-separated keywords.")
    body = fields.Text(required=True, help="Markdown. Headings (##) split the document into chunks.")
    source = fields.Char(help="The law, resolution or SII page the content comes from.")
    questions = fields.Text(
        string="Questions it answers",
        help="Questions in the words users write them, one per line; searched with the document, never "
        "shown. A line '# heading' ties the questions below it to that section of the content; questions "
        "before any heading belong to the whole document.",
    )
    situations = fields.Text(
        string="Situations it answers",
        help="Everyday situations the document answers, told without its terms (\"vendo en mi local a "
        "personas que no piden nada\"), one per line, in the same format as the questions; searched with "
        "the document, never shown.",
    )
    orphan_question_headings = fields.Char(
        compute="_compute_orphan_question_headings",
        help="Headings of the questions that the content no longer has: their questions are not used.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: shared by every company. Otherwise visible to that company only.",
    )
    chunk_ids = fields.One2many("l10n_cl_ai.knowledge.chunk", "document_id", string="Chunks")
    chunk_count = fields.Integer(compute="_compute_chunk_count")

    @api.depends("chunk_ids")
    def _compute_chunk_count(self):
        for document in self:
            document.chunk_count = len(document.chunk_ids)

    @api.constrains("slug", "company_id")
    def _check_slug_unique(self):
        for document in self:
            clash = (
                self.with_context(active_test=False)
                .sudo()
                .search_count(
                    [
                        ("id", "!=", document.id),
                        ("slug", "=", document.slug),
                        ("company_id", "=", document.company_id.id),
                    ]
                )
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "Another knowledge document already uses the identifier %(slug)s.", slug=document.slug
                    )
                )

    def _unknown_question_headings(self):
        """The headings of the questions and situations that are not headings of the content."""
        self.ensure_one()
        unknown = chunk_questions.unknown_headings(self.questions, self.body)
        unknown += chunk_questions.unknown_headings(self.situations, self.body)
        return list(dict.fromkeys(unknown))

    @api.depends("questions", "situations", "body")
    def _compute_orphan_question_headings(self):
        for document in self:
            document.orphan_question_headings = ", ".join(document._unknown_question_headings())

    @api.constrains("questions", "situations")
    def _check_question_headings(self):
        """Questions written for a heading the content lacks are refused; a content rewritten without
        one of its headings is saved, and the form shows which questions no longer apply."""
        for document in self:
            unknown = document._unknown_question_headings()
            if unknown:
                raise ValidationError(
                    self.env._(
                        "These headings of the questions are not headings of the content: %(headings)s.",
                        headings=", ".join(unknown),
                    )
                )

    # -- keeping chunks and the index in step ----------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        documents._rebuild_chunks()
        return documents

    def write(self, vals):
        result = super().write(vals)
        if {"body", "questions", "situations", "title", "slug", "corpus", "company_id", "active"} & set(vals):
            self._rebuild_chunks()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["l10n_cl_ai.knowledge.index"]._bump_version()
        return result

    def _rebuild_chunks(self):
        chunks = self.env["l10n_cl_ai.knowledge.chunk"].sudo()
        chunks.search([("document_id", "in", self.ids)]).unlink()
        values = []
        for document in self:
            texts = split_markdown(document.body, title=document.title)
            questions = chunk_questions.questions_for_chunks(
                document.questions, texts, document.title, document.situations
            )
            for sequence, (text, asked) in enumerate(zip(texts, questions, strict=True)):
                values.append(
                    {"document_id": document.id, "sequence": sequence, "text": text, "questions": asked}
                )
        chunks.create(values)
        self.env["l10n_cl_ai.knowledge.index"]._bump_version()
        # build the new index in the background, so that no user waits for the embeddings
        cron = self.env.ref("l10n_cl_ai.ir_cron_build_knowledge_index", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_build_index(self):
        """Build (or load) the index of the current knowledge version and save it for every worker."""
        index = self.env["l10n_cl_ai.knowledge.index"]._get()
        _logger.info("l10n_cl_ai: knowledge index ready: %s chunks (%s)", index.size, index.kind)

    # -- search -----------------------------------------------------------------------------------------
    @api.model
    def search_knowledge(self, query, top_k=3, corpus=None, plugin=None):
        """The ``top_k`` (at most 20) passages best matching ``query`` (at most 2,000 characters) from
        the documents the current user may read, best first: ``[{slug, title, score, excerpt,
        document_id}]`` (a document gives a second passage only when it is nearly as good as its first).
        ``corpus``: a code or a list of codes (``plugin``: its former name). Public (RPC): rate-limited
        per user and company like the route; the addon's own code calls ``_search_knowledge``."""
        from .engine import UserFacingEngineError

        self.browse().check_access("read")  # refused before it counts against the company's allowance
        query, top_k = self._bounded_search_args(query, top_k)
        try:
            self._check_search_rate()
        except UserFacingEngineError as error:
            raise UserError(error.message) from error
        return self._search_knowledge(query, top_k=top_k, corpus=corpus or plugin)

    @api.model
    def _bounded_search_args(self, query, top_k):
        if not isinstance(query, str):
            raise UserError(self.env._("The question must be text."))
        if len(query) > MAX_QUERY_CHARS:
            raise UserError(
                self.env._(
                    "The question is too long (%(length)s characters): at most %(limit)s.",
                    length=len(query),
                    limit=MAX_QUERY_CHARS,
                )
            )
        try:
            top_k = int(top_k)
        except (TypeError, ValueError):
            top_k = 3
        return query, min(max(top_k, 1), MAX_TOP_K)

    @api.model
    def _check_search_rate(self):
        """Count one search of the current user; raise the translated refusal when over the limit."""
        from ..services.claude.errors import RateLimited
        from .engine import UserFacingEngineError
        from .engine_messages import engine_error_message

        try:
            return self.env["l10n_cl_ai.engine"]._check_rate("knowledge_search")
        except RateLimited as error:
            raise UserFacingEngineError(engine_error_message(self.env, error), error, None) from error

    @api.model
    def _search_knowledge(self, query, top_k=3, corpus=None, domain=None, per_document=None):
        """``search_knowledge`` without the rate limit, for the addon's own callers (bounded arguments).
        ``domain`` narrows the documents searched further; ``per_document``: at most that many passages
        of one document (1: ``top_k`` distinct documents; default: the index's tuned setting)."""
        visible = self.search(domain or [])  # access rights and company rules decide what may be returned
        if not visible or not (query or "").strip():
            return []
        index = self.env["l10n_cl_ai.knowledge.index"]._get()
        with metrics.KNOWLEDGE_SEARCH_LATENCY.time():
            hits = index.search(
                query,
                top_k=top_k,
                corpus=corpus or None,
                allowed_document_ids=set(visible.ids),
                per_document=per_document,
            )
        return [
            {key: hit[key] for key in ("slug", "title", "score", "excerpt", "document_id")} for hit in hits
        ]

    @api.model
    def _search_http(self, query, corpus=None, top_k="3"):
        """``/l10n_cl_ai/knowledge/search``: rate-limited per user like chat questions.

        Returns ``(hits, rate-limit headers)``; raises ``UserFacingEngineError`` (with ``headers``) when
        the limiter refuses."""
        self.browse().check_access("read")  # refused before it counts against the company's allowance
        query, top_k = self._bounded_search_args(query or "", top_k)
        result = self._check_search_rate()
        headers = result.headers() if result is not None else {}
        return self._search_knowledge(query, top_k=top_k, corpus=corpus or None), headers

    @api.model
    def _index_chunks(self):
        """Every active chunk as the plain dicts the index is built from (stable order)."""
        chunks = (
            self.env["l10n_cl_ai.knowledge.chunk"]
            .sudo()
            .search([("document_id.active", "=", True)], order="document_id, sequence, id")
        )
        return [
            {
                "chunk_id": chunk.id,
                "document_id": chunk.document_id.id,
                "slug": chunk.document_id.slug,
                "title": chunk.document_id.title,
                "corpus": chunk.document_id.corpus,
                "company_id": chunk.document_id.company_id.id or None,
                "keywords": chunk.document_id.tags or "",
                "text": chunk.text,
                "questions": chunk.questions or "",
            }
            for chunk in chunks
        ]

    @api.model
    def _fill_shipped_questions(self, field_name="questions"):
        """Give the shipped documents the ``field_name`` ("questions" or "situations") of
        ``data/knowledge_documents.xml`` where they have none (the records are ``noupdate``: an upgrade
        does not write new fields into them). A document whose headings an administrator changed keeps
        none rather than failing the upgrade. Returns the documents filled."""
        from lxml import etree  # noqa: PLC0415

        from odoo.tools.misc import file_open  # noqa: PLC0415

        with file_open("l10n_cl_ai/data/knowledge_documents.xml", "rb") as handle:
            root = etree.parse(handle).getroot()
        filled = self.browse()
        for record in root.iter("record"):
            field = record.find(f"field[@name='{field_name}']")
            document = self.env.ref(f"l10n_cl_ai.{record.get('id')}", raise_if_not_found=False)
            if field is None or not document or document._name != self._name or document[field_name]:
                continue
            try:
                with self.env.cr.savepoint():
                    document.sudo()[field_name] = field.text
            except ValidationError as error:
                _logger.warning("l10n_cl_ai: %s of %s not added: %s", field_name, document.slug, error)
                continue
            filled |= document
        return filled

    def action_rebuild_index(self):
        """Rebuild the chunks of every document and have the index built again in the background (the
        scheduled action); AI managers only."""
        if not self.env.user.has_group("l10n_cl_ai.group_manager"):
            raise AccessError(self.env._("Only AI managers can rebuild the knowledge index."))
        self.sudo().with_context(active_test=False).search([])._rebuild_chunks()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The knowledge index is being rebuilt in the background; searches use the previous "
                    "one until it is ready."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class L10nClAiKnowledgeChunk(models.Model):
    _name = "l10n_cl_ai.knowledge.chunk"
    _description = "AI knowledge chunk"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one(
        "l10n_cl_ai.knowledge.document", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    text = fields.Text(required=True)
    questions = fields.Text(
        string="Questions it answers",
        help="The document's questions this chunk answers (searched, not shown).",
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
