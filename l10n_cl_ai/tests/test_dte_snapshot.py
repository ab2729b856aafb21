"""The snapshot built from real Chilean moves, and the amount rules on those moves (l10n_cl chart)."""

import datetime

from odoo import Command
from odoo.tests import tagged

from ..services import dte_rules
from .common import DteTestCommon


@tagged("post_install", "-at_install")
class TestDteSnapshot(DteTestCommon):
    def _snapshot(self, move):
        return self.env["l10n_cl_ai.dte.snapshot"]._snapshot(move)

    def _problems(self, move):
        """Codes of the errors and warnings of the rules on ``move`` (infos left out)."""
        return {f.code for f in dte_rules.check(self._snapshot(move)) if f.severity != dte_rules.INFO}

    def test_invoice_with_a_global_discount(self):
        move = self._invoice(
            [
                ("Servicio de mantención", 2, 45000, self.vat),
                ("Descuento global 10%", 1, -9000, self.vat),
            ]
        )
        snap = self._snapshot(move)
        self.assertEqual(snap["document_type"], "33")
        self.assertEqual(snap["currency"], "CLP")
        self.assertEqual([line["subtotal"] for line in snap["lines"]], [90000, -9000])
        self.assertEqual(snap["lines"][0]["taxes"][0]["sii_code"], 14)
        self.assertEqual(snap["lines"][0]["taxes"][0]["rate"], 19.0)
        self.assertEqual(
            (snap["totals"]["amount_untaxed"], snap["totals"]["amount_tax"], snap["totals"]["amount_total"]),
            (81000, 15390, 96390),
        )
        self.assertEqual(
            [(g["sii_code"], g["amount"], g["base"]) for g in snap["totals"]["tax_groups"]],
            [(14, 15390, 81000)],
        )
        self.assertEqual(snap["company"]["rut"], "76086428-5")
        self.assertEqual(snap["company"]["giro"], "Venta al por mayor de artículos de oficina")
        self.assertEqual(snap["partner"]["rut"], "77123456-9")
        self.assertFalse(snap["partner"]["is_natural_person"])
        # EE-only data: no module provides it here, so the rules skip those checks instead of failing
        for name in ("acteco", "resolution", "certificate", "caf", "dte_email"):
            self.assertIsNone(snap["company"][name], name)
        self.assertIsNone(snap["partner"]["dte_email"])
        findings = dte_rules.check(snap)
        self.assertEqual(self._problems(move), set())
        skipped = [f for f in findings if f.code == dte_rules.SKIPPED_CODE]
        self.assertEqual(len(skipped), 1)
        self.assertIn("FOLIO_CAF", skipped[0].params["checks"])

    def test_boleta_gross_amounts(self):
        lines = [(name, 1, 1000, self.vat_included) for name in ("Cuaderno", "Lápiz", "Regla")]
        lines.append(("Descuento", 1, -500, self.vat_included))
        boleta = self._invoice(lines, doc="39", partner=self.consumer)
        snap = self._snapshot(boleta)
        self.assertEqual([line["total"] for line in snap["lines"]], [1000, 1000, 1000, -500])
        self.assertTrue(all(line["taxes"][0]["price_include"] for line in snap["lines"]))
        self.assertEqual(snap["totals"]["amount_total"], 2500)
        self.assertEqual(snap["totals"]["amount_tax"], 399)  # 2500 - round(2500 / 1.19)
        self.assertFalse(snap["partner"]["is_natural_person"], "the anonymous consumer identifies nobody")
        self.assertEqual(self._problems(boleta), set())

    def test_boleta_vat_rounded_per_line_is_caught(self):
        self.company.tax_calculation_rounding_method = "round_per_line"
        lines = [(name, 1, 1000, self.vat_included) for name in ("Cuaderno", "Lápiz", "Regla")]
        boleta = self._invoice(lines, doc="39", partner=self.consumer)
        self.assertEqual(boleta.amount_tax, 480)  # 3 x 160, where the SII computes 3000 - 2521 = 479
        findings = {f.code: f for f in dte_rules.check(self._snapshot(boleta))}
        self.assertEqual(findings["BOLETA_TOTALES"].severity, "error")
        self.assertEqual(findings["BOLETA_TOTALES"].params["expected"], 479)
        self.assertEqual(findings["REDONDEO_GLOBAL"].severity, "warning")

    def test_iva_monto_on_a_real_invoice(self):
        lines = [(name, 1, 1003, self.vat) for name in ("Tóner negro", "Tóner cian", "Tóner magenta")]
        self.assertNotIn("IVA_MONTO", self._problems(self._invoice(lines)))
        self.company.tax_calculation_rounding_method = "round_per_line"
        move = self._invoice(lines)
        self.assertEqual(move.amount_tax, 573)  # 3 x 191 per line; the SII computes round(3009 x 19%) = 572
        findings = {f.code: f for f in dte_rules.check(self._snapshot(move))}
        self.assertEqual(findings["IVA_MONTO"].severity, "error")
        self.assertEqual(
            (findings["IVA_MONTO"].params["actual"], findings["IVA_MONTO"].params["expected"]), (573, 572)
        )

    def test_totales_on_a_real_invoice_with_cash_rounding(self):
        move = self._invoice(
            [("Resma", 1, 1003, self.vat)], invoice_cash_rounding_id=self._cash_rounding().id
        )
        self.assertEqual((move.amount_untaxed, move.amount_total), (999, 1190))
        findings = {f.code: f for f in dte_rules.check(self._snapshot(move))}
        self.assertEqual(findings["TOTALES"].severity, "error")
        self.assertEqual(findings["TOTALES"].params["expected"], 1003)
        move.invoice_cash_rounding_id = False
        self.assertNotIn("TOTALES", self._problems(move))

    def test_credit_note_refers_to_its_origin(self):
        invoice = self._invoice(post=True)
        credit_note = invoice._reverse_moves(
            [
                {
                    "invoice_date": self.issue_date + datetime.timedelta(days=1),
                    "journal_id": self.journal.id,
                    "l10n_latam_document_type_id": self._doc("61").id,
                }
            ]
        )
        snap = self._snapshot(credit_note)
        self.assertEqual(snap["document_type"], "61")
        self.assertEqual(snap["move_type"], "out_refund")
        self.assertEqual(snap["origin"]["doc_type"], "33")
        self.assertEqual(snap["origin"]["folio"], invoice.l10n_latam_document_number)
        self.assertEqual(snap["origin"]["amount_total"], invoice.amount_total)
        self.assertEqual(
            snap["origin"]["codref"], 1
        )  # a credit note cancels its origin unless told otherwise
        self.assertEqual(
            snap["totals"]["amount_total"], invoice.amount_total, "amounts are positive on notes"
        )
        self.assertEqual(self._problems(credit_note), set())
        # a partial credit note that still says "cancels" is flagged
        credit_note.invoice_line_ids.quantity = 10
        self.assertIn("NC_ANULA_TOTAL", self._problems(credit_note))
        credit_note.l10n_cl_ai_origin_codref = "3"
        self.assertEqual(self._problems(credit_note), set())

    def test_note_without_origin_needs_a_reference_line(self):
        note = self._invoice(doc="61", move_type="out_refund")
        self.assertIn("REF_OBLIGATORIA", self._problems(note))
        note.l10n_cl_ai_reference_ids = [
            Command.create(
                {
                    "document_type_id": self._doc("33").id,
                    "folio": "1523",
                    "date": self.issue_date - datetime.timedelta(days=30),
                    "codref": "3",
                    "reason": "Corrige precio unitario",
                }
            )
        ]
        snap = self._snapshot(note)
        self.assertEqual(
            snap["references"],
            [
                {
                    "doc_type": "33",
                    "folio": "1523",
                    "date": snap["references"][0]["date"],
                    "codref": 3,
                    "reason": "Corrige precio unitario",
                    "rut_other": None,
                }
            ],
        )
        self.assertEqual(snap["references"][0]["date"], self.issue_date - datetime.timedelta(days=30))
        self.assertNotIn("REF_OBLIGATORIA", self._problems(note))
        self.assertNotIn("REF_CODREF", self._problems(note))

    def test_debit_note_origin_is_debit_origin_id(self):
        invoice = self._invoice(post=True)
        debit_note = self._invoice(
            [("Intereses por mora", 1, 15000, self.vat)], doc="56", debit_origin_id=invoice.id
        )
        snap = self._snapshot(debit_note)
        self.assertEqual(snap["origin"]["doc_type"], "33")
        self.assertEqual(snap["origin"]["codref"], 3)
        self.assertEqual(self._problems(debit_note), set())

    def test_natural_person_is_flagged(self):
        snap = self._snapshot(self._invoice(partner=self.person))
        self.assertTrue(snap["partner"]["is_natural_person"])
        self.assertEqual(snap["partner"]["rut"], "12345678-5")
