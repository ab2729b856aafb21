"""``l10n_cl_ai.chat.answer``: the answer to one queued question, as the asking user (in the cron).

Plugin selection, knowledge passages, the channel's last messages, then one Claude call with the
plugin's cached system prompt and its read-only tools (``l10n_cl_ai.chat.tools``). The reply is
Claude's Markdown rendered to safe HTML (``services/chat/render``), followed by the sources: the
knowledge documents by title and legal source, and links to the records the tools read. Any failure
becomes a :class:`AiOutcome` the request posts and schedules; nothing here raises to the cron.
"""

import logging

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, models
from odoo.tools import html2plaintext

from ..services.chat import conversation
from ..services.chat.render import allowed_links, link, render_markdown
from ..services.claude.client import Prompt
from ..services.claude.errors import RateLimited
from ..services.plugins.registry import REGISTRY
from .ai_outcome import AiOutcome
from .engine import UserFacingEngineError
from .engine_messages import engine_error_message

_logger = logging.getLogger(__name__)

PASSAGES = 3
FIRST_PASS_PER_DOCUMENT = 1  # the first passages come from distinct documents
MAX_LINKS = 10
SOURCES_CLASS = "o_l10n_cl_ai_sources"  # the footer the history leaves out (Claude does not need it again)
NOTE_CLASS = "o_l10n_cl_ai_note"  # the bot's own notes under an answer, left out of the history too
RETRYABLE = frozenset({"unavailable", "circuit_open", "error", "invalid_reply"})


