"""``l10n_cl_ai.coding.suggestion``: an account (and analytic) suggestion for one vendor-bill line, its
source (the company's posted history, or Claude), its state and who decided on it.

A suggestion from the history at or above the threshold is ``applied`` to the draft line; below it, it is
``proposed`` for one-click acceptance. ``accepted`` and ``rejected`` record who answered and when (a user
changing the account of an applied suggestion rejects it); they are the feedback the history weighs per
vendor. A line no posted line resembles is ``queued`` for Claude when the setting is on (the queue
mixin's loop, never in a request), else, or when Claude cannot answer, ``unavailable`` with the reason:
the line keeps its account, never a guessed one.
"""

import logging

from odoo import api, fields, models

from .queue_mixin import QueueStep

_logger = logging.getLogger(__name__)

STATES = [
    ("queued", "Waiting for Claude"),
    ("applied", "Applied (suggested)"),
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("unavailable", "No suggestion"),
]
SOURCES = [("history", "Posted bills"), ("claude", "Claude")]


class L10nClAiCodingSuggestion(models.Model):
    _name = "l10n_cl_ai.coding.suggestion"
    _inherit = ["l10n_cl_ai.claude.proposal.mixin"]
    _description = "Vendor bill line account suggestion"
    _queue_cron_xmlid = "l10n_cl_ai.ir_cron_bill_coding_queue"
    _queue_max_deferrals = 10
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "description"

    line_id = fields.Many2one("account.move.line", string="Bill line", index=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Bill", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    vendor_id = fields.Many2one("res.partner", index=True)
    user_id = fields.Many2one("res.users", string="Requested by")
    description = fields.Char()
    source = fields.Selection(SOURCES, required=True, default="history")
    state = fields.Selection(STATES, required=True, default="unavailable", index=True)
    account_id = fields.Many2one("account.account", string="Suggested account", index=True)
    analytic_distribution = fields.Json(string="Suggested analytic")
    confidence = fields.Float(digits=(3, 2), help="0-1: how likely the account is the right one.")
    analytic_confidence = fields.Float(digits=(3, 2))
    reason = fields.Text(help="Why this suggestion (or why none).")
    decided_by_id = fields.Many2one("res.users", string="Decided by")
    decided_at = fields.Datetime(string="Decided on")

    # -- answers ------------------------------------------------------------------------------------
    def _decide(self, accepted):
        """Record the current user's answer; an accepted suggestion is written on its draft line."""
        for suggestion in self:
            line = suggestion.line_id
            line.move_id.check_access("write")
            if accepted and line and suggestion.account_id and line.parent_state == "draft":
                values = {"account_id": suggestion.account_id.id}
                if suggestion.analytic_distribution:
                    values["analytic_distribution"] = suggestion.analytic_distribution
                line.with_context(l10n_cl_ai_coding=True).write(values)
            suggestion.sudo().write(
                {
                    "state": "accepted" if accepted else "rejected",
                    "decided_by_id": self.env.uid,
                    "decided_at": fields.Datetime.now(),
                }
            )

    @api.model
    def _feedback(self, company_id, vendor_id):
        """The ``Feedback`` of the company's answers for ``vendor_id`` (what the history weighs)."""
        from ..services.bill_coding.records import Feedback

        answers = self.sudo().search(
            [
                ("company_id", "=", company_id),
                ("vendor_id", "=", vendor_id),
                ("state", "in", ("accepted", "rejected")),
                ("account_id", "!=", False),
            ]
        )
        return [
            Feedback(
                company_id,
                vendor_id,
                answer.account_id.id,
                answer.state == "accepted",
                dict(answer.analytic_distribution or {}),
                answer.description or "",
                answer.decided_at.date() if answer.decided_at else None,
            )
            for answer in answers
        ]

    # -- Claude (the queue) ---------------------------------------------------------------------------
    def _queue_process_one(self, settings):
        """Claude's account for this line, as the user who asked; a refusal or failure leaves the line
        without a suggestion, with the reason."""
        runner = (
            self.with_user(self.user_id).with_company(self.company_id).with_context(lang=self.user_id.lang)
        )
        try:
            with self.env.cr.savepoint():
                step = runner._ask_claude(settings)
        except Exception as error:  # noqa: BLE001 - shown on the line, the queue goes on
            _logger.exception("Claude's coding of suggestion %s failed", self.id)
            self.sudo().write(
                {
                    "state": "unavailable",
                    "reason": self.env._(
                        "Claude's suggestion failed unexpectedly (%(error)s).", error=type(error).__name__
                    ),
                }
            )
            step = QueueStep.NEXT
        return step

    def _ask_claude(self, settings):
        from ..services.bill_coding import claude_coding

        line = self.line_id
        if not line or line.parent_state != "draft":
            self.sudo().write(
                {"state": "unavailable", "reason": self.env._("The bill is no longer a draft.")}
            )
            return QueueStep.NEXT
        accounts = self.env["account.account"].search(
            [
                ("company_ids", "in", self.company_id.id),
                ("account_type", "in", ("expense", "expense_direct_cost", "expense_depreciation")),
                ("active", "=", True),
            ],
            order="code",
            limit=claude_coding.MAX_ACCOUNTS,
        )
        by_code = {account.code: account for account in accounts}
        prompt = claude_coding.build_prompt(
            {
                "vendor": self.vendor_id.name,
                "description": line.name,
                "quantity": line.quantity,
                "price_unit": line.price_unit,
            },
            [(account.code, account.name) for account in accounts],
        )
        result, step = self._claude_reply(
            "bill_coding",
            prompt,
            settings,
            lambda reason: self.env._("Claude could not suggest an account: %(reason)s", reason=reason),
            json_schema=claude_coding.OUTPUT_SCHEMA,
            reply_check=lambda reply: claude_coding.reply_errors(reply, by_code),
            max_tokens=claude_coding.MAX_TOKENS,
        )
        if step:
            return step
        reply = result.parsed
        code = str(reply["account_code"] or "").strip()
        if not code:
            self.sudo().write(
                {
                    "state": "unavailable",
                    "reason": self.env._(
                        "Claude did not choose an account: %(reason)s", reason=reply["reason"]
                    ),
                }
            )
            return QueueStep.NEXT
        self.sudo().write(
            {
                "state": "proposed",
                "account_id": by_code[code].id,
                "confidence": reply["confidence"] / 100.0,
                "reason": self.env._("Claude: %(reason)s", reason=reply["reason"]),
            }
        )
        return QueueStep.NEXT
