import os
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import config

from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestSettings(L10nClAiCase):
    def _settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def _param(self, name):
        return self.env["ir.config_parameter"].sudo().get_param(f"l10n_cl_ai.{name}")

    def test_values_are_stored_in_config_parameters(self):
        self._settings(
            l10n_cl_ai_daily_budget_usd=12.5,
            l10n_cl_ai_monthly_budget_usd=300,
            l10n_cl_ai_budget_hard_stop=True,
            l10n_cl_ai_limiter_fail_mode="closed",
            l10n_cl_ai_redis_sentinels="127.0.0.1:26379, 127.0.0.2:26380",
            l10n_cl_ai_redis_sentinel_master="mymaster",
            l10n_cl_ai_model="claude-haiku-5-5",
        ).execute()
        self.assertEqual(float(self._param("daily_budget_usd")), 12.5)
        self.assertEqual(float(self._param("monthly_budget_usd")), 300)
        self.assertEqual(self._param("budget_hard_stop"), "True")
        self.assertEqual(self._param("limiter_fail_mode"), "closed")
        self.assertEqual(self._param("redis_sentinel_master"), "mymaster")
        self.assertEqual(self._param("model"), "claude-haiku-5-5")
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        self.assertEqual(settings.daily_budget_usd, 12.5)
        self.assertTrue(settings.budget_hard_stop)
        self.assertEqual(settings.model, "claude-haiku-5-5")

    def test_bad_values_are_refused_and_nothing_is_saved(self):
        cases = {
            "l10n_cl_ai_daily_budget_usd": -1.0,
            "l10n_cl_ai_monthly_budget_usd": -0.01,
            "l10n_cl_ai_redis_url": "http//not-redis",
            "l10n_cl_ai_redis_sentinels": "127.0.0.1, nohost:",
            "l10n_cl_ai_timeout_s": -5.0,
        }
        for field_name, value in cases.items():
            with self.subTest(field=field_name), self.assertRaises(ValidationError):
                self._settings(**{field_name: value, "l10n_cl_ai_redis_sentinel_master": "m"}).execute()
        self.assertEqual(self._param("redis_url"), self.redis_server.url)
        self.assertFalse(self._param("daily_budget_usd"))

    def test_unknown_fail_mode_is_refused(self):
        settings = self._settings()
        # the form's selection cannot hold an unknown value; a value typed elsewhere meets the same check
        with self.assertRaisesRegex(ValidationError, "sometimes"):
            settings._l10n_cl_ai_check_settings({"limiter_fail_mode": "sometimes"})
        settings._l10n_cl_ai_check_settings({"limiter_fail_mode": "closed"})

    def test_sentinels_need_a_master_name(self):
        with self.assertRaisesRegex(ValidationError, "master"):
            self._settings(l10n_cl_ai_redis_sentinels="127.0.0.1:26379").execute()

    def test_error_message_is_translated(self):
        self.env["res.lang"]._activate_lang("es_CL")
        self.env["ir.module.module"]._load_module_terms(["l10n_cl_ai"], ["es_CL"], overwrite=True)
        with self.assertRaisesRegex(ValidationError, "no puede ser negativo"):
            self._settings(l10n_cl_ai_daily_budget_usd=-3).with_context(lang="es_CL").execute()

    def test_deprecated_model_shows_a_warning_and_default_is_current(self):
        settings = self._settings(l10n_cl_ai_model="claude-sonnet-4-5-20250929")
        self.assertIn("deprecated", settings.l10n_cl_ai_model_warning)
        self.assertIn("2026-11-30", settings.l10n_cl_ai_model_warning)
        default = self._settings()
        self.assertEqual(default.l10n_cl_ai_model, "claude-sonnet-5-5")
        self.assertFalse(default.l10n_cl_ai_model_warning)

    def test_model_preset_sets_the_model_and_any_id_can_be_typed(self):
        settings = self._settings(l10n_cl_ai_model_preset="claude-haiku-5-5")
        self.assertEqual(settings.l10n_cl_ai_model, "claude-haiku-5-5")
        custom = self._settings(l10n_cl_ai_model="claude-future-9")
        self.assertEqual(custom.l10n_cl_ai_model_preset, "other")
        custom.execute()
        self.assertEqual(self._param("model"), "claude-future-9")

    def test_secrets_are_for_system_administrators_only(self):
        accountant = self.env["res.users"].create(
            {
                "name": "Contadora",
                "login": "contadora_settings",
                "group_ids": [(6, 0, [self.env.ref("account.group_account_manager").id])],
            }
        )
        settings = self._settings().with_user(accountant)
        for secret in ("l10n_cl_ai_api_key", "l10n_cl_ai_metrics_token"):
            with self.subTest(field=secret), self.assertRaises(AccessError):
                settings.read([secret])
        self.assertEqual(
            self.env["res.config.settings"]._fields["l10n_cl_ai_api_key"].groups, "base.group_system"
        )

    def test_redis_comes_from_the_server_when_the_database_sets_none(self):
        """The database's setting wins; else the server's environment; else its configuration file."""
        engine = self.env["l10n_cl_ai.engine"]
        self.set_engine_params(redis_url="", redis_sentinels="")
        clean = {name: value for name, value in os.environ.items() if not name.startswith("L10N_CL_AI_REDIS")}
        with patch.dict(os.environ, clean, clear=True), patch.dict(config.options):
            self.assertEqual(engine._read_settings().redis_url, "")
            self.assertIn("per worker", self._settings().l10n_cl_ai_redis_in_force)
            config.options["l10n_cl_ai_redis_url"] = "redis://conf-host:6379/2"
            self.assertEqual(engine._read_settings().redis_url, "redis://conf-host:6379/2")
            self.assertIn("configuration file", self._settings().l10n_cl_ai_redis_in_force)
            os.environ["L10N_CL_AI_REDIS_URL"] = "redis://:env-secret@env-host:6379/0"
            self.assertEqual(engine._read_settings().redis_url, "redis://:env-secret@env-host:6379/0")
            shown = self._settings().l10n_cl_ai_redis_in_force
            self.assertIn("environment", shown)
            self.assertIn("env-host", shown)
            self.assertNotIn("env-secret", shown, "a URL's credentials are never shown")
            self.set_engine_params(redis_url=self.redis_server.url)
            self.assertEqual(engine._read_settings().redis_url, self.redis_server.url)
            self.assertIn("these settings", self._settings().l10n_cl_ai_redis_in_force)
