"""The SII monitor's settings in Settings > Chilean AI: stored, validated, and switches that stay off."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestSiiSettings(L10nClAiCase):
    def _settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def _read(self):
        return self.env["l10n_cl_ai.engine"]._read_settings()

    def test_defaults_follow_this_years_sii_pages_and_feed_the_knowledge_base(self):
        settings = self._read()
        self.assertEqual(settings.sii_urls, "")
        self.assertEqual((settings.sii_priority_threshold, settings.sii_knowledge), (4, True))
        self.assertEqual(settings.sii_model, "claude-haiku-5-5")
        form = self._settings()
        self.assertTrue(form.l10n_cl_ai_sii_knowledge)
        self.assertEqual(form.l10n_cl_ai_sii_priority_threshold, 4)

    def test_values_are_stored_and_read_by_the_engine(self):
        self._settings(
            l10n_cl_ai_sii_urls="https://www.sii.cl/noticias/{year}/index.html",
            l10n_cl_ai_sii_priority_threshold=3,
            l10n_cl_ai_sii_model="claude-sonnet-5-5",
        ).execute()
        settings = self._read()
        self.assertEqual(settings.sii_urls, "https://www.sii.cl/noticias/{year}/index.html")
        self.assertEqual((settings.sii_priority_threshold, settings.sii_model), (3, "claude-sonnet-5-5"))
        self.assertEqual(self.env["l10n_cl_ai.engine"]._model_for("sii", settings), "claude-sonnet-5-5")

    def test_bad_pages_and_thresholds_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "ftp://sii.cl/x"):
            self._settings(l10n_cl_ai_sii_urls="https://www.sii.cl/{year}/a.htm ftp://sii.cl/x").execute()
        with self.assertRaisesRegex(ValidationError, "between 1 and 5"):
            self._settings(l10n_cl_ai_sii_priority_threshold=6).execute()
        self.assertEqual(self._read().sii_urls, "")

    def test_switches_on_by_default_can_be_turned_off(self):
        """Odoo deletes the parameter of an unchecked box, which would read back as "on"."""
        self._settings(l10n_cl_ai_sii_knowledge=False, l10n_cl_ai_dte_ai_review=False).execute()
        settings = self._read()
        self.assertFalse(settings.sii_knowledge)
        self.assertFalse(settings.dte_ai_review)
        form = self._settings()
        self.assertFalse(form.l10n_cl_ai_sii_knowledge, "the form shows what is in force")
        self._settings(l10n_cl_ai_sii_knowledge=True, l10n_cl_ai_dte_ai_review=True).execute()
        self.assertTrue(self._read().sii_knowledge)
