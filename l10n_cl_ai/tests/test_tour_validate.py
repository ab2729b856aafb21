"""In headless Chromium: open a demo invoice, click Validate (AI), see the badge and the findings."""

import shutil
import unittest

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import EngineHarnessMixin, claude_review


@tagged("post_install", "-at_install")
class TestTourValidate(EngineHarnessMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes()
        cls.set_engine_params(dte_ai_review="True", dte_ai_review_on_errors="True", retry_max_attempts="1")

    def setUp(self):
        super().setUp()
        self.env["l10n_cl_ai.engine"].sudo()._services().redis.flushdb()

    def test_validate_a_demo_invoice(self):
        company = self.env.ref("l10n_cl_ai.demo_company", raise_if_not_found=False)
        self.assertTrue(company, "the tour opens the demo invoices: install l10n_cl_ai with demo data")
        self.assertTrue(shutil.which("chromium") or shutil.which("google-chrome"), "Chromium is needed")
        invoice = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", self.env.ref("l10n_cl_ai.partner_no_giro").id),
                ("state", "=", "draft"),
            ],
            limit=1,
        )
        self.assertTrue(invoice)
        self.assertEqual(invoice.l10n_cl_ai_state, "not_checked")
        self.assertFalse(invoice.ref)
        admin = self.env.ref("base.user_admin")
        # the tour reads English labels: admin may work in es_CL (``make setup`` sets it on a demo database)
        admin.write({"company_ids": [Command.link(company.id)], "company_id": company.id, "lang": "en_US"})
        for _review in range(2):  # the second one ends while the form has unsaved edits
            self.anthropic.reply_json(
                claude_review(
                    confidence=35,
                    findings=[
                        {
                            "code": "IA_GLOSA_AMBIGUA",
                            "severity": "warning",
                            "field": "lines[1].name",
                            "message": "La segunda línea no describe qué se cobra; detalle el servicio.",
                        }
                    ],
                    recommendation="review",
                )
            )
        try:
            self.start_tour(
                f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
                "l10n_cl_ai_validate_tour",
                login="admin",
                cookies={"cids": str(company.id)},
            )
        except unittest.SkipTest as skipped:  # a skipped tour proves nothing: fail instead
            self.fail(f"The browser tour could not run: {skipped}")
        invoice.invalidate_recordset()
        self.assertEqual(invoice.l10n_cl_ai_state, "error")
        self.assertEqual(len(self.anthropic.messages_requests), 2, "one review per validation")
        self.assertEqual(invoice.l10n_cl_ai_validation_count, 2)
        self.assertFalse(invoice.ref, "the edit that was pending when the review ended was not saved")
