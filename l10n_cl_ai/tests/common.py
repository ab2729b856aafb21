"""Common base for Odoo tests: a fake Anthropic server and a real Redis, wired into the settings.

Both are started once per test class on 127.0.0.1 and written into ``ir.config_parameter`` inside the test
transaction, so every engine service the tests build talks to them and nothing reaches the internet.

The registry is put in test mode for the class: the cursors the engine opens itself (the usage ledger's
own committed cursor, the budget's fresh read, the crons) wrap the test's transaction, so they see its
records and are rolled back with it. ``registry_test_mode=False`` keeps real cursors, for the tests that
prove what survives a rollback.
"""

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

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
