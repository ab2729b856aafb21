"""The daily payroll values end to end: the SII's UF, dollar, UTM/UTA and impuesto único pages of the year
served by a fake SII on 127.0.0.1 (ISO-8859-1, the real pages' markup), the scheduled action, the rates
written into Odoo (and used by a USD invoice), a page that breaks, /health and the alert channel."""

import datetime
from decimal import Decimal
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..services.payroll import sii_values
from .common import DteTestCommon
from .fakes import payroll_pages as pp
from .fakes.fake_sii import FakeSii

PATHS = {
    "uf": "/valores_y_fechas/uf/uf{year}.htm",
    "utm": "/valores_y_fechas/utm/utm{year}.htm",
    "dolar": "/valores_y_fechas/dolar/dolar{year}.htm",
    "impuesto": "/valores_y_fechas/impuesto_2da_categoria/impuesto{year}.htm",
}


@tagged("post_install", "-at_install")
class TestPayrollValues(DteTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = FakeSii().start()
        cls.addClassCleanup(cls.site.stop)
        cls.year = cls.env["l10n_cl_ai.sii.publication"]._current_year()
        cls.paths = {kind: path.format(year=cls.year) for kind, path in PATHS.items()}
        cls.channel = cls.env["discuss.channel"].create({"name": "Alertas", "channel_type": "channel"})
        cls.set_engine_params(
            sii_values_urls=" ".join(
                cls.site.url(PATHS[kind]) for kind in ("uf", "utm", "dolar", "impuesto")
            ),
            notify_channel_id=str(cls.channel.id),
        )
        year = cls.year
        cls.uf = pp.uf_series(year, until=datetime.date(year, 12, 31))
        cls.dollar = pp.dollar_series(
            year, until=datetime.date(year, 12, 31), holidays=(datetime.date(year, 5, 1),)
        )
        cls.utms = dict(pp.UTM_2025)
        cls.clf = cls.env.ref("base.CLF")
        cls.usd = cls.env.ref("base.USD")

    def setUp(self):
        super().setUp()
        self.serve()
        self.site.clear_requests()
        self.today = datetime.date(self.year, 7, 20)  # not December: no look-ahead page (one test sets it)
        patcher = patch.object(self.registry["l10n_cl_ai.payroll.month"], "_today", lambda model: self.today)
        patcher.start()
        self.addCleanup(patcher.stop)

    def serve(self, uf=None):
        self.site.set_page(self.paths["uf"], pp.daily_page(uf or self.uf, self.year))
        self.site.set_page(
            self.paths["dolar"], pp.daily_page(self.dollar, self.year, title="Dólar observado")
        )
        self.site.set_page(self.paths["utm"], pp.utm_page(self.utms, self.year))
        self.site.set_page(self.paths["impuesto"], pp.tax_page(self.utms, self.year))

    def run_cron(self):
        self.env.flush_all()
        self.env.ref("l10n_cl_ai.ir_cron_payroll_values").method_direct_trigger()
        self.env.invalidate_all()

    def rates(self, currency):
        return self.env["res.currency.rate"].search(
            [("currency_id", "=", currency.id), ("company_id", "=", self.company.id)]
        )

    def warnings(self):
        return self.channel.message_ids.filtered(lambda m: "Payroll indicators warning" in (m.body or ""))

    def test_uf_and_dollar_become_rates_and_utm_and_tax_table_are_stored(self):
        self.clf.active = False
        self.run_cron()
        self.assertTrue(self.clf.active, "CLF activated to hold the UF")
        clf = self.rates(self.clf)
        self.assertEqual(len(clf), len(self.uf), "one rate a day, those published ahead included")
        day = datetime.date(self.year, 7, 15)
        rate = clf.filtered(lambda r: r.name == day)
        self.assertAlmostEqual(rate.rate, 1 / float(self.uf[day]), delta=1e-15)
        self.assertAlmostEqual(rate.inverse_company_rate, float(self.uf[day]), places=6)
        usd = self.rates(self.usd)
        self.assertEqual(len(usd), len(self.dollar), "no rate on weekends and holidays")
        self.assertNotIn(datetime.date(self.year, 5, 1), usd.mapped("name"))
        month = self.env["l10n_cl_ai.payroll.month"]._for_period(f"{self.year}-07")
        self.assertEqual((month.utm, month.uta), (68923, 68923 * 12))
        self.assertEqual(len(month.tax_brackets), 8)
        self.assertEqual(Decimal(month.tax_brackets[1]["factor"]), Decimal("0.04"))
        sources = self.env["l10n_cl_ai.payroll.source"].search([])
        self.assertEqual(set(sources.mapped("state")), {"ok"})
        self.assertEqual(sources.filtered(lambda s: s.kind == "utm").values_read, len(self.utms))

    def test_a_usd_invoice_is_converted_with_the_dollar_of_its_date(self):
        self.run_cron()
        when, dollar = sii_values.last_on_or_before(self.dollar, self.issue_date)
        move = self._invoice(
            lines=[("Licencia anual de software", 1, 250.0, self.env["account.tax"])],
            currency_id=self.usd.id,
        )
        self.assertEqual(move.invoice_currency_rate, 1 / float(dollar))
        expected = int((Decimal(250) * dollar).quantize(Decimal(1)))
        self.assertEqual(move.amount_total_signed, expected, f"250 USD x {dollar} (dollar of {when})")

    def test_an_unchanged_page_writes_nothing_and_a_correction_is_written(self):
        self.run_cron()
        before = {r.id: r.rate for r in self.rates(self.clf)}
        self.run_cron()
        self.assertEqual({r.id: r.rate for r in self.rates(self.clf)}, before)
        day = datetime.date(self.year, 3, 3)
        corrected = dict(self.uf)
        corrected[day] = self.uf[day] + Decimal("1.00")
        self.serve(uf=corrected)
        self.run_cron()
        rates = self.rates(self.clf)
        self.assertEqual(len(rates), len(before), "no duplicate")
        rate = rates.filtered(lambda r: r.name == day)
        self.assertAlmostEqual(rate.rate, 1 / float(corrected[day]), delta=1e-15)

    def test_a_page_that_cannot_be_read_keeps_the_values_and_warns_once(self):
        self.run_cron()
        before = {r.id: r.rate for r in self.rates(self.clf)}
        self.site.set_page(self.paths["uf"], pp.page("<h1>Mantención</h1><p>Volvemos pronto</p>"))
        with mute_logger("odoo.addons.l10n_cl_ai.models.payroll_source"):
            self.run_cron()
            self.run_cron()
        self.assertEqual({r.id: r.rate for r in self.rates(self.clf)}, before, "old values kept")
        source = self.env["l10n_cl_ai.payroll.source"].search([("kind", "=", "uf")])
        self.assertEqual(source.state, "error")
        self.assertIn("could not be read", source.last_error)
        self.assertEqual(len(self.warnings()), 1, "posted once per failure streak")
        self.set_engine_params(metrics_token="tok")
        _code, report = self.env["l10n_cl_ai.health.metrics"]._health("Bearer tok")
        self.assertEqual(report["problems"].get("payroll_sources"), "warn")
        self.assertIn("could not be read", report["payroll_sources"][source.url]["warning"])
        self.serve()
        self.run_cron()
        self.assertEqual(source.state, "ok")
        _code, report = self.env["l10n_cl_ai.health.metrics"]._health("Bearer tok")
        self.assertNotIn("payroll_sources", report["problems"])

    def test_a_new_years_page_with_nothing_published_yet_is_not_a_failure(self):
        self.site.set_page(self.paths["dolar"], pp.daily_page({}, self.year, title="Dólar observado"))
        self.run_cron()
        source = self.env["l10n_cl_ai.payroll.source"].search([("kind", "=", "dolar")])
        self.assertEqual((source.state, source.values_read), ("ok", 0))
        self.assertFalse(self.warnings())

    def test_branches_use_their_root_companys_rates(self):
        """Odoo keeps rates on root companies only: a branch reads its parent's."""
        branch = self.env["res.company"].create({"name": "Sucursal Concepción", "parent_id": self.company.id})
        self.run_cron()
        self.assertEqual(self.env["l10n_cl_ai.payroll.source"].search([]).mapped("state"), ["ok"] * 4)
        self.assertEqual(len(self.rates(self.clf)), len(self.uf))
        day = datetime.date(self.year, 7, 15)
        self.assertAlmostEqual(
            self.clf.with_company(branch)._get_rates(branch, day)[self.clf.id], 1 / float(self.uf[day])
        )

    def test_in_december_next_years_uf_page_is_read_once_published(self):
        self.today = datetime.date(self.year, 12, 12)
        next_year = self.year + 1
        self.run_cron()
        ahead = self.env["l10n_cl_ai.payroll.source"].search([("url", "like", f"uf{next_year}")])
        self.assertEqual(ahead.state, "new", "not published yet (404): no failure")
        self.assertFalse(self.warnings())
        january = pp.uf_series(next_year, start=Decimal("40100.50"), until=datetime.date(next_year, 1, 9))
        self.site.set_page(PATHS["uf"].format(year=next_year), pp.daily_page(january, next_year))
        self.run_cron()
        self.assertEqual(ahead.state, "ok")
        rates = self.rates(self.clf).filtered(lambda r: r.name.year == next_year)
        self.assertEqual(len(rates), 9)
        first = rates.filtered(lambda r: r.name == datetime.date(next_year, 1, 1))
        self.assertAlmostEqual(first.rate, 1 / 40100.50, delta=1e-15)

    def test_rates_switched_off_are_not_written(self):
        self.set_engine_params(payroll_fill_usd="False")
        self.run_cron()
        self.assertFalse(self.rates(self.usd).filtered(lambda r: r.name.year == self.year))
        self.assertTrue(self.rates(self.clf))
        self.assertNotIn(self.paths["dolar"], [path for path, _headers in self.site.requests])
