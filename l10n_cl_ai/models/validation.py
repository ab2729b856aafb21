"""``l10n_cl_ai.validation``: one DTE validation run of a move, and its findings.

A run has two steps. The deterministic SII checks (``_run_checks``: snapshot -> ``services/dte_rules``)
run at once, in the user's request: the findings, the badge and a chatter message are there when the
click returns. Claude's review (``l10n_cl_ai.dte.review``) is queued and run by a cron woken with
``_trigger()``, as the user who asked, one commit per document; when it is done, the verdict (the worse
of the rules' and Claude's: Claude can make it worse, never better, and never worse than "review": only
the rules reject), the findings and the chatter are updated and the open form is told through the bus.
A list selection queues both steps for the cron.

Rate-limited reviews wait for staggered slots (one per the user's rate) up to ``_queue_max_deferrals``
passes, then say "unavailable" with the reason; any failure of the review keeps the deterministic result.
The loop, the locking and the counts are the queue mixin's.

Users read validations; only the code writes them (as superuser, after checking the user's rights on
the move), so a validation cannot be forged to get past the posting rule.
"""

import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from .queue_mixin import QueueStep

_logger = logging.getLogger(__name__)

RECOMMENDATIONS = [("send", "Send"), ("review", "Review"), ("reject", "Reject")]
MOVE_STATE_OF = {"send": "ok", "review": "review", "reject": "error"}
SUMMARY_MAX_FINDINGS = 25
BUS_DONE = "l10n_cl_ai.validation_done"


