"""Who linked a vendor bill line to its purchase order line, and how sure."""

from odoo import fields, models

LINKS = [
    ("odoo", "Odoo (reference or total)"),
    ("product", "AI: same product"),
    ("description", "AI: similar description"),
    ("order", "AI: the order the whole bill matches"),
    ("claude", "Claude (accepted)"),
]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    l10n_cl_ai_po_link = fields.Selection(
        LINKS,
        string="Linked by",
        copy=False,
        readonly=True,
        help="Who linked this line to its purchase order line: Odoo's own matcher, the AI line matching "
        "(by product or description, or, for a line open on two orders, by the order the bill's other "
        "lines or its quantities name), or Claude's proposal accepted by a user.",
    )
    l10n_cl_ai_po_score = fields.Float(
        string="Match score", digits=(3, 2), copy=False, readonly=True, help="0-1: how well the line fits."
    )
    l10n_cl_ai_po_proposal_id = fields.Many2one(
        "l10n_cl_ai.po.proposal", string="Claude's purchase order proposal", copy=False, readonly=True
    )
    l10n_cl_ai_po_proposal_state = fields.Selection(
        related="l10n_cl_ai_po_proposal_id.state", string="Claude's proposal"
    )
    l10n_cl_ai_po_note = fields.Char(related="l10n_cl_ai_po_proposal_id.reason", string="Purchase order note")

    def _l10n_cl_ai_needs_coding(self):
        """A line linked to a purchase order line takes its account from the order: no suggestion."""
        return not self.purchase_line_id and super()._l10n_cl_ai_needs_coding()

    def action_l10n_cl_ai_accept_po_proposal(self):
        """Link this line to the purchase-order line Claude proposed (marked "Claude")."""
        for line in self:
            proposal = line.l10n_cl_ai_po_proposal_id
            if proposal.state != "proposed" or not proposal.po_line_id:
                continue
            line.move_id.check_access("write")
            line.write(
                {
                    "purchase_line_id": proposal.po_line_id.id,
                    "l10n_cl_ai_po_link": "claude",
                    "l10n_cl_ai_po_score": proposal.confidence,
                }
            )
            proposal.sudo().write(
                {"state": "accepted", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
        return True
