"""``l10n_cl_ai.queue.mixin``: the one queue of the addon (DTE reviews, the bot's questions, SII summaries).

The mixin owns the loop that its scheduled action runs (``_queue_run``): the records due (waiting, and not
waiting for a retry any more), oldest first, each locked (``try_lock_for_update``: two workers never take
the same record) and checked again once locked (its state, and ``_queue_blocked``), one commit per record
(``_commit_progress``; also after a record skipped, so the next lock reads what other workers committed
meanwhile instead of failing on it in the same repeatable-read snapshot); the counts
of failed runs (``attempts``) and of rate-limit waits (``deferrals``) with their limits; the wait before a
retry; and the recovery of a record left "running" by a killed worker. A model supplies
``_queue_process_one(settings)`` and its policy (the class attributes below), as OCA ``queue_job`` splits
the job from its storage.
"""

import enum
from datetime import timedelta

from odoo import api, fields, models


class QueueStep(enum.Enum):
    """What the loop does after one record."""

    NEXT = "next"  # go on with the next record
    HOLD_GROUP = "hold_group"  # skip the other records of this record's group in this run
    STOP = "stop"  # end the run here (the rest stays due for a later run)


class L10nClAiQueueMixin(models.AbstractModel):
    _name = "l10n_cl_ai.queue.mixin"
    _description = "Chilean AI queue (shared parts)"

    # -- policy: each queue sets its own ------------------------------------------------------------
    _queue_cron_xmlid = None  # the scheduled action that runs the queue (woken with _trigger())
    _queue_waiting_state = "queued"  # the value of ``state`` of a record waiting its turn
    _queue_running_state = None  # the value while processed, when the queue marks it (else None)
    _queue_batch_size = 20
    _queue_max_attempts = 3  # failed runs before the model gives up (``_queue_retry`` says False)
    _queue_max_deferrals = 10  # rate-limit waits before the model gives up
    _queue_retry_delay_s = 60  # after a failed run: this many seconds times the attempts so far
    # "running" this long and its row not held: its worker's transaction is gone (killed, restarted)
    _queue_orphaned_after = timedelta(seconds=30)
    _queue_wake_when_due = False  # wake the cron again at the end of a run while records are due

    not_before = fields.Datetime(string="Waiting until", help="A queued record waits until then.")
    attempts = fields.Integer(help="Runs that failed; retried up to the queue's limit.")
    deferrals = fields.Integer(help="Times it waited for the rate limit.")
    started_at = fields.Datetime(string="Started", help="When its last run started.")

    def _call_key(self):
        """The key of this record's Claude call in the ledger (a replayed call is not sent twice)."""
        self.ensure_one()
        return f"{self._name},{self.id}"

    # -- the loop -----------------------------------------------------------------------------------
    @api.model
    def _queue_domain(self):
        """The records due now: waiting, and not waiting for a retry any more."""
        return [
            ("state", "=", self._queue_waiting_state),
            "|",
            ("not_before", "=", False),
            ("not_before", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _queue_crons(self):
        """The scheduled actions that run the queue, all woken together (one by default)."""
        return self.env.ref(self._queue_cron_xmlid).sudo()

    @api.model
    def _trigger_queue(self, at=None):
        for cron in self._queue_crons():
            cron._trigger(at=at)

    @api.model
    def _queue_run(self, batch_size=None, settings=None):
        """Process the records due, oldest first, one commit each; wake the cron again while some remain
        due. Returns how many records were processed."""
        cron = self.env["ir.cron"]
        settings = settings or self.env["l10n_cl_ai.engine"]._read_settings()
        self._queue_recover_interrupted()
        domain = self._queue_domain()
        due = self.search(domain, order="id", limit=batch_size or self._queue_batch_size)
        cron._commit_progress(remaining=self.search_count(domain))
        held_groups = set()
        processed, stopped = 0, False
        for record in due:
            group = record._queue_group()
            if group is not None and group in held_groups:
                continue
            if not record.try_lock_for_update():  # taken by another worker
                cron._commit_progress()  # a fresh snapshot: the next lock must not meet its commit
                continue
            record.invalidate_recordset(["state", "not_before"])
            if record.state != self._queue_waiting_state or record._queue_blocked():
                cron._commit_progress()  # the lock released, and a fresh snapshot for the next one
                continue
            step = record._queue_process_one(settings)
            processed += 1
            if step is QueueStep.STOP:  # nothing more for this run: the cron must not loop on the rest
                cron._commit_progress(1, remaining=0)
                stopped = True
                break
            if step is QueueStep.HOLD_GROUP:
                held_groups.add(group)
            if not cron._commit_progress(1):
                stopped = True
                break
        if self._queue_wake_when_due and not stopped and self.search_count(self._queue_domain(), limit=1):
            self._trigger_queue()
        return processed

    def _queue_process_one(self, settings):
        """Process this locked, waiting record; return a :class:`QueueStep`. Never raises for the
        record's own failures: the model records them (``_queue_retry`` or a final state)."""
        raise NotImplementedError

    def _queue_blocked(self):
        """Whether this locked, waiting record must wait for another one (``False``: the queue's order
        only). Checked once locked: several workers may run the queue at once."""
        return False

    def _queue_group(self):
        """The group a ``HOLD_GROUP`` step holds back for the rest of the run (``None``: no groups)."""
        return None

    # -- running, retries, recovery -------------------------------------------------------------------
    def _queue_mark_running(self):
        """Mark the record as being processed and commit it (a killed worker is then recovered), then
        hold its row for the rest of the run (``_queue_commit_and_hold``)."""
        self.sudo().write({"state": self._queue_running_state, "started_at": fields.Datetime.now()})
        self._queue_commit_and_hold()

    def _queue_commit_and_hold(self):
        """Commit (what the run did so far becomes visible) and hold this record's row again until the
        run's next commit: a live worker's record is locked, a record whose worker died is not (its lock
        died with its connection), which is how ``_queue_recover_interrupted`` tells them apart."""
        self.env["ir.cron"]._commit_progress()
        self.try_lock_for_update(allow_referencing=True)

    def _queue_retry(self, rate_limited=False, seconds=None, values=None, at_next_run=False):
        """Count one failed run (or, ``rate_limited``, one wait) and put the record back in the queue, due
        in ``seconds`` (failed runs without ``seconds``: the attempts so far times the queue's delay), or
        ``at_next_run`` of the queue, the cron not woken for it. ``values`` are written with the count.
        Returns ``False``, with only ``values`` and the count written, when the limit is reached: the
        caller gives up."""
        counter = "deferrals" if rate_limited else "attempts"
        limit = self._queue_max_deferrals if rate_limited else self._queue_max_attempts
        count = self[counter] + 1
        values = dict(values or {}, **{counter: count})
        if count >= limit:
            self.sudo().write(values)
            return False
        not_before = False
        if not at_next_run:
            wait = self._queue_retry_delay_s * count if seconds is None else seconds
            not_before = fields.Datetime.now() + timedelta(seconds=max(1.0, wait))
        values.update(state=self._queue_waiting_state, not_before=not_before)
        self.sudo().write(values)
        if not_before:
            self._trigger_queue(at=not_before)
        return True

    @api.model
    def _queue_recover_interrupted(self):
        """Records left running by a killed worker (or a stopped server) count one failed run. Several
        workers may run the queue at once (``chat_queue_workers``) and each starts by recovering: a
        record is locked and checked again first, on a fresh snapshot, so that one another worker is
        recovering (or has just recovered) is left to it, neither waited for nor counted twice."""
        if not self._queue_running_state:
            return
        cron = self.env["ir.cron"]
        # a live worker holds its record's row (``_queue_commit_and_hold``): a running record this worker
        # can lock was left by a dead one. Recovered once it has run ``_queue_orphaned_after`` (the
        # moment between the running mark's commit and the hold is not taken for a death).
        cutoff = fields.Datetime.now() - self._queue_orphaned_after
        stale_domain = [("state", "=", self._queue_running_state), ("started_at", "<", cutoff)]
        for record in self.search(stale_domain):
            cron._commit_progress()  # a fresh snapshot: the lock must not meet another worker's commit
            if not record.try_lock_for_update():
                continue  # its worker (or another worker recovering it) holds it
            record.invalidate_recordset(["state", "started_at"])
            if not record.filtered_domain(stale_domain):
                continue  # recovered by another worker meanwhile
            record._queue_interrupted()
            cron._commit_progress()
        young = self.search(
            [("state", "=", self._queue_running_state), ("started_at", ">=", cutoff)],
            order="started_at",
            limit=1,
        )
        if young:  # looked at again when it is old enough, in case its worker is dead
            self._trigger_queue(at=young.started_at + self._queue_orphaned_after)

    def _queue_interrupted(self):
        """Handle this record whose run was interrupted (queues with a running state define it)."""
        raise NotImplementedError
