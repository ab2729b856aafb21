"""Vendor bills matched to purchase orders: Odoo's matcher first, then ours, then Claude.

``action_l10n_cl_ai_match_purchase_orders`` (the button "Match purchase orders", and
``_l10n_cl_ai_after_import``, what an importer of received DTEs calls) takes the purchase-order
references of the bill (its ``ref`` and ``invoice_origin``, and its DTE references of type 801, HES or
HEM: a folio "123" names order "P00123" of the same vendor), and:

1. gives them to Odoo's ``_find_and_set_purchase_orders`` (the references, then the vendor and the total,
   are Odoo's own matcher): the lines it links are marked "Odoo";
2. matches the lines still unlinked to the vendor's open purchase-order lines by product, then by
   description (``services/bill_coding/po_match.py``: sizes must agree), then, for a line that fits lines
   of two orders, by the order the whole bill names (``po_order.py``: the order of its other lines, those
   linked before included, or the one whose received or remaining quantities the bill's are; otherwise it
   stays unmatched), marked with who linked them and the score;
3. queues Claude for the lines left (when the setting is on), whose proposal a user accepts;
4. runs the three-way checks (``account_move_three_way.py``).
"""

import re

from odoo import models
from odoo.exceptions import UserError

PO_REFERENCE_TYPES = ("801", "HES", "HEM")
BILL_TYPES = ("in_invoice",)


