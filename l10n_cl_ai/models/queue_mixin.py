"""``l10n_cl_ai.queue.mixin``: what the addon's queues share (DTE reviews, the bot's questions).

A queued record has ``state`` (with ``"queued"``) and ``not_before`` (a rate-limit or retry wait); its
scheduled action, named by ``_queue_cron_xmlid``, is woken with ``_trigger()``.
"""

from odoo import api, fields, models


class L10nClAiQueueMixin(models.AbstractModel):
    _name = "l10n_cl_ai.queue.mixin"
    _description = "Chilean AI queue (shared parts)"

    _queue_cron_xmlid = None

    @api.model
    def _queue_domain(self):
        """The records due now: queued, and not waiting any more."""
        return [
            ("state", "=", "queued"),
            "|",
            ("not_before", "=", False),
            ("not_before", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _trigger_queue(self, at=None):
        self.env.ref(self._queue_cron_xmlid).sudo()._trigger(at=at)
