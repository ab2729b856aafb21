"""``l10n_cl_ai.chat.request``: one question put to the Discuss bot, queued, answered by a cron.

A message to the bot (``discuss.channel._message_post_after_hook``) stores a request and wakes the
queue's cron: the poster's HTTP request returns at once, with no Claude call in it. The cron answers
oldest first, one commit per request, as the asking user (``l10n_cl_ai.chat.answer``), showing the bot
as typing meanwhile. A failure is answered in the channel, never swallowed: rate limits wait and retry,
Claude being down is retried up to ``_queue_max_attempts`` runs and then apologised for. The loop, the
locking, the counts and the recovery of an answer a killed worker left running are the queue mixin's.

Users read their own requests, AI managers those of their companies; only the code writes them.
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import html2plaintext

from .chat_stream import ChatStream, mark_cut_streams
from .queue_mixin import QueueStep

_logger = logging.getLogger(__name__)

STATES = [
    ("queued", "Queued"),
    ("running", "Answering"),
    ("done", "Answered"),
    ("failed", "Failed"),
]
ANSWER_KINDS = [
    ("answer", "Claude's answer"),
    ("knowledge_only", "Knowledge passages only"),
    ("refused", "Refused (budget or configuration)"),
    ("apology", "Apology after failures"),
]


class L10nClAiChatRequest(models.Model):
    _name = "l10n_cl_ai.chat.request"
    _inherit = ["l10n_cl_ai.queue.mixin"]
    _queue_cron_xmlid = "l10n_cl_ai.ir_cron_chat_queue"
    _queue_running_state = "running"
    _queue_max_attempts = 3  # runs of a request Claude failed before the bot apologises
    _queue_max_deferrals = 10  # rate-limited waits before the bot gives up
    _queue_wake_when_due = True
    _description = "Question to the Discuss tax assistant"
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "question"

    channel_id = fields.Many2one(
        "discuss.channel", string="Conversation", required=True, index=True, ondelete="cascade"
    )
    message_id = fields.Many2one("mail.message", string="Question message", ondelete="set null")
    question = fields.Text(required=True)
    user_id = fields.Many2one("res.users", string="Asked by", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies in use",
        help="The companies the user had selected when asking: the bot reads data in these only.",
    )
    state = fields.Selection(STATES, required=True, default="queued", index=True)
    answer_kind = fields.Selection(ANSWER_KINDS)
    error = fields.Text(string="Failure")
    plugin = fields.Char(string="Expert", help="The plugin that answered.")
    reply_message_id = fields.Many2one("mail.message", string="Answer message", ondelete="set null")
    answered_at = fields.Datetime(string="Answered")
    wait_ms = fields.Integer(string="Time to answer (ms)", help="From the question to the answer.")
    read_ids = fields.One2many("l10n_cl_ai.chat.read", "request_id", string="Records read")
    usage_count = fields.Integer(string="Claude calls", compute="_compute_usage_count")

    def _compute_usage_count(self):
        groups = dict(
            self.env["l10n_cl_ai.usage"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
            )
        )
        for request in self:
            request.usage_count = groups.get(request.id, 0)

    # -- the queue ---------------------------------------------------------------------------------
    @api.model
    def _on_channel_message(self, channel, message, msg_vals):
        """``discuss.channel._message_post_after_hook``: queue a question put to the bot by the current
        user (a direct chat with the bot, or a mention), or answer at once why it cannot be answered."""
        answer = self.env["l10n_cl_ai.chat.answer"]
        bot = self.env.ref("l10n_cl_ai.partner_chat_bot", raise_if_not_found=False)
        if not bot or msg_vals.get("message_type") != "comment" or msg_vals.get("author_id") == bot.id:
            return None
        user = self.env.user
        if user._is_public() or user.share or message.author_id != user.partner_id:
            return None  # guests, portal users, messages posted on someone's behalf
        direct = channel.channel_type == "chat" and bot in channel.sudo().channel_member_ids.partner_id
        if not direct and bot.id not in set(msg_vals.get("partner_ids") or ()):
            return None
        question = html2plaintext(msg_vals.get("body") or "").replace(f"@{bot.name}", " ").strip()
        if not question:
            return None
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        if not settings.chat_bot_enabled:
            if direct:
                answer._post_as_bot(
                    channel,
                    Markup("<p>%s</p>") % self.env._("The tax assistant is turned off in the settings."),
                )
            return None
        if not user.has_group("l10n_cl_ai.group_user"):
            answer._post_as_bot(
                channel,
                Markup("<p>%s</p>")
                % self.env._(
                    "You do not have access to the tax assistant: ask an administrator for the 'AI user' "
                    "group."
                ),
            )
            return None
        open_requests = self.sudo().search_count(
            [("user_id", "=", user.id), ("state", "in", ("queued", "running"))]
        )
        if open_requests >= settings.chat_max_open_requests:
            answer._post_as_bot(
                channel,
                Markup("<p>%s</p>")
                % self.env._(
                    "You already have %(count)s questions waiting for an answer: I will take new ones when "
                    "those are answered. Please ask this one again then.",
                    count=open_requests,
                ),
            )
            return None
        return self._enqueue(channel, message, question)

    @api.model
    def _enqueue(self, channel, message, question):
        """Store the question of the current user (already checked by the hook) and wake the cron."""
        request = self.sudo().create(
            {
                "channel_id": channel.id,
                "message_id": message.id,
                "question": question,
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
                "company_ids": [fields.Command.set(self.env.companies.ids)],
            }
        )
        self._trigger_queue()
        return request

    def _queue_process_one(self, settings):
        self._answer_queued()
        return QueueStep.NEXT

    def _queue_interrupted(self):
        """An answer interrupted by a killed worker counts one failed run: retried, or apologised for."""
        answer = self.env["l10n_cl_ai.chat.answer"].with_context(lang=self.user_id.lang)
        outcome = answer._interrupted_outcome()
        mark_cut_streams(self, answer, outcome.reason)
        self._apply_outcome(outcome)

    @api.model
    def _queue_stats(self):
        """For /metrics: requests by state and the age of the oldest one waiting (seconds)."""
        by_state = dict(self.sudo()._read_group([], ["state"], ["__count"]))
        oldest = self.sudo().search([("state", "in", ("queued", "running"))], order="id", limit=1)
        age = (fields.Datetime.now() - oldest.create_date).total_seconds() if oldest else 0.0
        return {"by_state": by_state, "oldest_queued_age_s": max(age, 0.0)}

    # -- one request -------------------------------------------------------------------------------
    def _answer_queued(self):
        """Answer this request as its user; whatever happens, the channel is told."""
        self.ensure_one()
        answer = self.env["l10n_cl_ai.chat.answer"].with_context(lang=self.user_id.lang)
        answer._set_typing(self.channel_id, True)
        self._queue_mark_running()  # the state and the typing signal go out now
        stream = ChatStream(self, answer)
        try:
            with self.env.cr.savepoint():
                outcome = answer._answer(self, stream=stream)
        except Exception as error:  # noqa: BLE001 - the request keeps the error; the user is told
            _logger.exception("The Discuss bot could not answer request %s", self.id)
            outcome = answer._failure_outcome(type(error).__name__)
        if stream.message_id:  # committed on another cursor: a new transaction sees (and links) it
            self._queue_commit_and_hold()
        self._apply_outcome(outcome, stream)
        answer._set_typing(self.channel_id, False)

    def _apply_outcome(self, outcome, stream=None):
        """Post what the outcome says and schedule a retry when it asks for one. ``stream``: the message
        the answer streamed into, if any: it becomes the answer, or is marked incomplete."""
        answer = self.env["l10n_cl_ai.chat.answer"].with_context(lang=self.user_id.lang)
        now = fields.Datetime.now()
        values = {"error": outcome.reason or False, "plugin": outcome.plugin or self.plugin or False}
        if outcome.retry_after is not None:
            wait = max(1.0, outcome.retry_after) if outcome.rate_limited else None
            if self._queue_retry(rate_limited=outcome.rate_limited, seconds=wait, values=values):
                if stream and stream.message_id:  # the streamed text says it will be answered again
                    stream.mark_incomplete(outcome.reason, retrying=True)
                    return
                counted = self.deferrals if outcome.rate_limited else self.attempts
                if outcome.body and counted == 1:  # said once, not at every wait
                    answer._post_as_bot(self.channel_id, outcome.body)
                return
            outcome = answer._apology_outcome(outcome)
        streamed = stream.finish(outcome.body) if stream and outcome.kind == "answer" else None
        if stream and not streamed:
            stream.mark_incomplete(outcome.reason or answer.env._("unknown error"), retrying=False)
        message = self.env["mail.message"].browse(streamed) or answer._post_as_bot(
            self.channel_id, outcome.body
        )
        values.update(
            {
                "state": "failed" if outcome.kind == "apology" else "done",
                "answer_kind": outcome.kind,
                "reply_message_id": message.id,
                "answered_at": now,
                "not_before": False,
                "wait_ms": int((now - self.create_date).total_seconds() * 1000),
            }
        )
        self.sudo().write(values)

    def action_open_channel(self):
        """Open the conversation in Discuss."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "params": {"active_id": f"discuss.channel_{self.channel_id.id}"},
        }
