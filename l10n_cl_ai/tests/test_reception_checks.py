"""The buyer's checks on received bills: every REC_* code through the import, the Validate button, a bill
typed by hand, and Claude's review (it may raise the verdict to "review", never lower a rule's)."""

import datetime
import json

from odoo import Command
from odoo.tests import tagged

from .common import claude_review
from .fakes import dte_xml_factory as fx
from .reception_common import ReceptionCase


@tagged("post_install", "-at_install")
class TestReceptionChecks(ReceptionCase):
    def _import(self, spec=None, **options):
        return self.upload(fx.dte_bytes(spec or self.spec(), **options))

    def test_every_code_through_the_import(self):
        today = self.env["l10n_cl_ai.dte.snapshot"]._today()
        net, _exempt, vat, total = self.spec().computed()
        cases = {
            "receptor": (self.spec(receiver_rut=fx.OTHER_RUT), {}, ["REC_RECEPTOR:error"]),
            "emisor": (self.spec(issuer_rut="96790240-4"), {}, ["REC_EMISOR:error"]),
            "totales": (
                self.spec(folio=1601, total=total + 1),
                {},
                ["REC_BILL_TOTAL:error", "REC_TOTALES:error"],
            ),
            "iva": (self.spec(folio=1602, vat=vat + 1), {}, ["REC_BILL_TOTAL:error", "REC_IVA:error"]),
            "fecha_futura": (
                self.spec(folio=1603, issue_date=today + datetime.timedelta(days=3), due_date=None),
                {},
                ["REC_FECHA:error"],
            ),
            "fecha_credito": (
                self.spec(folio=1604, issue_date=today - datetime.timedelta(days=150), due_date=None),
                {},
                ["REC_FECHA:warning"],
            ),
            "ted_alterado": (
                self.spec(folio=1605),
                {"tamper_total": total + 1000},
                ["REC_BILL_TOTAL:error", "REC_TED:error", "REC_TOTALES:error"],
            ),
            "sin_ted": (self.spec(folio=1606), {"ted": False}, ["REC_TED:error"]),
            "impuesto_adicional": (
                self.spec(folio=1607, other_taxes=[(27, 10, round(net * 0.1))]),
                {},
                ["REC_BILL_TOTAL:error"],
            ),
        }
        for case, (spec, options, expected) in cases.items():
            with self.subTest(case=case):
                bill = self._import(spec, **options)
                self.assertEqual(len(bill), 1)
                self.assertEqual(self.codes(bill), expected)
                self.assertEqual(
                    bill.l10n_cl_ai_state, "error" if any(":error" in c for c in expected) else "review"
                )
                ted = bill.l10n_cl_ai_last_validation_id.finding_ids.filtered(lambda f: f.code == "REC_TED")
                if case == "ted_alterado":
                    self.assertIn(
                        "changed after it was stamped", ted.filtered(lambda f: f.severity == "error").message
                    )
                for finding in bill.l10n_cl_ai_last_validation_id.finding_ids:
                    self.assertNotIn("could not be processed", finding.message, finding.code)

    def test_duplicate_folio_and_partner_mismatch(self):
        first = self._import()
        self.assertEqual(self.codes(first), [])
        second = self._import()
        self.assertEqual(self.codes(second), ["REC_FOLIO_DUPLICADO:error"])
        finding = second.l10n_cl_ai_last_validation_id.finding_ids.filtered(
            lambda f: f.code == "REC_FOLIO_DUPLICADO"
        )
        self.assertIn("1523", finding.message)
        first.partner_id = self.customer
        first.action_l10n_cl_ai_validate()
        self.assertIn("REC_EMISOR:error", self.codes(first))
        self.assertIn("REC_FOLIO_DUPLICADO:error", self.codes(first), "the second bill is there now")

    def test_posting_rule_does_not_hold_received_bills(self):
        self.set_engine_params(dte_post_policy="require")
        bill = self._import(self.spec(receiver_rut=fx.OTHER_RUT))
        self.assertEqual(bill.l10n_cl_ai_state, "error")
        bill.action_post()
        self.assertEqual(bill.state, "posted", "the rule is about what the company sends to the SII")

    def test_validate_button_on_an_imported_bill_reads_the_kept_xml(self):
        bill = self._import(self.spec(), tamper_total=None)
        imported = bill.l10n_cl_ai_last_validation_id
        self.assertTrue(imported)
        line = bill.invoice_line_ids.filtered(lambda line: line.name == "Flete a obra")
        line.price_unit = 26000  # the bill no longer matches the XML's MntTotal
        bill.action_l10n_cl_ai_validate()
        self.assertNotEqual(bill.l10n_cl_ai_last_validation_id, imported)
        self.assertEqual(self.codes(bill), ["REC_BILL_TOTAL:error"])
        info = bill.l10n_cl_ai_last_validation_id.finding_ids.filtered(lambda f: f.severity == "info")
        self.assertEqual(
            info.mapped("code"), ["REC_TED"], "the CAF's SII signature is not checked: said once"
        )

    def test_bill_typed_by_hand_gets_the_checks_that_need_no_xml(self):
        imported = self._import()
        supplier = imported.partner_id
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "journal_id": self.purchase_journal.id,
                "partner_id": supplier.id,
                "invoice_date": self.issue_date,
                "l10n_latam_document_type_id": self._doc("33").id,
                "l10n_latam_document_number": "1523",
                "invoice_line_ids": [Command.create({"name": "Lámina", "quantity": 1, "price_unit": 1000})],
            }
        )
        self.assertTrue(bill.l10n_cl_ai_can_validate)
        bill.action_l10n_cl_ai_validate()
        findings = bill.l10n_cl_ai_last_validation_id.finding_ids
        self.assertEqual(self.codes(bill), ["REC_FOLIO_DUPLICADO:error"])
        self.assertIn("REC_SIN_XML", findings.mapped("code"))
        self.assertNotIn("RUT_RECEPTOR", findings.mapped("code"), "not the pre-send catalogue")

    def test_bill_typed_by_hand_with_a_type_refused_as_a_bill_gets_rec_tipo(self):
        supplier = self._import().partner_id
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "journal_id": self.purchase_journal.id,
                "partner_id": supplier.id,
                "invoice_date": self.issue_date,
                "l10n_latam_document_type_id": self._doc("39").id,
                "l10n_latam_document_number": "1088",
                "invoice_line_ids": [Command.create({"name": "Café", "quantity": 1, "price_unit": 1000})],
            }
        )
        self.assertTrue(bill.l10n_cl_ai_can_validate)
        bill.action_l10n_cl_ai_validate()
        self.assertEqual(self.codes(bill), ["REC_TIPO:error"])
        tipo = bill.l10n_cl_ai_last_validation_id.finding_ids.filtered(lambda f: f.code == "REC_TIPO")
        self.assertIn("boleta", tipo.message)

    def test_claude_can_raise_the_verdict_to_review_never_to_reject(self):
        self.anthropic.reply_json(
            claude_review(
                confidence=40,
                findings=[
                    {
                        "code": "IA_PRECIO_INUSUAL",
                        "severity": "error",
                        "field": "lines[0].price_unit",
                        "message": "El precio es el triple del habitual de este proveedor.",
                    }
                ],
                recommendation="reject",
            )
        )
        bill = self._import()
        self.assertEqual(bill.l10n_cl_ai_last_validation_id.ai_status, "queued")
        self.run_validation_queue()
        validation = bill.l10n_cl_ai_last_validation_id
        self.assertEqual(validation.ai_status, "done")
        self.assertEqual(
            (validation.deterministic_recommendation, validation.recommendation), ("send", "review")
        )
        self.assertEqual(bill.l10n_cl_ai_state, "review")
        self.assertIn("IA_PRECIO_INUSUAL", validation.finding_ids.mapped("code"))

    def test_claude_never_lowers_a_rule_error(self):
        self.set_engine_params(dte_ai_review_on_errors="True")
        self.anthropic.reply_json(claude_review(confidence=99, recommendation="send"))
        bill = self._import(self.spec(receiver_rut=fx.OTHER_RUT))
        self.run_validation_queue()
        validation = bill.l10n_cl_ai_last_validation_id
        self.assertEqual(validation.ai_status, "done")
        self.assertEqual(validation.recommendation, "reject")
        self.assertEqual(bill.l10n_cl_ai_state, "error")


