"""The payroll indicators' settings in Settings > Chilean AI: defaults are the real pages, values are stored,
bad pages refused, the rate switches stay off once turned off."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..services.payroll import sources
from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestPayrollSettings(L10nClAiCase):
    def _settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def _read(self):
        return self.env["l10n_cl_ai.engine"]._read_settings()

    def test_defaults_are_the_real_pages_and_both_rates_on(self):
        settings = self._read()
        urls = sources.values_urls(settings.sii_values_urls, 2026)
        self.assertEqual(urls["uf"], "https://www.sii.cl/valores_y_fechas/uf/uf2026.htm")
        self.assertEqual(urls["utm"], "https://www.sii.cl/valores_y_fechas/utm/utm2026.htm")
        self.assertEqual(urls["dolar"], "https://www.sii.cl/valores_y_fechas/dolar/dolar2026.htm")
        self.assertEqual(
            urls["impuesto"],
            "https://www.sii.cl/valores_y_fechas/impuesto_2da_categoria/impuesto2026.htm",
        )
        self.assertEqual(settings.previred_url, "https://www.previred.com/indicadores-previsionales/")
        self.assertEqual((settings.payroll_fill_uf, settings.payroll_fill_usd), (True, True))
        self.assertAlmostEqual(settings.payroll_mutual_rate, 0.93)
        form = self._settings()
        self.assertEqual(form.l10n_cl_ai_sii_values_urls, sources.DEFAULT_SII_VALUES_SETTING)
        self.assertTrue(form.l10n_cl_ai_payroll_fill_uf)

    def test_values_are_stored_and_a_page_left_out_keeps_its_default(self):
        self._settings(
            l10n_cl_ai_sii_values_urls="http://127.0.0.1:9/uf{year}.htm, http://127.0.0.1:9/utm{year}.htm",
            l10n_cl_ai_previred_url="http://127.0.0.1:9/previred/",
            l10n_cl_ai_payroll_mutual_rate=1.63,
        ).execute()
        settings = self._read()
        urls = sources.values_urls(settings.sii_values_urls, 2025)
        self.assertEqual(urls["uf"], "http://127.0.0.1:9/uf2025.htm")
        self.assertEqual(urls["utm"], "http://127.0.0.1:9/utm2025.htm")
        self.assertEqual(urls["dolar"], "https://www.sii.cl/valores_y_fechas/dolar/dolar2025.htm")
        self.assertEqual(settings.previred_url, "http://127.0.0.1:9/previred/")
        self.assertAlmostEqual(settings.payroll_mutual_rate, 1.63)

    def test_bad_pages_and_rates_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "ftp://sii.cl/uf{year}"):
            self._settings(l10n_cl_ai_sii_values_urls="ftp://sii.cl/uf{year}").execute()
        with self.assertRaisesRegex(ValidationError, "https://www.sii.cl/uf.htm"):
            self._settings(l10n_cl_ai_sii_values_urls="https://www.sii.cl/uf.htm").execute()
        with self.assertRaisesRegex(ValidationError, "not an http"):
            self._settings(l10n_cl_ai_previred_url="previred.com").execute()
        with self.assertRaisesRegex(ValidationError, "between 0 and 10"):
            self._settings(l10n_cl_ai_payroll_mutual_rate=12).execute()
        self.assertEqual(self._read().sii_values_urls, sources.DEFAULT_SII_VALUES_SETTING)

    def test_rate_switches_can_be_turned_off(self):
        self._settings(l10n_cl_ai_payroll_fill_uf=False, l10n_cl_ai_payroll_fill_usd=False).execute()
        settings = self._read()
        self.assertEqual((settings.payroll_fill_uf, settings.payroll_fill_usd), (False, False))
        self.assertFalse(self._settings().l10n_cl_ai_payroll_fill_usd, "the form shows what is in force")
