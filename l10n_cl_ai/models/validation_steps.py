"""The two steps of a DTE validation (``l10n_cl_ai.validation``): the deterministic SII checks, in the
user's request, and Claude's review, in the queue's cron as the user who asked."""

import logging

from odoo import api, fields, models

from ..services import dte_rules
from .dte_rule_messages import finding_message
from .validation import BUS_DONE, MOVE_STATE_OF

_logger = logging.getLogger(__name__)


class L10nClAiValidation(models.Model):
    _inherit = "l10n_cl_ai.validation"

    # -- step 1: the deterministic checks (in the request) ---------------------------------------------
    def _run_checks(self, queue_review=True):
        """The SII checks of this validation's move (as the current user): findings, verdict, badge and
        chatter at once; Claude's review queued when the settings and the verdict allow it."""
        self.ensure_one()
        move = self.move_id
        move.check_access("write")
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        snapshot = self.env["l10n_cl_ai.dte.snapshot"]._snapshot(move)
        findings = self._deterministic_findings(move, snapshot)
        rules_verdict = dte_rules.verdict(findings)
        skip_reason = self.env["l10n_cl_ai.dte.review"]._skip_reason(rules_verdict, settings)
        self.sudo().write(
            {
                "state": "done" if skip_reason else "queued",
                "date": fields.Datetime.now(),
                "not_before": False,
                "finding_ids": [fields.Command.create(self._deterministic_line(f)) for f in findings],
                "deterministic_recommendation": rules_verdict,
                "recommendation": rules_verdict,
                "result_state": MOVE_STATE_OF[rules_verdict],
                "ai_status": "skipped" if skip_reason else "queued",
                "ai_reason": skip_reason or False,
            }
        )
        move._l10n_cl_ai_store_result(self, snapshot)
        self._post_summary()
        if not skip_reason and queue_review:
            self._trigger_queue()
        return True

    def _deterministic_findings(self, move, snapshot):
        """The rules' findings on ``move`` (its ``snapshot``): the pre-send catalogue; a received bill
        overrides this with the buyer's checks (``reception_checks.py``)."""
        return dte_rules.check(snapshot)

    def _deterministic_line(self, finding):
        return {
            "code": finding.code,
            "severity": finding.severity,
            "field": finding.field,
            "message": finding_message(self.env, finding.code, finding.params),
            "source": "deterministic",
        }

    # -- step 2: Claude's review (in the cron) ------------------------------------------------------------
    def _run_review(self):
        """Claude's review of the move as it was checked (as the requester). Returns the seconds to wait
        when the rate limit deferred it, else ``None``. Never raises: a failure of any kind keeps the
        deterministic result and says why the AI part is unavailable."""
        self.ensure_one()
        review = self.env["l10n_cl_ai.dte.review"]
        try:
            with self.env.cr.savepoint():
                move = self.move_id
                snapshot = self.env["l10n_cl_ai.dte.snapshot"]._snapshot(move)
                if (
                    self.env["l10n_cl_ai.dte.snapshot"].sudo()._fingerprint(move, snapshot)
                    != (move.sudo().l10n_cl_ai_fingerprint)
                    or move.sudo().l10n_cl_ai_last_validation_id != self
                ):
                    outcome = review._skipped(
                        self.env._("The document changed after its checks: validate it again.")
                    )
                else:
                    settings = self.env["l10n_cl_ai.engine"]._read_settings()
                    outcome = review._review(
                        self, snapshot, self._deterministic_findings(move, snapshot), settings
                    )
        except Exception as error:  # noqa: BLE001 - the deterministic result stays; the reason is shown
            _logger.exception("Claude's review of DTE validation %s failed", self.id)
            outcome = review._unavailable(
                self.env._("Claude's review failed unexpectedly (%(error)s).", error=type(error).__name__)
            )
        if outcome.kind == "deferred":
            return outcome.retry_after or 60.0
        self._finish_review(outcome)
        return None

    def _finish_review(self, outcome):
        """Store Claude's part, the combined verdict and the move's state; tell the chatter and the
        requester's open screens."""
        self.ensure_one()
        values = {
            "state": "done",
            "not_before": False,
            "ai_status": outcome.kind,
            "ai_reason": outcome.reason or False,
        }
        if outcome.kind == "done":
            recommendation = dte_rules.worse(self.deterministic_recommendation, outcome.recommendation)
            values.update(
                ai_recommendation=outcome.recommendation,
                recommendation=recommendation,
                result_state=MOVE_STATE_OF[recommendation],
                confidence=outcome.confidence,
                personal_data_minimized=outcome.personal_data_minimized,
                finding_ids=[fields.Command.create(self._ai_line(item)) for item in outcome.findings],
            )
        self.sudo().write(values)
        move = self.move_id.sudo()
        if move.l10n_cl_ai_last_validation_id == self and move.l10n_cl_ai_state != "not_checked":
            move._l10n_cl_ai_write_own({"l10n_cl_ai_state": self.result_state})
        self._post_review_summary()
        self.user_id.partner_id._bus_send(
            BUS_DONE, {"move_id": move.id, "validation_id": self.id, "state": self.result_state}
        )

    @api.model
    def _ai_line(self, item):
        return {
            "code": item["code"][:64],
            "severity": item["severity"],
            "field": (item.get("field") or "")[:256],
            "message": item["message"],
            "source": "ai",
        }