class L10nClAiChatAnswer(models.AbstractModel):
    _name = "l10n_cl_ai.chat.answer"
    _description = "Answer of the Discuss tax assistant"

    # -- the bot in the channel ---------------------------------------------------------------------
    @api.model
    def _bot_partner(self):
        return self.env.ref("l10n_cl_ai.partner_chat_bot")

    @api.model
    def _post_as_bot(self, channel, body):
        return channel.sudo().message_post(
            author_id=self._bot_partner().id,
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            silent=True,
        )

    @api.model
    def _set_typing(self, channel, is_typing):
        """Show (or stop showing) the bot as typing in ``channel``, where it is a member."""
        bot = self._bot_partner()
        member = channel.sudo().channel_member_ids.filtered(lambda m: m.partner_id == bot)
        if member:
            member._notify_typing(is_typing)

    # -- answering ------------------------------------------------------------------------------------
    @api.model
    def _answer(self, request, stream=None):
        """The :class:`AiOutcome` of ``request``, computed as its user in the companies they used (those
        they may still use: access removed since the question is not given back). ``stream``: the
        ``chat_stream.ChatStream`` the answer streams into, when streaming is on."""
        user = request.user_id
        if not user.active or request.company_id not in user.company_ids:
            reason = self.env._("you no longer have access to the company of this question")
            return AiOutcome("refused", body=Markup("<p>%s</p>") % reason, reason=reason)
        companies = (request.company_ids or request.company_id) & user.company_ids
        runner = (
            self.with_user(user)
            .with_company(request.company_id)
            .with_context(
                lang=user.lang,
                tz=user.tz,
                allowed_company_ids=[request.company_id.id, *(companies - request.company_id).ids],
            )
        )
        return runner._answer_as_user(request.with_env(runner.env), stream=stream)

    def _answer_as_user(self, request, stream=None):
        engine = self.env["l10n_cl_ai.engine"]
        settings = engine._read_settings()
        question = request.question
        if settings.api_key:  # a deferred request asks the limiter before embedding and searching again
            refusal = self._rate_refusal(settings, request.plugin or "")
            if refusal:
                return refusal
        services = engine._services(settings)
        plugin = REGISTRY.select_detailed(
            question, similarity=services.similarity, min_similarity=services.similarity_floor
        ).plugin
        private = self._is_private_room(request)
        passages = self._passages(question, shared_only=not private)
        if not settings.api_key:
            return AiOutcome("knowledge_only", body=self._knowledge_only_body(passages), plugin=plugin.code)
        tools = self.env["l10n_cl_ai.chat.tools"]
        lookups = tools._offered(plugin) if settings.chat_max_tool_rounds else []
        offered = lookups if private else []  # the books are read for the asker's eyes only
        if settings.chat_max_tool_rounds:  # the knowledge base, in any conversation (shared documents only
            # outside the asker's direct chat, see ``_executor``)
            offered = offered + tools._knowledge_offered()
        history = self._history(request, settings.chat_context_messages)
        prompt = Prompt(
            system=conversation.system_parts(plugin.system_prompt, settings.chat_max_answer_tokens),
            messages=[conversation.question_message(question, passages, history)],
            tools=offered,
        )
        options = {}
        if offered:
            executor = tools._executor(request, {tool["name"] for tool in offered}, shared_only=not private)
            options.update(tool_executor=executor, max_tool_rounds=settings.chat_max_tool_rounds)
        if stream is not None and settings.chat_streaming:
            stream.start(allowed_links([passage.get("source") for passage in passages]))
            options.update(on_text=stream.on_text, on_round=stream.on_round)
        try:
            result, _usage = engine._call_claude(
                "chat",
                prompt,
                record=request,
                plugin=plugin.code,
                call_key=f"{request._name}:{request.id}",
                check_rate=False,  # counted above, before the search
                defer_rate_limited=True,
                settings=settings,
                max_tokens=settings.chat_max_answer_tokens,
                **options,
            )
        except UserFacingEngineError as error:
            return self._engine_failure(error, plugin.code)
        reads = options["tool_executor"].reads if offered else []
        searched = options["tool_executor"].passages if offered else []
        body = self._reply_body(result.content, passages + searched, reads)
        if lookups and not private:
            note = self.env._(
                "In a shared conversation I answer from the knowledge base only, without looking at your "
                "company's records. To consult them, write to me in a direct chat."
            )
            body += Markup('<p class="%s"><i>%s</i></p>') % (NOTE_CLASS, note)
        return AiOutcome("answer", body=body, plugin=plugin.code)

    @api.model
    def _rate_refusal(self, settings, plugin_code):
        """The deferral outcome when the limiter refuses this user's question now, else ``None``."""
        try:
            self.env["l10n_cl_ai.engine"]._check_rate("chat", settings)
        except RateLimited as error:
            message = engine_error_message(self.env, error)
            return self._engine_failure(UserFacingEngineError(message, error, None), plugin_code)
        return None

    @api.model
    def _is_private_room(self, request):
        """Whether the question came from the asker's direct chat with the bot, the only conversation
        where lookups in the books run: anywhere else, whoever is a member now or is added later reads the
        answer, with none of the asker's rights checked."""
        channel = request.channel_id.sudo()
        members = set(channel.channel_member_ids.partner_id.ids)
        return channel.channel_type == "chat" and members <= {
            request.user_id.partner_id.id,
            self._bot_partner().id,
        }

    @api.model
    def _passages(self, question, shared_only=False):
        """The best knowledge passages for the question, with their documents' legal source; none when
        the index is unusable (the answer goes on without them). ``shared_only``: from the documents
        shared by every company only (a conversation with people outside the asker's company). Every
        corpus is searched: the expert chooses the instructions and the tools, not the documents (a
        dispatch guide is a DTE kept in the stock corpus, a claim on a received invoice is in the purchase
        register's), and the ranking is what ``bench/knowledge_quality.py`` measures."""
        documents = self.env["l10n_cl_ai.knowledge.document"]
        try:
            hits = documents._search_knowledge(
                question,
                top_k=PASSAGES,
                domain=[("company_id", "=", False)] if shared_only else None,
                per_document=FIRST_PASS_PER_DOCUMENT,
            )
        except Exception as error:  # noqa: BLE001 - answered without passages, and logged
            _logger.warning("Discuss bot without knowledge passages: %s: %s", type(error).__name__, error)
            return []
        sources = {doc.id: doc.source for doc in documents.browse([hit["document_id"] for hit in hits])}
        return [dict(hit, source=sources.get(hit["document_id"]) or "") for hit in hits]

    @api.model
    def _history(self, request, size):
        """The ``size`` messages of the conversation before the question, oldest first: the asker's own
        and the bot's answers to the asker, never another member's text (it could steer the answer)."""
        if size <= 0 or not request.message_id:
            return []
        bot = self._bot_partner()
        answers = (
            self.env["l10n_cl_ai.chat.request"]
            .sudo()
            .search([("channel_id", "=", request.channel_id.id), ("user_id", "=", request.user_id.id)])
            .reply_message_id
        )
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", request.channel_id.id),
                ("message_type", "=", "comment"),
                ("id", "<", request.message_id.id),
                "|",
                ("author_id", "=", request.user_id.partner_id.id),
                ("id", "in", answers.ids),
            ],
            order="id desc",
            limit=size,
        )
        return [
            {
                "author": message.author_id.name,
                "is_bot": message.author_id == bot,
                "text": _text_without_sources(message.body),
            }
            for message in reversed(messages)
        ]

    # -- bodies -----------------------------------------------------------------------------------------
    @api.model
    def _reply_body(self, content, passages, reads):
        # escape-first rendering: no HTML of the model's survives
        allowed = allowed_links([passage.get("source") for passage in passages], reads)
        body = Markup(render_markdown(content, allowed))  # noqa: S704
        return body + self._sources_block(passages, reads)

    @api.model
    def _sources_block(self, passages, reads):
        items = [
            Markup("<li>%s%s</li>") % (group[0]["title"], _source_suffix(group[0]))
            for group in _by_document(passages)
        ]
        links = []
        seen = set()
        for model, ids in reads:
            for record in self.env[model].browse(ids).exists():
                if (model, record.id) in seen or len(links) >= MAX_LINKS:
                    continue
                seen.add((model, record.id))
                try:
                    name = record.display_name
                except Exception as error:  # noqa: BLE001 - a record the user cannot name is not linked
                    _logger.info("Discuss bot: no link to %s,%s: %s", model, record.id, error)
                    continue
                links.append(Markup(link(f"/odoo/{model}/{record.id}", name)))  # noqa: S704 - escaped by link()
        parts = []
        if items:
            parts.append(
                Markup("<p><b>%s</b></p><ul>%s</ul>") % (self.env._("Sources"), Markup("").join(items))
            )
        if links:
            parts.append(
                Markup("<p><b>%s</b> %s</p>") % (self.env._("Records consulted:"), Markup(", ").join(links))
            )
        return (
            Markup('<div class="%s">%s</div>') % (SOURCES_CLASS, Markup("").join(parts))
            if parts
            else Markup("")
        )

    @api.model
    def _knowledge_only_body(self, passages):
        intro = self.env._(
            "Claude is not configured (no API key), so I cannot write an answer. These are the most relevant "
            "passages of the knowledge base:"
        )
        if not passages:
            return Markup("<p>%s</p>") % self.env._(
                "Claude is not configured (no API key) and the knowledge base has no passage for this "
                "question."
            )
        items = Markup("").join(  # a document named once, the excerpts of its passages below it
            Markup("<li><b>%s</b>%s%s</li>")
            % (
                group[0]["title"],
                _source_suffix(group[0]),
                Markup("").join(Markup("<br/>%s") % passage["excerpt"] for passage in group),
            )
            for group in _by_document(passages)
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (intro, items)

    # -- failures ---------------------------------------------------------------------------------------
    @api.model
    def _engine_failure(self, error, plugin_code):
        """The outcome of a refused or failed Claude call (its usage row is already written)."""
        details = getattr(error.error, "details", None) or {}
        status = details.get("status")
        if details.get("interrupted"):  # a streamed answer cut off: said shortly, then answered again
            reason = self.env._("Claude stopped mid-answer (%(cause)s)", cause=details.get("cause") or "?")
            return self._retry_outcome(reason, plugin_code)
        if error.kind == "rate_limited" or (error.kind == "unavailable" and status == 429):
            wait = error.error.retry_after or 60.0
            body = Markup("<p>%s</p>") % self.env._(
                "Many questions are arriving at the moment: I will answer yours in about %(seconds)s "
                "seconds.",
                seconds=int(round(wait)),
            )
            return AiOutcome(
                "retry",
                body=body,
                reason=error.message,
                plugin=plugin_code,
                retry_after=wait,
                rate_limited=True,
            )
        if error.kind in RETRYABLE:
            return self._retry_outcome(error.message, plugin_code)
        return AiOutcome(
            "refused", body=Markup("<p>%s</p>") % error.message, reason=error.message, plugin=plugin_code
        )

    @api.model
    def _retry_outcome(self, reason, plugin_code=""):
        """A failed run that the queue tries again (``_queue_max_attempts`` runs, then an apology)."""
        body = Markup("<p>%s</p>") % self.env._(
            "I could not reach Claude (%(reason)s). I will try again in a moment.", reason=reason
        )
        return AiOutcome("retry", body=body, reason=reason, plugin=plugin_code, retry_after=0.0)

    @api.model
    def _failure_outcome(self, error_name):
        return self._retry_outcome(self.env._("unexpected error %(error)s", error=error_name))

    @api.model
    def _interrupted_outcome(self):
        reason = self.env._("the previous attempt was interrupted")
        body = Markup("<p>%s</p>") % self.env._(
            "My previous attempt to answer was interrupted. I will try again in a moment."
        )
        return AiOutcome("retry", body=body, reason=reason, retry_after=0.0)

    @api.model
    def _apology_outcome(self, outcome):
        body = Markup("<p>%s</p>") % self.env._(
            "Sorry: I could not answer your question after several attempts (%(reason)s). Please ask again "
            "later; an administrator can see the details in the AI assistant's questions.",
            reason=outcome.reason or self.env._("unknown error"),
        )
        return AiOutcome("apology", body=body, reason=outcome.reason, plugin=outcome.plugin)


def _text_without_sources(body):
    """The plain text of a message body, without the bot's sources footer and notes."""
    if not body or (SOURCES_CLASS not in body and NOTE_CLASS not in body):
        return html2plaintext(body or "")
    tree = lxml_html.fragment_fromstring(str(body), create_parent="div")
    for footer in tree.xpath(f"//*[contains(@class, '{SOURCES_CLASS}') or contains(@class, '{NOTE_CLASS}')]"):
        footer.drop_tree()
    return html2plaintext(lxml_html.tostring(tree, encoding="unicode"))


def _by_document(passages):
    """The passages grouped by document, in the order of each document's best one (the search may
    return two passages of one document, which is named once)."""
    groups = {}
    for passage in passages:
        groups.setdefault(passage["document_id"], []).append(passage)
    return list(groups.values())


def _source_suffix(passage):
    """' (<legal source>)' after a document's title, or nothing when it has none."""
    return f" ({passage['source']})" if passage.get("source") else ""
