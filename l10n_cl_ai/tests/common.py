"""Common base for Odoo tests: a fake Anthropic server and a real Redis, wired into the settings.

Both are started once per test class on 127.0.0.1 and written into ``ir.config_parameter`` inside the test
transaction, so every engine service the tests build talks to them and nothing reaches the internet.

The registry is put in test mode for the class: the cursors the engine opens itself (the usage ledger's
own committed cursor, the budget's fresh read, the crons) wrap the test's transaction, so they see its
records and are rolled back with it. ``registry_test_mode=False`` keeps real cursors, for the tests that
prove what survives a rollback.
"""

import datetime
import json

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .fakes.fake_anthropic import FakeAnthropic
from .fakes.redis_server import RedisServer

TEST_API_KEY = "sk-ant-test-key-0123456789"


class EngineHarnessMixin:
    """Start the fakes for the class; ``self.anthropic`` and ``self.redis_server`` are the handles."""

    @classmethod
    def _start_engine_fakes(cls, registry_test_mode=True, write_params=True):
        cls.anthropic = FakeAnthropic(api_key=TEST_API_KEY)
        cls.anthropic.start()
        cls.addClassCleanup(cls.anthropic.stop)
        cls.redis_server = RedisServer().start()
        cls.addClassCleanup(cls.redis_server.close)
        if not write_params:  # the test writes them itself (on its own cursors)
            return
        cls.set_engine_params(
            api_key=TEST_API_KEY,
            base_url=cls.anthropic.base_url,
            redis_url=cls.redis_server.url,
            model="claude-sonnet-5-5",
            timeout_s="5",
        )
        if registry_test_mode and not cls._registry_patched:
            cls.registry_enter_test_mode_cls()

    @classmethod
    def company_user(cls, login, groups, companies):
        """A user in ``groups`` (comma-separated XML ids) working in ``companies`` (the first is current)."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=companies[:1].id,
            company_ids=[Command.set(companies.ids)],
        )

    @classmethod
    def run_validation_queue(cls):
        """Run the DTE validation queue's scheduled action now (Claude's reviews), as the cron does."""
        cls.env.flush_all()
        cls.env.ref("l10n_cl_ai.ir_cron_dte_validation_queue").method_direct_trigger()
        cls.env.invalidate_all()

    @classmethod
    def set_engine_params(cls, **values):
        params = cls.env["ir.config_parameter"].sudo()
        for name, value in values.items():
            params.set_param(f"l10n_cl_ai.{name}", value)

    def setUp(self):
        super().setUp()
        self.anthropic.clear()


class L10nClAiCase(EngineHarnessMixin, TransactionCase):
    """TransactionCase with the fake Anthropic API and a real Redis configured."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes()


class CommittedRowsCase(EngineHarnessMixin, TransactionCase):
    """Tests on real cursors (the registry NOT in test mode): what survives a rollback is read from
    another real transaction. The ledger rows they commit are deleted when each test ends
    (``_delete_more_committed`` deletes other committed rows of theirs)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes(registry_test_mode=False, write_params=False)

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM l10n_cl_ai_usage")
            self.first_new_id = cr.fetchone()[0] + 1
        self.addCleanup(self._delete_committed_rows)

    def _delete_committed_rows(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM l10n_cl_ai_usage WHERE id >= %s", [self.first_new_id])
            self._delete_more_committed(cr)
        # the parameters read on the rolled-back cursors must not stay in this process' caches
        self.registry.clear_cache()

    def _delete_more_committed(self, cr):
        """Delete the other rows this test committed (none by default)."""



class PayrollPeriodMixin:
    """Previred's page of July 2025 served on a fake site and read by its scheduled action, and the SII's
    impuesto único brackets of that month stored: a period a liquidación can be calculated in."""

    PREVIRED_PATH = "/indicadores-previsionales/"

    @classmethod
    def _load_payroll_period(cls):
        from ..services.payroll import tax_table  # noqa: PLC0415 - only the payroll tests need it
        from .fakes import payroll_pages  # noqa: PLC0415
        from .fakes.fake_sii import FakeSii  # noqa: PLC0415

        cls.site = FakeSii().start()
        cls.addClassCleanup(cls.site.stop)
        cls.site.set_page(cls.PREVIRED_PATH, payroll_pages.previred_page())
        cls.set_engine_params(previred_url=cls.site.url(cls.PREVIRED_PATH))
        cls.env["l10n_cl_ai.payroll.indicators"]._cron_previred()
        brackets = tax_table.parse(payroll_pages.tax_page(), 2025)[(2025, 7)]
        cls.env["l10n_cl_ai.payroll.month"]._upsert(
            "2025-07", {"tax_brackets": [bracket.as_dict() for bracket in brackets]}
        )

# -- DTE documents: a Chilean company, its customers and document types --------------------------------
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