class L10nClAiValidation(models.Model):
    _name = "l10n_cl_ai.validation"
    _inherit = ["l10n_cl_ai.queue.mixin"]
    _queue_cron_xmlid = "l10n_cl_ai.ir_cron_dte_validation_queue"
    _queue_batch_size = 50
    _queue_max_deferrals = 5  # rate-limited passes of one review before it is reported unavailable
    _description = "DTE validation run"
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "move_id"

    move_id = fields.Many2one(
        "account.move", string="Document", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Requested by", required=True, index=True)
    date = fields.Datetime(help="When the validation ran.")
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="queued",
        index=True,
    )
    error = fields.Text(string="Failure", help="Why the validation could not run.")
    finding_ids = fields.One2many("l10n_cl_ai.validation.finding", "validation_id", string="Findings")
    error_count = fields.Integer(compute="_compute_counts", store=True, string="Errors")
    warning_count = fields.Integer(compute="_compute_counts", store=True, string="Warnings")
    deterministic_recommendation = fields.Selection(RECOMMENDATIONS, string="Rules' verdict")
    ai_recommendation = fields.Selection(RECOMMENDATIONS, string="Claude's recommendation")
    recommendation = fields.Selection(
        RECOMMENDATIONS, help="The worse of the rules' verdict and Claude's recommendation."
    )
    result_state = fields.Selection(
        [("ok", "OK"), ("review", "Review"), ("error", "Errors")], string="Result"
    )
    ai_status = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("skipped", "Skipped"), ("unavailable", "Unavailable")],
        string="AI review",
    )
    ai_reason = fields.Text(string="AI review note", help="Why Claude's review was skipped or unavailable.")
    confidence = fields.Integer(help="Claude's confidence (0-100) that the document can be sent as it is.")
    usage_id = fields.Many2one(
        "l10n_cl_ai.usage",
        string="AI usage",
        compute="_compute_usage_id",
        help="The ledger row of Claude's call (written on its own transaction, linked by its key).",
    )
    personal_data_minimized = fields.Boolean(
        string="Personal data minimised", help="Natural persons' data was replaced by placeholders."
    )

    def _compute_usage_id(self):
        usages = (
            self.env["l10n_cl_ai.usage"]
            .sudo()
            .search([("call_key", "in", [validation._call_key() for validation in self])], order="id")
        )
        by_key = {usage.call_key: usage.id for usage in usages}
        for validation in self:
            validation.usage_id = by_key.get(validation._call_key(), False)

    @api.depends("finding_ids.severity")
    def _compute_counts(self):
        for validation in self:
            severities = validation.finding_ids.mapped("severity")
            validation.error_count = severities.count("error")
            validation.warning_count = severities.count("warning")

    # -- creation and queue --------------------------------------------------------------------------
    @api.model
    def _create_for(self, moves, state):
        """Validation records for ``moves`` (already checked by the caller) as the current user."""
        return self.sudo().create(
            [
                {
                    "move_id": move.id,
                    "company_id": move.company_id.id,
                    "user_id": self.env.uid,
                    "state": state,
                }
                for move in moves
            ]
        )

    def _queue_group(self):
        return (self.user_id.id, self.company_id.id)

    def _queue_process_one(self, settings):
        """Run this validation; when the rate limit deferred Claude's review, its user's queue is given
        staggered slots at once instead of being refused document by document."""
        retry_after = self._process_queued()
        if retry_after is None:
            return QueueStep.NEXT
        self._stagger_queue(retry_after, settings)
        return QueueStep.HOLD_GROUP

    def _stagger_queue(self, retry_after, settings):
        """This review met the rate limit: count one wait on it (or give up past the queue's limit) and
        give it and the rest of its user's queue successive slots, one per the user's rate."""
        self.ensure_one()
        interval = 60.0 / max(settings.validate_rate_per_minute, 1)
        waiting = self.search(
            [
                ("state", "=", "queued"),
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self.id),
            ],
            order="id",
        )
        wait = max(1.0, retry_after or interval)
        first = fields.Datetime.now() + timedelta(seconds=wait)
        if not self._queue_retry(rate_limited=True, seconds=wait):
            self.with_user(self.user_id)._give_up_review()
        slots = [first + timedelta(seconds=interval * (index + 1)) for index in range(len(waiting))]
        for validation, slot in zip(waiting, slots, strict=True):
            if not validation.not_before or validation.not_before < slot:
                validation.sudo().not_before = slot
        self._trigger_queue(at=first)

    def _give_up_review(self):
        reason = self.env._(
            "Claude's review is unavailable: the rate limit was still reached after %(count)s attempts.",
            count=self._queue_max_deferrals,
        )
        self._finish_review(self.env["l10n_cl_ai.dte.review"]._unavailable(reason))

    def _process_queued(self):
        """Run one queued validation as its requester; a failure is shown on the move, not only logged.
        Returns the seconds to wait when the rate limit deferred Claude's review, else ``None``."""
        self.ensure_one()
        runner = (
            self.with_user(self.user_id).with_company(self.company_id).with_context(lang=self.user_id.lang)
        )
        try:
            with self.env.cr.savepoint():
                if not self.deterministic_recommendation:
                    runner._run_checks(queue_review=False)
        except Exception as error:  # noqa: BLE001 - reported on the validation and in the move's chatter
            _logger.exception("DTE validation %s of move %s failed", self.id, self.move_id.id)
            self._fail(error)
            return None
        if self.ai_status != "queued":
            return None
        return runner._run_review()

    def _fail(self, error):
        self.sudo().write({"state": "failed", "date": fields.Datetime.now(), "error": str(error)})
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("The DTE validation (AI) could not run:"),
            str(error) or type(error).__name__,
        )
        self.move_id.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", author_id=self.user_id.partner_id.id
        )

    # -- chatter --------------------------------------------------------------------------------------
    def _post_summary(self):
        """The chatter message of the checks: the verdict and every finding."""
        self.ensure_one()
        self._post_chatter(
            self.env._(
                "recommendation %(recommendation)s, %(errors)s error(s), %(warnings)s warning(s).",
                **self._summary_counts(),
            ),
            self.finding_ids,
        )

    def _post_review_summary(self):
        """The chatter message of Claude's part, when it ends: the new verdict and Claude's findings."""
        self.ensure_one()
        self._post_chatter(
            self.env._(
                "Claude's review ended; recommendation %(recommendation)s, %(errors)s error(s), "
                "%(warnings)s warning(s).",
                **self._summary_counts(),
            ),
            self.finding_ids.filtered(lambda f: f.source == "ai"),
        )

    def _summary_counts(self):
        labels = dict(self._fields["recommendation"]._description_selection(self.env))
        return {
            "recommendation": labels[self.recommendation],
            "errors": self.error_count,
            "warnings": self.warning_count,
        }

    def _post_chatter(self, headline, findings):
        """One note on the move, as the requester: the headline, ``findings`` worst first (at most
        ``SUMMARY_MAX_FINDINGS``, then how many more) and the state of Claude's review."""
        severity_labels = dict(
            self.env["l10n_cl_ai.validation.finding"]._fields["severity"]._description_selection(self.env)
        )
        body = Markup("<p><strong>%s</strong> %s</p>") % (self.env._("DTE validation (AI):"), headline)
        shown = findings.sorted(lambda f: ("error", "warning", "info").index(f.severity))
        items = Markup("").join(
            Markup("<li>[%s] %s%s: %s</li>")
            % (
                finding.code,
                severity_labels[finding.severity],
                Markup(" (%s)") % self.env._("AI") if finding.source == "ai" else "",
                finding.message,
            )
            for finding in shown[:SUMMARY_MAX_FINDINGS]
        )
        if items:
            body += Markup("<ul>%s</ul>") % items
        if len(shown) > SUMMARY_MAX_FINDINGS:
            body += Markup("<p>%s</p>") % self.env._(
                "...and %(count)s more in the validation history.", count=len(shown) - SUMMARY_MAX_FINDINGS
            )
        body += Markup("<p>%s</p>") % self._ai_summary()
        self.move_id.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", author_id=self.user_id.partner_id.id
        )

    def _ai_summary(self):
        if self.ai_status == "queued":
            return self.env._("Claude's review: queued; this document is updated when it ends.")
        if self.ai_status == "done":
            return self.env._(
                "Claude's review: done (confidence %(confidence)s%%).", confidence=self.confidence
            )
        if self.ai_status == "skipped":
            return self.env._("Claude's review: skipped. %(reason)s", reason=self.ai_reason or "")
        return self.env._(
            "Claude's review: unavailable, the result above comes from the deterministic checks only. "
            "%(reason)s",
            reason=self.ai_reason or "",
        )

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action()
