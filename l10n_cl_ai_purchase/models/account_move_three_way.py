"""Three-way checks of a vendor bill (order, receipt, bill) on the bill's DTE check record.

The findings go to the bill's DTE check (``l10n_cl_ai.validation``, source "Rules"): its last validation
when the bill has not changed since (a received DTE's checks), else a new one; with its verdict and badge:

- ``OC_PRECIO`` (warning): a line's unit price is above its order line's by more than the
  ``po_price_tolerance_pct`` setting;
- ``OC_CANTIDAD`` (error): the quantity billed (this bill plus the posted ones) is above what was
  received, for goods, or above what was ordered, for services (and lines without a product);
- ``OC_YA_FACTURADA`` (error): the order line was already fully billed by posted bills;
- ``OC_SIN_OC`` (warning): no line is linked to an order although most of the vendor's posted bills
  (at least ``SIN_OC_MIN_BILLS``) were.
"""

from odoo import Command, models

from odoo.addons.l10n_cl_ai.models.validation import MOVE_STATE_OF
from odoo.addons.l10n_cl_ai.services import dte_rules

SIN_OC_MIN_BILLS = 3
SIN_OC_SHARE = 0.5
SIN_OC_LOOKBACK = 20
EPSILON = 1e-6


class AccountMove(models.Model):
    # one concept per file (the house rule): this file is the three-way check part of account.move
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _l10n_cl_ai_three_way(self):
        """Run the checks and store them on the bill's DTE check: the last validation of the bill when it
        is done and the bill has not changed since (a received DTE's checks: the ``OC_`` findings of an
        earlier run are replaced, the verdict recomputed), else a new validation (none when the bill
        involves no purchase order at all). Returns the validation."""
        self.ensure_one()
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        findings = self._l10n_cl_ai_three_way_findings(settings)
        linked = self.invoice_line_ids.filtered("purchase_line_id")
        validation = self._l10n_cl_ai_current_validation()
        if not findings and not linked and not validation:
            return self.env["l10n_cl_ai.validation"]
        created = not validation
        if created:
            validation = self.env["l10n_cl_ai.validation"]._create_for(self, "done")
            validation.sudo().write(
                {
                    "date": self.env.cr.now(),
                    "ai_status": "skipped",
                    "ai_reason": self.env._("Purchase order checks (three-way): not reviewed by Claude."),
                }
            )
        old = validation.finding_ids.filtered(lambda finding: finding.code.startswith("OC_"))
        validation.sudo().write(
            {
                "finding_ids": [Command.unlink(finding.id) for finding in old]
                + [Command.create(dict(finding, source="deterministic")) for finding in findings]
            }
        )
        severities = set(
            validation.finding_ids.filtered(lambda f: f.source == "deterministic").mapped("severity")
        )
        rules = "reject" if "error" in severities else "review" if "warning" in severities else "send"
        verdict = dte_rules.worse(rules, validation.ai_recommendation or "send")
        validation.sudo().write(
            {
                "deterministic_recommendation": rules,
                "recommendation": verdict,
                "result_state": MOVE_STATE_OF[verdict],
            }
        )
        if created:
            self._l10n_cl_ai_store_result(validation, self.env["l10n_cl_ai.dte.snapshot"]._snapshot(self))
        else:
            self._l10n_cl_ai_write_own({"l10n_cl_ai_state": validation.result_state})
        validation._post_summary()
        return validation

    def _l10n_cl_ai_current_validation(self):
        """The bill's last validation when it is done and the bill has not changed since, else none."""
        move = self.sudo()
        last = move.l10n_cl_ai_last_validation_id
        snapshots = self.env["l10n_cl_ai.dte.snapshot"].sudo()
        if (
            last
            and last.state == "done"
            and move.l10n_cl_ai_state != "not_checked"
            and snapshots._fingerprint(move) == move.l10n_cl_ai_fingerprint
        ):
            return last
        return self.env["l10n_cl_ai.validation"]

    def _l10n_cl_ai_three_way_findings(self, settings):
        """``[{code, severity, field, message}]`` of the bill's lines against their order lines."""
        findings = []
        tolerance = settings.po_price_tolerance_pct / 100.0
        linked = self.invoice_line_ids.filtered("purchase_line_id")
        for po_line in linked.purchase_line_id:
            lines = linked.filtered(lambda line, po_line=po_line: line.purchase_line_id == po_line)
            label = f"{po_line.order_id.name}: {po_line.name}"
            for line in lines:
                if (
                    po_line.price_unit > 0
                    and line.price_unit > po_line.price_unit * (1 + tolerance) + EPSILON
                ):
                    findings.append(
                        self._l10n_cl_ai_finding(
                            "OC_PRECIO",
                            "warning",
                            line,
                            self.env._(
                                "%(line)s: unit price %(price)s is above the order's %(ordered)s "
                                "(tolerance %(tolerance)s%%).",
                                line=label,
                                price=line.price_unit,
                                ordered=po_line.price_unit,
                                tolerance=settings.po_price_tolerance_pct,
                            ),
                        )
                    )
            before = self._l10n_cl_ai_billed_elsewhere(po_line)
            billed = before + sum(lines.mapped("quantity"))
            if before >= po_line.product_qty - EPSILON:
                findings.append(
                    self._l10n_cl_ai_finding(
                        "OC_YA_FACTURADA",
                        "error",
                        lines[:1],
                        self.env._(
                            "%(line)s: already fully billed (%(billed)s of %(ordered)s) by posted bills.",
                            line=label,
                            billed=before,
                            ordered=po_line.product_qty,
                        ),
                    )
                )
                continue
            goods = po_line.product_id.type == "consu"
            limit = po_line.qty_received if goods else po_line.product_qty
            if billed > limit + EPSILON:
                message = (
                    self.env._(
                        "%(line)s: %(billed)s billed but only %(limit)s received.",
                        line=label,
                        billed=billed,
                        limit=limit,
                    )
                    if goods
                    else self.env._(
                        "%(line)s: %(billed)s billed but %(limit)s ordered.",
                        line=label,
                        billed=billed,
                        limit=limit,
                    )
                )
                findings.append(self._l10n_cl_ai_finding("OC_CANTIDAD", "error", lines[:1], message))
        if not linked and self._l10n_cl_ai_vendor_uses_orders():
            findings.append(
                self._l10n_cl_ai_finding(
                    "OC_SIN_OC",
                    "warning",
                    self.env["account.move.line"],
                    self.env._(
                        "%(vendor)s usually bills against purchase orders, and this bill is linked to none.",
                        vendor=self.commercial_partner_id.display_name,
                    ),
                )
            )
        return findings

    def _l10n_cl_ai_finding(self, code, severity, line, message):
        return {
            "code": code,
            "severity": severity,
            "field": f"lines[{line.id}]" if line else "references",
            "message": message,
        }

    def _l10n_cl_ai_billed_elsewhere(self, po_line):
        """The quantity of ``po_line`` on other posted bills (credit notes subtract)."""
        total = 0.0
        for line in po_line.sudo().invoice_lines:
            move = line.move_id
            if move == self or move.state != "posted":
                continue
            total += -line.quantity if move.move_type == "in_refund" else line.quantity
        return total

    def _l10n_cl_ai_vendor_uses_orders(self):
        """Most of the vendor's recent posted bills (at least ``SIN_OC_MIN_BILLS``) reference an order."""
        bills = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("move_type", "=", "in_invoice"),
                ("state", "=", "posted"),
                ("id", "!=", self.id),
            ],
            order="invoice_date desc, id desc",
            limit=SIN_OC_LOOKBACK,
        )
        if len(bills) < SIN_OC_MIN_BILLS:
            return False
        with_orders = bills.filtered(lambda bill: bill.invoice_line_ids.purchase_line_id)
        return len(with_orders) >= SIN_OC_SHARE * len(bills)