def _number(text):
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_l10n_cl_ai_match_purchase_orders(self):
        bills = self.filtered(lambda move: move.move_type in BILL_TYPES and move.state == "draft")
        if not bills:
            raise UserError(self.env._("Purchase orders are matched on draft vendor bills only."))
        bills.check_access("write")
        for bill in bills:
            bill.with_company(bill.company_id)._l10n_cl_ai_match_purchase_orders()
        return True

    def _l10n_cl_ai_after_import(self):
        for bill in self.filtered(lambda move: move.move_type in BILL_TYPES and move.state == "draft"):
            bill.with_company(bill.company_id)._l10n_cl_ai_match_purchase_orders()
        return super()._l10n_cl_ai_after_import()

    # -- references ------------------------------------------------------------------------------------
    def _l10n_cl_ai_po_references(self):
        """``(texts, order numbers)``: the texts of the bill that may name a purchase order (``ref``,
        ``invoice_origin``, the folios of its 801, HES and HEM references), in order, without duplicates;
        and the numbers of its 801 references (an 801 folio is the order's number; a ``ref``, the
        vendor's own invoice number, or an HES/HEM folio, an entry sheet's, is not)."""
        self.ensure_one()
        texts = []
        for value in (self.ref, self.invoice_origin):
            texts += [text for text in re.split(r"[,;\s]+", value or "") if text]
        references = self.sudo().l10n_cl_ai_reference_ids.filtered(
            lambda reference: reference.document_type_id.code in PO_REFERENCE_TYPES
        )
        texts += [folio.strip() for folio in references.mapped("folio") if folio and folio.strip()]
        numbers = {
            _number(reference.folio) for reference in references if reference.document_type_id.code == "801"
        } - {None}
        return list(dict.fromkeys(texts)), numbers

    def _l10n_cl_ai_open_orders_domain(self):
        return [
            ("company_id", "=", self.company_id.id),
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("state", "=", "purchase"),
        ]

    def _l10n_cl_ai_referenced_orders(self, texts, numbers):
        """The vendor's confirmed orders named by ``texts`` (by name or by the vendor's reference) or
        numbered by ``numbers`` (801 folios)."""
        if not (texts or numbers) or not self.commercial_partner_id:
            return self.env["purchase.order"]
        orders = self.env["purchase.order"].search(self._l10n_cl_ai_open_orders_domain())
        return orders.filtered(
            lambda order: (
                order.name in texts
                or (order.partner_ref and order.partner_ref in texts)
                or _number(order.name) in numbers
            )
        )

    # -- matching -----------------------------------------------------------------------------------------
    def _l10n_cl_ai_match_purchase_orders(self):
        """Link the bill's lines to purchase-order lines (Odoo, then ours, then Claude queued) and run the
        three-way checks. Returns the validation record of the checks (or an empty recordset)."""
        self.ensure_one()
        texts, numbers = self._l10n_cl_ai_po_references()
        orders = self._l10n_cl_ai_referenced_orders(texts, numbers)
        references = list(dict.fromkeys(orders.mapped("name") + texts))
        if any(
            line.display_type == "product" and not line.purchase_line_id for line in self.invoice_line_ids
        ):
            self._find_and_set_purchase_orders(references, self.commercial_partner_id.id, self.amount_total)
        odoo_linked = self.invoice_line_ids.filtered(
            lambda line: line.purchase_line_id and not line.l10n_cl_ai_po_link
        )
        if odoo_linked:
            odoo_linked.write({"l10n_cl_ai_po_link": "odoo", "l10n_cl_ai_po_score": 1.0})
        unmatched = self._l10n_cl_ai_match_lines(orders)
        if unmatched:
            self.env["l10n_cl_ai.po.proposal"]._queue_for(self, unmatched)
        return self._l10n_cl_ai_three_way()

    def _l10n_cl_ai_open_po_lines(self):
        """The vendor's open purchase-order lines (confirmed, quantity left to bill), and
        ``{line: quantity billed}`` counted on the bill lines that exist: Odoo's ``qty_invoiced`` keeps
        the quantity of an order line whose last bill line was deleted (as its own matcher does when it
        adds a referenced order's lines and removes those it did not match)."""
        self.env.flush_all()
        lines = self.env["purchase.order.line"].search(
            [
                ("order_id", "in", self.env["purchase.order"]._search(self._l10n_cl_ai_open_orders_domain())),
                ("display_type", "=", False),
            ]
        )
        billed = lines._prepare_qty_invoiced()
        return lines.filtered(lambda line: line.product_qty - billed[line] > 0), billed

    def _l10n_cl_ai_match_lines(self, orders):
        """Our line matching for the product lines still unlinked; returns ``{line: reason}`` of the
        lines left unmatched (reasons are ``po_match``'s codes)."""
        from odoo.addons.l10n_cl_ai.services.bill_coding import po_match

        lines = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and not line.purchase_line_id
        )
        if not lines:
            return {}
        vendor_id = self.commercial_partner_id.id
        po_lines, billed = self._l10n_cl_ai_open_po_lines()
        plain = [
            po_match.PoLine(
                line.id,
                line.order_id.id,
                vendor_id,
                line.name or "",
                line.product_qty,
                line.price_unit,
                line.qty_received,
                billed[line],
                line.product_id.id or None,
            )
            for line in po_lines
        ]
        bill_lines = [
            po_match.BillLine(
                line.id, line.name or "", line.quantity, line.price_unit, line.product_id.id or None
            )
            for line in lines
        ]
        embedder = self.env["l10n_cl_ai.engine"]._services().embedder if plain else None
        linked = self.invoice_line_ids.purchase_line_id.order_id  # by Odoo's matcher or a user
        result = po_match.match_bill(
            vendor_id,
            bill_lines,
            plain,
            embedder,
            referenced_order_ids=orders.ids,
            linked_order_ids=linked.ids,
        )
        by_id = {line.id: line for line in lines}
        for match in result.matches:
            by_id[match.bill_line_id].write(
                {
                    "purchase_line_id": match.po_line_id,
                    "l10n_cl_ai_po_link": match.matched_by,
                    "l10n_cl_ai_po_score": match.score,
                }
            )
        if result.matches and not self.invoice_origin:
            self.invoice_origin = ",".join(self.invoice_line_ids.purchase_line_id.order_id.mapped("name"))
        return {by_id[item.bill_line_id]: item.reason for item in result.unmatched}
