"""Claude's review of a received bill: the supplier's history carries what each recent bill bought (line
labels, quantities, unit prices), so the review can say that an amount, a product or a price is unusual
for this supplier, and its prompt carries the reception instruction of
``services/plugins/reception_review_contract.py``. The review itself is the customer documents' (queued,
Claude raises to "review" at most, never lowers a check's verdict)."""

from odoo import api, models

from ..services.plugins.reception_review_contract import build_reception_review_prompt
from .reception_move import RECEIVED_TYPES

HISTORY_LINES = 10  # lines of each earlier bill shown to Claude


class L10nClAiDteReview(models.AbstractModel):
    _inherit = "l10n_cl_ai.dte.review"

    @api.model
    def _review_prompt_builder(self, plugin, move):
        """A received bill's review carries the reception instruction (is this amount, product or price
        unusual for this supplier?); the reply contract and verdict rule are the invoice review's."""
        if move._l10n_cl_ai_is_received():
            return build_reception_review_prompt
        return super()._review_prompt_builder(plugin, move)

    @api.model
    def _partner_history(self, move, size):
        history = super()._partner_history(move, size)
        if move.move_type not in RECEIVED_TYPES or not history:
            return history
        recent = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", move.commercial_partner_id.id),
                ("company_id", "=", move.company_id.id),
                ("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund")),
                ("state", "=", "posted"),
                ("id", "!=", move.id),
            ],
            order="invoice_date desc, id desc",
            limit=size,
        )
        for entry, bill in zip(history, recent, strict=False):
            if bill.move_type in RECEIVED_TYPES:
                entry["lines"] = [
                    {"name": line.name, "quantity": line.quantity, "unit_price": line.price_unit}
                    for line in bill.invoice_line_ids.filtered(lambda line: line.display_type == "product")[
                        :HISTORY_LINES
                    ]
                ]
        return history
