from stdnum.cl import rut

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo database shows every feature at once (``make run`` installs it with demo data)."""

    def test_demo_company_and_documents(self):
        company = self.env.ref("l10n_cl_ai.demo_company", raise_if_not_found=False)
        self.assertTrue(company, "the test database is installed with demo data")
        self.assertEqual(company.currency_id, self.env.ref("base.CLP"))
        self.assertEqual(company.chart_template, "cl")
        self.assertTrue(rut.is_valid(company.vat))
        self.assertTrue(company.l10n_cl_activity_description)
        moves = self.env["account.move"].search([("company_id", "=", company.id)])
        codes = set(moves.l10n_latam_document_type_id.mapped("code"))
        self.assertLessEqual({"33", "34", "56", "61"}, codes)
        self.assertIn("posted", moves.mapped("state"))
        self.assertIn("draft", moves.mapped("state"))

    def test_demo_partners_cover_the_defects(self):
        ref = self.env.ref
        self.assertFalse(rut.is_valid(ref("l10n_cl_ai.partner_invalid_rut").vat))
        self.assertFalse(ref("l10n_cl_ai.partner_no_giro").l10n_cl_activity_description)
        self.assertEqual(ref("l10n_cl_ai.partner_consumer").l10n_cl_sii_taxpayer_type, "3")
        self.assertNotEqual(ref("l10n_cl_ai.partner_foreign").country_id.code, "CL")
