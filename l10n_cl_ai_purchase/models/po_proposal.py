"""``l10n_cl_ai.po.proposal``: Claude's purchase-order line for a vendor-bill line our matching left
unlinked, queued (the queue mixin's loop, never in a request) and only proposed: a user links it with one
click. Claude down, a refusal or an answer outside the lines offered leaves no proposal, with the reason.
"""

import logging

from odoo import api, fields, models

from odoo.addons.l10n_cl_ai.models.queue_mixin import QueueStep

_logger = logging.getLogger(__name__)


class L10nClAiPoProposal(models.Model):
    _name = "l10n_cl_ai.po.proposal"
    _inherit = ["l10n_cl_ai.claude.proposal.mixin"]
    _description = "Claude's purchase order line for a vendor bill line"
    _queue_cron_xmlid = "l10n_cl_ai_purchase.ir_cron_po_proposal_queue"
    _order = "id desc"
    _check_company_auto = True

    line_id = fields.Many2one("account.move.line", string="Bill line", index=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Bill", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Requested by")
    state = fields.Selection(
        [
            ("queued", "Waiting for Claude"),
            ("proposed", "Proposed"),
            ("accepted", "Accepted"),
            ("unavailable", "No proposal"),
        ],
        required=True,
        default="queued",
        index=True,
    )
    po_line_id = fields.Many2one("purchase.order.line", string="Proposed order line", ondelete="set null")
    confidence = fields.Float(digits=(3, 2))
    reason = fields.Char(help="Claude's reason, or why there is no proposal.")
    decided_by_id = fields.Many2one("res.users", string="Accepted by")
    decided_at = fields.Datetime(string="Accepted on")

    @api.model
    def _queue_for(self, bill, unmatched):
        """Queue Claude for the ``unmatched`` lines (``{line: reason}``) of ``bill`` when the setting is on
        and the vendor has open order lines left; returns the proposals."""
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        lines = [line for line, reason in unmatched.items() if reason != "no_open_po_line"]
        if not settings.bill_coding_claude or not lines:
            return self.browse()
        proposals = self.sudo().create(
            [
                {
                    "line_id": line.id,
                    "move_id": bill.id,
                    "company_id": bill.company_id.id,
                    "user_id": self.env.uid,
                    "reason": self.env._("Waiting for Claude."),
                }
                for line in lines
            ]
        )
        for proposal in proposals:
            proposal.line_id.l10n_cl_ai_po_proposal_id = proposal
        self._trigger_queue()
        return proposals

    def _queue_process_one(self, settings):
        runner = (
            self.with_user(self.user_id).with_company(self.company_id).with_context(lang=self.user_id.lang)
        )
        try:
            with self.env.cr.savepoint():
                return runner._ask_claude(settings)
        except Exception as error:  # noqa: BLE001 - shown on the line, the queue goes on
            _logger.exception("Claude's purchase order proposal %s failed", self.id)
            self.sudo().write(
                {
                    "state": "unavailable",
                    "reason": self.env._(
                        "Claude's proposal failed unexpectedly (%(error)s).", error=type(error).__name__
                    ),
                }
            )
            return QueueStep.NEXT

    def _ask_claude(self, settings):
        from odoo.addons.l10n_cl_ai.services.bill_coding import claude_po

        line = self.line_id
        if not line or line.parent_state != "draft" or line.purchase_line_id:
            self.sudo().write({"state": "unavailable", "reason": self.env._("The line is linked or posted.")})
            return QueueStep.NEXT
        open_lines, billed = line.move_id._l10n_cl_ai_open_po_lines()
        candidates = open_lines[: claude_po.MAX_CANDIDATES]
        prompt = claude_po.build_prompt(
            {
                "vendor": line.move_id.commercial_partner_id.name,
                "description": line.name,
                "quantity": line.quantity,
                "price_unit": line.price_unit,
            },
            [
                {
                    "order": candidate.order_id.name,
                    "description": candidate.name,
                    "open_quantity": candidate.product_qty - billed[candidate],
                    "price_unit": candidate.price_unit,
                }
                for candidate in candidates
            ],
        )
        result, step = self._claude_reply(
            "bill_coding",
            prompt,
            settings,
            lambda reason: self.env._("Claude could not propose an order line: %(reason)s", reason=reason),
            json_schema=claude_po.OUTPUT_SCHEMA,
            reply_check=lambda reply: claude_po.reply_errors(reply, len(candidates)),
            max_tokens=claude_po.MAX_TOKENS,
        )
        if step:
            return step
        reply = result.parsed
        if not reply["candidate"]:
            self.sudo().write(
                {"state": "unavailable", "reason": self.env._("Claude: %(reason)s", reason=reply["reason"])}
            )
            return QueueStep.NEXT
        self.sudo().write(
            {
                "state": "proposed",
                "po_line_id": candidates[reply["candidate"] - 1].id,
                "confidence": reply["confidence"] / 100.0,
                "reason": self.env._("Claude: %(reason)s", reason=reply["reason"]),
            }
        )
        return QueueStep.NEXT
