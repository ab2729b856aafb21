"""Shared setup of the DTE validation tests (no test of its own): a Chilean company with the l10n_cl
chart, realistic customers, document types, and the engine fakes (Anthropic over HTTP, a real Redis)."""

import datetime
import json

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import EngineHarnessMixin

DOC_REFS = {
    "33": "l10n_cl.dc_a_f_dte",
    "34": "l10n_cl.dc_y_f_dte",
    "39": "l10n_cl.dc_b_f_dte",
    "41": "l10n_cl.dc_b_e_dte",
    "56": "l10n_cl.dc_nd_f_dte",
    "61": "l10n_cl.dc_nc_f_dte",
    "801": "l10n_cl.dc_odc",
}
COMPANY_RUT = "76086428-5"
CUSTOMER_RUT = "77123456-9"
PERSON_RUT = "12345678-5"
PERSON_NAME = "María José Fuentes Rojas"


def claude_review(confidence=90, findings=(), recommendation="send"):
    """A review reply as Claude sends it (structured JSON)."""
    return {"confidence": confidence, "findings": list(findings), "recommendation": recommendation}


class DteTestCommon(EngineHarnessMixin, AccountTestInvoicingCommon):
    """A Chilean company (RUT, giro, address, documents journal) with a company customer and a natural
    person customer; ``_invoice`` creates realistic documents."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("cl")
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes()
        cls.set_engine_params(
            retry_max_attempts="2",
            retry_backoff_s="0.01",
            breaker_failure_threshold="50",
            dte_ai_review="True",
            dte_ai_review_on_errors="False",
            minimize_personal_data="True",
        )
        # Documents are dated relative to Chile's today (the addon's own notion of it), two days back: far
        # from the future-date and the 90-day checks, and still valid if a test runs past midnight.
        cls.issue_date = cls.env["l10n_cl_ai.dte.snapshot"]._today() - datetime.timedelta(days=2)
        cls.company = cls.company_data["company"]
        cls.company.write(
            {"vat": COMPANY_RUT, "street": "Av. Providencia 1208, of. 401", "city": "Providencia"}
        )
        cls.company.partner_id.write(
            {
                "l10n_cl_sii_taxpayer_type": "1",
                "l10n_cl_activity_description": "Venta al por mayor de artículos de oficina",
                "is_company": True,
            }
        )
        cls.journal = cls.company_data["default_journal_sale"]
        cls.journal.l10n_latam_use_documents = True
        chart = cls.env["account.chart.template"].with_company(cls.company)
        cls.vat = chart.ref("ITAX_19")
        cls.vat_included = cls.vat.copy(
            {"name": "19% IVA incluido", "price_include_override": "tax_included"}
        )
        chile = cls.env.ref("base.cl")
        rut_type = cls.env.ref("l10n_cl.it_RUT")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Constructora Cordillera Ltda.",
                "is_company": True,
                "vat": CUSTOMER_RUT,
                "l10n_latam_identification_type_id": rut_type.id,
                "l10n_cl_sii_taxpayer_type": "1",
                "l10n_cl_activity_description": "Construcción de edificios",
                "street": "Los Carrera 567",
                "city": "Concepción",
                "country_id": chile.id,
                "email": "pagos@cordillera.example.cl",
            }
        )
        cls.person = cls.env["res.partner"].create(
            {
                "name": PERSON_NAME,
                "is_company": False,
                "vat": PERSON_RUT,
                "l10n_latam_identification_type_id": rut_type.id,
                "l10n_cl_sii_taxpayer_type": "1",
                "l10n_cl_activity_description": "Servicios de arquitectura",
                "street": "Pasaje Los Aromos 12",
                "city": "Ñuñoa",
                "country_id": chile.id,
                "email": "mjfuentes@example.cl",
            }
        )
        cls.consumer = cls.env.ref("l10n_cl.par_cfa")

    def setUp(self):
        super().setUp()
        # rate-limit windows and the circuit breaker live in Redis, outside the test transaction
        self.env["l10n_cl_ai.engine"].sudo()._services().redis.flushdb()

    @classmethod
    def _cash_rounding(cls):
        """Cash rounding to 10 pesos, added as an invoice line (what Chilean cash sales use)."""
        return cls.env["account.cash.rounding"].create(
            {
                "name": "Redondeo a 10 pesos",
                "rounding": 10,
                "strategy": "add_invoice_line",
                "rounding_method": "HALF-UP",
                "profit_account_id": cls.company_data["default_account_revenue"].id,
                "loss_account_id": cls.company_data["default_account_expense"].id,
            }
        )

    @classmethod
    def _doc(cls, code):
        return cls.env.ref(DOC_REFS[code])

    @classmethod
    def _invoice(cls, lines=None, doc="33", partner=None, move_type="out_invoice", post=False, **values):
        """A document of ``doc`` type; ``lines``: ``(name, quantity, price_unit, taxes)`` tuples."""
        lines = lines if lines is not None else [("Resma papel carta 500 hojas", 40, 3990, cls.vat)]
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.customer).id,
                "journal_id": cls.journal.id,
                "invoice_date": values.pop("invoice_date", cls.issue_date),
                "l10n_latam_document_type_id": cls._doc(doc).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.set(taxes.ids)],
                        }
                    )
                    for name, qty, price, taxes in lines
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def _codes(self, validation, source=None):
        findings = validation.finding_ids
        if source:
            findings = findings.filtered(lambda finding: finding.source == source)
        return set(findings.mapped("code"))

    def _request_texts(self):
        """Every body the fake Anthropic server received (messages and token counts), as JSON text."""
        return [json.dumps(request.body, ensure_ascii=False) for request in self.anthropic.requests]
