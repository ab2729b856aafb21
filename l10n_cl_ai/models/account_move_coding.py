"""Vendor bills that code themselves: account and analytic suggestions on their lines.

``action_l10n_cl_ai_suggest_coding`` (the button "Suggest accounts (AI)", and what importers call)
suggests, for each line of a draft vendor bill whose product does not define the account, the account
and analytic distribution its company's posted bills vote for (``services/bill_coding``; the history is
the scheduled action's, per company: nothing crosses companies). The suggestion is applied at or above
the threshold setting, else proposed; a line no posted line resembles goes to Claude's queue when the
setting is on (no suggestion at or above the threshold: Claude's answer replaces the weak one, and is
only proposed). Posting a vendor bill wakes the index's scheduled action.
"""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from .bill_coding_index import BILL_TYPES

_lt = LazyTranslate(__name__)
REASON_TEXTS = {
    "no_history": _lt("The company has no posted vendor bill line to learn from yet."),
    "no_close_neighbour": _lt("No posted vendor bill line of the company resembles this description."),
    "empty_description": _lt("The line has no description to compare."),
    "not_indexed": _lt("The company's posted bills are not indexed yet; try again in a few minutes."),
}


class AccountMove(models.Model):
    # one concept per file (the house rule): this file is the bill coding part of account.move
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def action_l10n_cl_ai_suggest_coding(self):
        """Suggest accounts for the lines of these draft vendor bills (history only; Claude is queued)."""
        bills = self.filtered(lambda move: move.move_type in BILL_TYPES and move.state == "draft")
        if not bills:
            raise UserError(self.env._("Account suggestions are made for draft vendor bills only."))
        bills.check_access("write")
        for bill in bills:
            bill.with_company(bill.company_id)._l10n_cl_ai_suggest_coding()
        return True

    def _l10n_cl_ai_after_import(self):
        """What an importer of vendor bills (received DTEs) calls once the bills exist: suggestions for
        their lines (the purchase bridge links purchase orders first)."""
        for bill in self.filtered(lambda move: move.move_type in BILL_TYPES and move.state == "draft"):
            bill.with_company(bill.company_id)._l10n_cl_ai_suggest_coding()
        return True

    def _l10n_cl_ai_suggest_coding(self):
        """Suggestions for the lines that need one; returns the suggestions created."""
        from ..services.bill_coding.records import LineQuery
        from ..services.bill_coding.suggest import suggest

        self.ensure_one()
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        lines = self.invoice_line_ids.filtered(lambda line: line._l10n_cl_ai_needs_coding())
        if not lines:
            return self.env["l10n_cl_ai.coding.suggestion"]
        company_id = self.company_id.id
        vendor_id = self.commercial_partner_id.id
        history = self.env["l10n_cl_ai.bill.coding.index"]._history(company_id)
        if history is not None:
            history = history.with_feedback(
                self.env["l10n_cl_ai.coding.suggestion"]._feedback(company_id, vendor_id)
            )
        created = self.env["l10n_cl_ai.coding.suggestion"]
        queued = False
        for line in lines:
            values = {
                "line_id": line.id,
                "move_id": self.id,
                "company_id": company_id,
                "vendor_id": vendor_id or False,
                "user_id": self.env.uid,
                "description": (line.name or "")[:256],
                "source": "history",
            }
            if history is None:
                found, reason = None, "not_indexed"
            else:
                found = suggest(
                    history,
                    LineQuery(company_id, vendor_id, line.name or "", line.product_id.id or None, self.date),
                )
                reason = found.reason if not found.found else None
            confident = (
                found is not None and found.found and found.confidence >= settings.bill_coding_threshold
            )
            if settings.bill_coding_claude and not confident and reason != "empty_description":
                # no confident neighbour: Claude decides (queued), its answer is only ever proposed
                values.update(state="queued", source="claude", reason=self.env._("Waiting for Claude."))
                queued = True
            elif found is not None and found.found:
                values.update(self._l10n_cl_ai_suggestion_values(line, found, settings))
            else:
                values.update(state="unavailable", reason=REASON_TEXTS[reason]._translate(self.env.lang))
            suggestion = self.env["l10n_cl_ai.coding.suggestion"].sudo().create(values)
            line.with_context(l10n_cl_ai_coding=True).sudo().l10n_cl_ai_suggestion_id = suggestion
            created |= suggestion
        if history is None:
            self.env["l10n_cl_ai.bill.coding.index"]._trigger()
        if queued:
            self.env["l10n_cl_ai.coding.suggestion"]._trigger_queue()
        return created

    def _l10n_cl_ai_suggestion_values(self, line, found, settings):
        """The suggestion's values; at or above the threshold, it is written on the line."""
        applied = found.confidence >= settings.bill_coding_threshold
        detail = found.detail
        values = {
            "account_id": found.account_id,
            "analytic_distribution": found.analytic_distribution or False,
            "confidence": found.confidence,
            "analytic_confidence": found.analytic_confidence,
            "state": "applied" if applied else "proposed",
            "reason": self.env._(
                "%(count)s similar posted line(s), %(same)s of this vendor (best similarity %(best)s).",
                count=detail.get("neighbours", 0),
                same=detail.get("same_vendor", 0),
                best=detail.get("best_similarity", 0),
            ),
        }
        if applied:
            line_values = {"account_id": found.account_id}
            if found.analytic_distribution and found.analytic_confidence >= settings.bill_coding_threshold:
                line_values["analytic_distribution"] = found.analytic_distribution
            line.with_context(l10n_cl_ai_coding=True).write(line_values)
        return values

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if any(move.move_type in BILL_TYPES for move in posted):
            self.env["l10n_cl_ai.bill.coding.index"]._trigger()
        return posted


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    l10n_cl_ai_suggestion_id = fields.Many2one(
        "l10n_cl_ai.coding.suggestion",
        string="Account suggestion",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    l10n_cl_ai_coding_state = fields.Selection(related="l10n_cl_ai_suggestion_id.state", string="Suggestion")
    l10n_cl_ai_suggested_account_id = fields.Many2one(
        related="l10n_cl_ai_suggestion_id.account_id", string="Suggested account"
    )
    l10n_cl_ai_suggestion_confidence = fields.Float(
        related="l10n_cl_ai_suggestion_id.confidence", string="Suggestion confidence"
    )
    l10n_cl_ai_suggestion_reason = fields.Text(
        related="l10n_cl_ai_suggestion_id.reason", string="Suggestion note"
    )

    def _l10n_cl_ai_needs_coding(self):
        """A product line whose product does not define the expense account, not already answered."""
        self.ensure_one()
        if self.display_type != "product":
            return False
        product = self.product_id
        if product and (
            product.property_account_expense_id or product.categ_id.property_account_expense_categ_id
        ):
            return False
        return self.l10n_cl_ai_coding_state not in ("accepted", "rejected", "queued")

    def action_l10n_cl_ai_accept_suggestion(self):
        self.l10n_cl_ai_suggestion_id.filtered(lambda s: s.state in ("proposed", "applied"))._decide(True)
        return True

    def action_l10n_cl_ai_reject_suggestion(self):
        self.l10n_cl_ai_suggestion_id.filtered(lambda s: s.state in ("proposed", "applied"))._decide(False)
        return True

    def write(self, vals):
        """A user who changes the account of a line coded by a suggestion rejects the suggestion."""
        if "account_id" not in vals or self.env.context.get("l10n_cl_ai_coding"):
            return super().write(vals)
        changed = self.filtered(
            lambda line: (
                line.l10n_cl_ai_coding_state in ("applied", "accepted")
                and line.l10n_cl_ai_suggestion_id.account_id.id != vals["account_id"]
            )
        )
        result = super().write(vals)
        if changed:
            changed.l10n_cl_ai_suggestion_id.sudo().write(
                {"state": "rejected", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
        return result
