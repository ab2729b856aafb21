"""Common base for Odoo tests: a fake Anthropic server and a real Redis, wired into the settings.

Both are started once per test class on 127.0.0.1 and written into ``ir.config_parameter`` inside the test
transaction, so every engine service the tests build talks to them and nothing reaches the internet.
"""

from odoo.tests import TransactionCase

from .fakes.fake_anthropic import FakeAnthropic
from .fakes.redis_server import RedisServer

TEST_API_KEY = "sk-ant-test-key-0123456789"


class EngineHarnessMixin:
    """Start the fakes for the class; ``self.anthropic`` and ``self.redis_server`` are the handles."""

    @classmethod
    def _start_engine_fakes(cls):
        cls.anthropic = FakeAnthropic(api_key=TEST_API_KEY)
        cls.anthropic.start()
        cls.addClassCleanup(cls.anthropic.stop)
        cls.redis_server = RedisServer().start()
        cls.addClassCleanup(cls.redis_server.close)
        cls.set_engine_params(
            api_key=TEST_API_KEY,
            base_url=cls.anthropic.base_url,
            redis_url=cls.redis_server.url,
            model="claude-sonnet-5-5",
            timeout_s="5",
        )

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
