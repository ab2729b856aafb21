"""Feedback on the bot's answers: the 👍 and 👎 reactions (Odoo's ``mail.message.reaction``) on each
answer message, counted on its question (``l10n_cl_ai.chat.request``) so they can be grouped by expert
(plugin) and month in the *Assistant feedback* analysis and in ``/metrics``. One reaction per person and
answer (Odoo's own rule); skin-tone variants count as their base emoji."""

from odoo import api, fields, models

THUMBS_UP = "👍"
THUMBS_DOWN = "👎"


def thumbs(contents):
    """``(up, down)``: how many of the reaction ``contents`` are 👍 and 👎 (skin tones included)."""
    contents = list(contents)
    return (
        sum(content.startswith(THUMBS_UP) for content in contents),
        sum(content.startswith(THUMBS_DOWN) for content in contents),
    )


class L10nClAiChatRequestFeedback(models.Model):
    _inherit = "l10n_cl_ai.chat.request"

    feedback_up = fields.Integer(
        string="👍", compute="_compute_feedback", store=True, aggregator="sum", help="👍 on the answer."
    )
    feedback_down = fields.Integer(
        string="👎", compute="_compute_feedback", store=True, aggregator="sum", help="👎 on the answer."
    )

    @api.depends("reply_message_id.reaction_ids.content")
    def _compute_feedback(self):
        for request in self:
            reactions = request.sudo().reply_message_id.reaction_ids
            request.feedback_up, request.feedback_down = thumbs(reactions.mapped("content"))

    @api.model
    def _feedback_rows(self):
        """``[{plugin, month: "YYYY-MM", up, down}]`` of the answers that got a reaction, for ``/metrics``."""
        groups = self._read_group(
            ["|", ("feedback_up", ">", 0), ("feedback_down", ">", 0)],
            ["plugin", "create_date:month"],
            ["feedback_up:sum", "feedback_down:sum"],
        )
        return [
            {"plugin": plugin or "", "month": month.strftime("%Y-%m"), "up": up, "down": down}
            for plugin, month, up, down in groups
        ]