@tagged("post_install", "-at_install")
class TestReceptionMessages(ReceptionCase):
    def test_translated_table_is_the_engines_english_table(self):
        from ..models.reception_messages import RECEPTION_MESSAGES, UNKNOWN_RECEPTION
        from ..services.reception.messages import MESSAGES, UNKNOWN

        self.assertEqual(UNKNOWN_RECEPTION._source, UNKNOWN)
        for key, english in MESSAGES.items():
            self.assertEqual(RECEPTION_MESSAGES[key]._source, english, key)

    def test_messages_render_amounts_and_name_unknown_codes(self):
        from ..models.reception_messages import reception_message

        params = {"reason": "total", "expected": 380801, "total": 380800}
        english = reception_message(self.env, "REC_TOTALES", params)
        self.assertIn("380,801", english)
        unknown = reception_message(self.env, "REC_NOPE", {})
        self.assertIn("REC_NOPE", unknown)


@tagged("post_install", "-at_install")
class TestReceptionReview(ReceptionCase):
    def test_claude_sees_what_the_supplier_billed_before(self):
        earlier = self.upload(fx.dte_bytes(self.spec(folio=1400, items=[fx.item("Cemento 25 kg", 10, 4500)])))
        earlier.action_post()
        for _review in range(2):
            self.anthropic.reply_json(claude_review(confidence=80, recommendation="send"))
        self.upload(fx.dte_bytes(self.spec(folio=1401, items=[fx.item("Cemento 25 kg", 10, 13500)])))
        self.run_validation_queue()
        requests = self.anthropic.messages_requests
        self.assertEqual(len(requests), 2, "the earlier bill's review, then this one's")
        prompt = json.dumps(requests[-1].body, ensure_ascii=False)
        self.assertIn("Cemento 25 kg", prompt)
        self.assertIn('\\"unit_price\\": 4500', prompt)

    def test_received_bill_review_carries_the_reception_instruction_and_a_customer_invoice_not(self):
        from ..services.plugins.reception_review_contract import RECEPTION_INSTRUCTION

        marker = "## Factura RECIBIDA de un proveedor"
        self.assertIn(marker, RECEPTION_INSTRUCTION)
        earlier = self.upload(fx.dte_bytes(self.spec(folio=1410, items=[fx.item("Fierro 12 mm", 20, 8900)])))
        earlier.action_post()
        for _review in range(2):
            self.anthropic.reply_json(claude_review(confidence=80, recommendation="send"))
        self.upload(fx.dte_bytes(self.spec(folio=1411, items=[fx.item("Fierro 12 mm", 20, 26700)])))
        self.run_validation_queue()
        received = json.dumps(self.anthropic.messages_requests[-1].body, ensure_ascii=False)
        self.assertIn(marker, received)
        self.assertIn("IA_PRECIO_INUSUAL", received)
        self.assertIn("Fierro 12 mm", received, "the supplier's history is sent with it")
        self.assertIn('\\"unit_price\\": 8900', received)

        self.anthropic.clear()
        self.anthropic.reply_json(claude_review(confidence=80, recommendation="send"))
        invoice = self._invoice()
        invoice.action_l10n_cl_ai_validate()
        self.run_validation_queue()
        self.assertEqual(len(self.anthropic.messages_requests), 1)
        sent = json.dumps(self.anthropic.messages_requests[0].body, ensure_ascii=False)
        self.assertIn("Revisa el documento", sent, "the invoice review's own prompt")
        self.assertNotIn(marker, sent)
