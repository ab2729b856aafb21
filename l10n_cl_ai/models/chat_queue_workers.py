"""Several cron workers answering the tax assistant's questions at once.

Odoo runs one job of a given ``ir.cron`` at a time: the cron thread that acquires it locks its row
(``ir.cron._acquire_one_job``: ``FOR NO KEY UPDATE SKIP LOCKED``) until the job ends, and the other
threads skip it. So ``--max-cron-threads=2`` alone never answers two questions at once: the queue has one
scheduled action per worker (``ir_cron_chat_queue`` and ``ir_cron_chat_queue_2`` .. ``_4``, all running
the same loop), as many of them active as the setting ``chat_queue_workers`` says, and a question wakes
them all. Two workers never answer the same request (the queue locks each one and checks its state once
locked) and never two questions of one conversation at once: those are answered in order, the later one
with the earlier answer in its history, and the conversation is posted to by one worker at a time.
"""

import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

WORKER_XMLIDS = (
    "l10n_cl_ai.ir_cron_chat_queue",
    "l10n_cl_ai.ir_cron_chat_queue_2",
    "l10n_cl_ai.ir_cron_chat_queue_3",
    "l10n_cl_ai.ir_cron_chat_queue_4",
)


class L10nClAiChatRequestWorkers(models.Model):
    _inherit = "l10n_cl_ai.chat.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _queue_worker_crons(self):
        """The queue's scheduled actions, worker 1 first (active or not)."""
        crons = self.env["ir.cron"].sudo()
        for xmlid in WORKER_XMLIDS:
            crons |= self.env.ref(xmlid, raise_if_not_found=False) or crons.browse()
        return crons.sudo()

    @api.model
    def _queue_crons(self):
        """Every active worker (the first one when none is: Odoo skips a trigger of an inactive cron)."""
        crons = self._queue_worker_crons()
        return crons.filtered("active") or crons[:1]

    @api.model
    def _queue_run_worker(self, number):
        """The queue's run by worker ``number`` (2 and more), while the setting still wants it (a worker
        archived while it ran cannot be archived at once, see ``_sync_queue_workers``)."""
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        if number > settings.chat_queue_workers:
            return 0
        return self._queue_run(settings=settings)

    @api.model
    def _sync_queue_workers(self, count=None):
        """Activate workers 2..``count`` and archive the others (``count``: the setting). A worker that is
        running now cannot be written: it is left as it is and stops by itself (``_queue_run_worker``)."""
        if count is None:
            count = self.env["l10n_cl_ai.engine"]._read_settings().chat_queue_workers
        for number, cron in enumerate(self._queue_worker_crons()[1:], start=2):
            wanted = number <= count
            if cron.active == wanted:
                continue
            if not cron.try_lock_for_update(allow_referencing=True):
                _logger.info("Worker %s of the assistant's queue is running: left as it is", number)
                continue
            cron.write({"active": wanted})

    # -- one conversation at a time ------------------------------------------------------------------
    @api.model
    def _queue_domain(self):
        """Due requests, except those of a conversation another worker is answering now."""
        domain = super()._queue_domain()
        busy = self.sudo().search([("state", "=", "running")]).channel_id
        return domain + [("channel_id", "not in", busy.ids)] if busy else domain

    def _queue_blocked(self):
        """Whether a question of the same conversation is being answered, or asked before this one and
        due: the conversation's questions are answered one at a time, in order."""
        self.ensure_one()
        now = fields.Datetime.now()
        return bool(
            self.sudo().search_count(
                [
                    ("channel_id", "=", self.channel_id.id),
                    ("id", "!=", self.id),
                    "|",
                    ("state", "=", "running"),
                    "&",
                    "&",
                    ("state", "=", "queued"),
                    ("id", "<", self.id),
                    "|",
                    ("not_before", "=", False),
                    ("not_before", "<=", now),
                ],
                limit=1,
            )
        )
