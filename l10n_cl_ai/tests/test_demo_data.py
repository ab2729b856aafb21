from psycopg2 import IntegrityError
from stdnum.cl import rut

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..hooks import uninstall_hook


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

    def test_uninstall_keeps_the_demo_companies_and_partners_as_business_data(self):
        """Uninstalling deletes every record the addon's XML ids name: the demo company cannot be deleted
        (it has journal entries), so the hook forgets those XML ids first and the records stay."""
        company = self.env.ref("l10n_cl_ai.demo_company")
        partner = self.env.ref("l10n_cl_ai.partner_los_andes")
        view = self.env.ref("l10n_cl_ai.view_model_price_form")
        try:
            with self.env.cr.savepoint():
                company.unlink()  # what uninstalling would try without the hook
                self.env.flush_all()
        except (UserError, IntegrityError):
            refused = True
        else:
            refused = False
        self.assertTrue(refused, "a company with journal entries cannot be deleted")
        uninstall_hook(self.env)
        named = self.env["ir.model.data"].search([("module", "=", "l10n_cl_ai")])
        self.assertFalse(named.filtered(lambda data: data.model in ("res.company", "res.partner")))
        self.assertTrue(company.exists() and partner.exists(), "business data outlives the addon")
        self.assertTrue(named.filtered(lambda data: data.model == "ir.ui.view" and data.res_id == view.id))
