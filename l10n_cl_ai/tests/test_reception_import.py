"""Received DTE XML through Odoo's import: upload, e-mail to the journal alias, envelopes, hostile files."""

import datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .fakes import dte_xml_factory as fx
from .reception_common import ReceptionCase


@tagged("post_install", "-at_install")
class TestReceptionImport(ReceptionCase):
    def test_upload_fills_the_bill_partner_lines_taxes_and_keeps_the_xml(self):
        spec = self.spec(
            references=[
                {"TpoDocRef": "801", "FolioRef": "OC-4471", "FchRef": "2025-06-01", "RazonRef": "Orden"}
            ]
        )
        bill = self.upload(fx.dte_bytes(spec), name="F1523T33.xml")
        self.assertEqual(len(bill), 1)
        self.assertEqual((bill.move_type, bill.state), ("in_invoice", "draft"))
        partner = bill.partner_id
        self.assertEqual(partner.vat, "96790240-3")
        self.assertTrue(partner.is_company)
        self.assertEqual(partner.name, "Proveedora Ñuñoa SpA")
        self.assertEqual(partner.l10n_cl_activity_description, "Venta de materiales de construcción")
        self.assertEqual((partner.street, partner.city), ("Av. Irarrázaval 1234", "Ñuñoa"))
        self.assertEqual(bill.l10n_latam_document_type_id.code, "33")
        self.assertEqual(bill.l10n_latam_document_number, "001523")
        self.assertEqual(bill.invoice_date, self.issue_date)
        self.assertEqual(bill.invoice_date_due, spec.due_date)
        net, exempt, vat, total = spec.computed()
        self.assertEqual(bill.amount_total, total)
        self.assertEqual(bill.amount_tax, vat)
        self.assertEqual(bill.amount_untaxed, net + exempt)
        freight = bill.invoice_line_ids.filtered(lambda line: line.name == "Flete a obra")
        self.assertFalse(freight.tax_ids, "an IndExe line carries no tax")
        sheet = bill.invoice_line_ids.filtered(lambda line: line.name.startswith("Lámina"))
        self.assertEqual(sheet.tax_ids.amount, 19)
        self.assertEqual(sheet.tax_ids.type_tax_use, "purchase")
        self.assertEqual((sheet.quantity, sheet.price_unit), (2, 150000))
        discount = bill.invoice_line_ids.filtered(lambda line: line.name == "Discount on line 1")
        self.assertEqual(discount.price_subtotal, -10000, "3.33 % would miss the peso: its own line")
        self.assertEqual(bill.l10n_cl_ai_dte_attachment_id.res_id, bill.id)
        self.assertEqual(bill.l10n_cl_ai_dte_attachment_id.raw, fx.dte_bytes(spec))
        ref = bill.l10n_cl_ai_reference_ids
        self.assertEqual(
            (ref.document_type_id.code, ref.folio, str(ref.date)), ("801", "OC-4471", "2025-06-01")
        )
        self.assertEqual(bill.l10n_cl_ai_reception_date, self.env["l10n_cl_ai.dte.snapshot"]._today())
        self.assertEqual(self.codes(bill), [])
        self.assertEqual(bill.l10n_cl_ai_state, "ok")

    def test_an_imported_bill_is_handed_to_the_purchase_matching_and_account_suggestions(self):
        move_class = type(self.env["account.move"])
        original = move_class._l10n_cl_ai_after_import
        with patch.object(
            move_class, "_l10n_cl_ai_after_import", autospec=True, side_effect=original
        ) as hook:
            bill = self.upload(fx.dte_bytes(self.spec()), name="F1523T33.xml")
        self.assertEqual([call.args[0] for call in hook.call_args_list], [bill])

    def test_exact_line_discount_is_a_percentage_and_global_discount_a_line(self):
        spec = self.spec(
            items=[fx.item("Perfil U", 10, 1000, discount=1000), fx.item("Tornillos", 100, 50)],
            global_discounts=[("D", "%", 10, None)],
        )
        bill = self.upload(fx.dte_bytes(spec))
        profile = bill.invoice_line_ids.filtered(lambda line: line.name == "Perfil U")
        self.assertEqual(profile.discount, 10)
        glob = bill.invoice_line_ids.filtered(lambda line: line.name == "Descuento comercial")
        self.assertEqual(glob.price_subtotal, -1400)
        self.assertEqual(bill.amount_total, spec.computed()[3])
        self.assertEqual(self.codes(bill), [])

    def test_existing_supplier_is_found_by_rut_in_any_spelling(self):
        supplier = self.env["res.partner"].create(
            {
                "name": "Proveedora existente",
                "is_company": True,
                "vat": "96.790.240-3",
                "l10n_latam_identification_type_id": self.env.ref("l10n_cl.it_RUT").id,
                "l10n_cl_sii_taxpayer_type": "1",
                "country_id": self.env.ref("base.cl").id,
            }
        )
        bill = self.upload(fx.dte_bytes(self.spec()))
        self.assertEqual(bill.partner_id, supplier)

    def test_credit_note_becomes_a_refund(self):
        spec = self.spec(
            doc_type="61",
            folio=1100,
            references=[
                {
                    "TpoDocRef": "33",
                    "FolioRef": "1523",
                    "FchRef": "2025-06-10",
                    "CodRef": 1,
                    "RazonRef": "Anula factura",
                }
            ],
        )
        bill = self.upload(fx.dte_bytes(spec))
        self.assertEqual((bill.move_type, bill.l10n_latam_document_type_id.code), ("in_refund", "61"))
        self.assertEqual(bill.l10n_cl_ai_reference_ids.codref, "1")
        self.assertEqual(bill.amount_total, spec.computed()[3])

    def test_envelope_imports_the_good_documents_and_reports_the_broken_one_by_folio(self):
        broken = fx.dte_xml(self.spec(folio=1525))
        broken = broken.replace("<MntTotal>", "<MntTotalX>").replace("</MntTotal>", "</MntTotalX>")
        data = fx.envio_bytes([fx.dte_xml(self.spec()), broken, fx.dte_xml(self.spec(folio=1524))])
        bills = self.upload(data, name="envio.xml")
        self.assertEqual(sorted(bills.mapped("l10n_latam_document_number")), ["001523", "001524"])
        first = bills.filtered(lambda b: b.l10n_latam_document_number == "001523")
        report = first.message_ids.filtered(lambda m: "were not imported" in (m.body or ""))
        self.assertEqual(len(report), 1)
        self.assertIn("folio 1525", report.body)
        self.assertIn("MntTotal", report.body)
        for bill in bills:
            self.assertEqual(self.codes(bill), [], bill.name)
            self.assertTrue(bill.l10n_cl_ai_dte_attachment_id)

    def test_types_refused_as_bills_create_no_bill_and_say_why(self):
        reasons = {"39": "boleta", "41": "boleta", "52": "dispatch guide", "46": "buyer issues itself"}
        for doc_type, reason in reasons.items():
            with self.subTest(doc_type=doc_type):
                bills = self.bills()
                with self.assertRaises(UserError) as refused:
                    self.upload(fx.dte_bytes(self.spec(doc_type=doc_type, folio=1088)), name="dte.xml")
                message = str(refused.exception)
                self.assertIn("nothing was created", message)
                self.assertIn(
                    f"Document type {doc_type} folio 1088 was not imported as a vendor bill", message
                )
                self.assertIn(reason, message)
                self.assertEqual(self.bills(), bills)

    def test_envelope_imports_the_bills_and_reports_the_refused_types_by_folio(self):
        data = fx.envio_bytes(
            [
                fx.dte_xml(self.spec(doc_type="39", folio=1088)),
                fx.dte_xml(self.spec()),
                fx.dte_xml(self.spec(doc_type="52", folio=300)),
                fx.dte_xml(self.spec(folio=1524)),
            ]
        )
        bills = self.upload(data, name="envio.xml")
        self.assertEqual(sorted(bills.mapped("l10n_latam_document_number")), ["001523", "001524"])
        self.assertEqual(set(bills.mapped("l10n_latam_document_type_id.code")), {"33"})
        first = bills.filtered(lambda b: b.l10n_latam_document_number == "001523")
        report = first.message_ids.filtered(lambda m: "were not imported" in (m.body or ""))
        self.assertEqual(len(report), 1)
        self.assertIn("Document type 39 folio 1088 was not imported as a vendor bill", report.body)
        self.assertIn("Document type 52 folio 300 was not imported as a vendor bill", report.body)
        for bill in bills:
            self.assertEqual(self.codes(bill), [], bill.name)

    def test_mail_with_a_refused_type_fills_no_bill_and_says_why(self):
        bills = self.mail({"boleta.xml": fx.dte_bytes(self.spec(doc_type="39", folio=1088))})
        self.assertEqual(len(bills), 1, "Odoo keeps the e-mail on one bill, as for any e-mail to the alias")
        self.assertFalse(bills.invoice_line_ids)
        self.assertFalse(bills.l10n_cl_ai_dte_attachment_id)
        notes = bills.message_ids.filtered(lambda m: "not imported" in (m.body or ""))
        self.assertIn("boleta", notes.body)

    def test_mail_to_the_journal_alias_creates_one_bill_per_dte(self):
        sent = datetime.datetime(2025, 3, 1, 2, 0, tzinfo=datetime.UTC)  # 28 Feb 23:00 in Santiago
        data = fx.envio_bytes([fx.dte_xml(self.spec()), fx.dte_xml(self.spec(folio=1524))])
        bills = self.mail({"envio.xml": data}, date=sent)
        self.assertEqual(len(bills), 2)
        self.assertEqual(sorted(bills.mapped("l10n_latam_document_number")), ["001523", "001524"])
        for bill in bills:
            self.assertEqual(bill.partner_id.vat, "96790240-3")
            self.assertEqual(bill.l10n_cl_ai_reception_date, datetime.date(2025, 2, 28))
            self.assertEqual(bill.l10n_cl_ai_claim_deadline, datetime.date(2025, 3, 8))
            self.assertEqual(bill.l10n_cl_ai_dte_attachment_id.res_id, bill.id)
            self.assertTrue(bill.l10n_cl_ai_last_validation_id)

    def test_file_added_to_an_empty_draft_bill_fills_it(self):
        bill = self.env["account.move"].create(
            {"move_type": "in_invoice", "journal_id": self.purchase_journal.id}
        )
        attachment = self.env["ir.attachment"].create(
            {"name": "dte.xml", "raw": fx.dte_bytes(self.spec()), "mimetype": "application/xml"}
        )
        attachment.write({"res_model": "account.move", "res_id": bill.id})
        attachment._post_add_create()
        self.assertEqual(bill.l10n_latam_document_number, "001523")
        self.assertEqual(bill.partner_id.vat, "96790240-3")
        self.assertEqual(bill.l10n_cl_ai_dte_attachment_id, attachment)
        other = self.env["ir.attachment"].create(
            {"name": "otro.xml", "raw": fx.dte_bytes(self.spec(folio=1530)), "mimetype": "application/xml"}
        )
        other.write({"res_model": "account.move", "res_id": bill.id})
        other._post_add_create()
        self.assertEqual(bill.l10n_latam_document_number, "001523", "a filled bill is not overwritten")
        self.assertTrue(bill.message_ids.filtered(lambda m: "already has lines" in (m.body or "")))

    def test_parsed_files_kept_per_cursor_are_bounded(self):
        importer = self.env["l10n_cl_ai.reception.import"]
        for folio in range(1001, 1021):
            importer._parse(fx.dte_bytes(self.spec(folio=folio)))
        self.assertLessEqual(len(self.env.cr.cache["l10n_cl_ai_reception"]), 8)

    # -- hostile input ---------------------------------------------------------------------------------
    def _hostile_files(self):
        good = fx.dte_bytes(self.spec())
        return {
            "doctype": (
                b'<?xml version="1.0"?>\n<!DOCTYPE DTE [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                b'<DTE xmlns="http://www.sii.cl/SiiDte"><Documento>&xxe;</Documento></DTE>',
                "DOCTYPE",
            ),
            "malformed": (good[: len(good) // 2], "not valid XML"),
            "too_large": (good[:200] + b" " * (10 * 1024 * 1024), "limited to"),
            "not_dte": (
                b'<?xml version="1.0"?><RespuestaDTE xmlns="http://www.sii.cl/SiiDte"/>',
                "RespuestaDTE",
            ),
        }

    def test_hostile_upload_is_refused_with_a_clear_error_and_creates_nothing(self):
        for case, (data, expected) in self._hostile_files().items():
            with self.subTest(case=case):
                bills, partners = self.bills(), self.env["res.partner"].search_count([])
                with self.assertRaises(UserError) as refused:
                    self.upload(data, name=f"{case}.xml")
                self.assertIn("nothing was created", str(refused.exception))
                self.assertIn(expected, str(refused.exception))
                self.assertEqual(self.bills(), bills)
                self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_hostile_mail_imports_nothing_and_says_why_on_the_mail_bill(self):
        data, expected = self._hostile_files()["doctype"]
        bills = self.mail({"evil.xml": data})
        self.assertEqual(len(bills), 1, "Odoo keeps the e-mail on one bill, as for any e-mail to the alias")
        self.assertFalse(bills.invoice_line_ids)
        self.assertFalse(bills.partner_id.vat)
        self.assertFalse(bills.l10n_cl_ai_dte_attachment_id)
        notes = bills.message_ids.filtered(lambda m: "not imported" in (m.body or ""))
        self.assertIn(expected, notes.body)

    def test_default_parser_never_reads_a_dtd(self):
        data, _expected = self._hostile_files()["doctype"]
        tree = self.env["account.move"]._get_xml_tree(
            {"name": "x.xml", "raw": data, "mimetype": "application/xml"}
        )
        self.assertIsNone(tree)
        padded = (
            b'<?xml version="1.0"?>\n<!--'
            + b"x" * 100_000
            + b'-->\n<!DOCTYPE r [<!ENTITY e "boom">]>\n<r>&e;</r>'
        )
        file_data = {"name": "other.xml", "raw": padded, "mimetype": "application/xml"}
        self.assertIsNone(self.env["account.move"]._get_xml_tree(file_data), "any file, however padded")
        plain = {"name": "ubl.xml", "raw": b"<Invoice><ID>1</ID></Invoice>", "mimetype": "application/xml"}
        self.assertIsNotNone(self.env["account.move"]._get_xml_tree(plain), "other formats still parse")
