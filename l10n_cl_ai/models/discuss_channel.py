"""Questions to the tax assistant: a message in a direct chat with the bot, or mentioning it in a
channel, is handed to ``l10n_cl_ai.chat.request`` (queued; answered by a cron, never here)."""

from odoo import models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _message_post_after_hook(self, message, msg_vals):
        self.env["l10n_cl_ai.chat.request"]._on_channel_message(self, message, msg_vals)
        return super()._message_post_after_hook(message, msg_vals)
