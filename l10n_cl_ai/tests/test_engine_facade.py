from odoo.tests import tagged

from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestEngineFacade(L10nClAiCase):
    def test_services_are_cached_per_worker(self):
        engine = self.env["l10n_cl_ai.engine"]
        self.assertIs(engine._services(), engine._services())

    def test_a_setting_change_rebuilds_the_services(self):
        engine = self.env["l10n_cl_ai.engine"]
        before = engine._services()
        self.assertEqual(before.settings.chat_rate_per_minute, 10)
        self.set_engine_params(chat_rate_per_minute="3")
        after = engine._services()
        self.assertIsNot(before, after)
        self.assertEqual(after.settings.chat_rate_per_minute, 3)
        self.assertEqual(before._built, {}, "the replaced bundle released its connections")

    def test_another_worker_sees_the_change_through_cache_signalling(self):
        """Another worker changes a setting: this worker's ormcache still holds the old value until the
        registry's cache signalling (``check_signaling``) clears it, then the services are rebuilt."""
        engine = self.env["l10n_cl_ai.engine"]
        stale = engine._services()
        # what the other worker's set_param writes, without touching this worker's caches
        self.env.cr.execute(
            "UPDATE ir_config_parameter SET value = '7' WHERE key = 'l10n_cl_ai.validate_rate_per_minute'"
        )
        if not self.env.cr.rowcount:
            self.env.cr.execute(
                "INSERT INTO ir_config_parameter (key, value) "
                "VALUES ('l10n_cl_ai.validate_rate_per_minute', '7')"
            )
        self.assertIs(engine._services(), stale, "without a signal the worker keeps its cached settings")
        # what check_signaling() does when it sees the other worker's 'stable' cache sequence bump
        self.env.registry.clear_cache("stable")
        fresh = engine._services()
        self.assertIsNot(fresh, stale)
        self.assertEqual(fresh.settings.validate_rate_per_minute, 7)

    def test_set_param_signals_the_other_workers(self):
        self.env.registry.cache_invalidated.clear()
        self.set_engine_params(model="claude-haiku-5-5")
        self.assertIn("stable", self.env.registry.cache_invalidated)

    def test_redis_client_comes_from_settings(self):
        bundle = self.env["l10n_cl_ai.engine"]._services()
        self.assertTrue(bundle.redis.ping())
        self.assertEqual(bundle.redis.connection_pool.connection_kwargs["port"], self.redis_server.port)

    def test_secrets_do_not_appear_in_the_settings_repr(self):
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        self.assertEqual(settings.api_key, self.anthropic.api_key)
        self.assertNotIn(self.anthropic.api_key, repr(settings))
