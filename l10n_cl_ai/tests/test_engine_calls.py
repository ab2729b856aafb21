from odoo.tests import new_test_user, tagged

from ..models.engine import UserFacingEngineError
from ..services.claude import Prompt
from .common import L10nClAiCase


def _prompt(text="¿Cuál es la tasa del IVA?"):
    return Prompt(
        messages=[{"role": "user", "content": text}], system=["Eres un asistente contable chileno."]
    )


@tagged("post_install", "-at_install")
class TestEngineCalls(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="ai_engine_user", groups="account.group_account_invoice")
        cls.set_engine_params(retry_max_attempts="3", retry_backoff_s="0.01", breaker_failure_threshold="50")

    def setUp(self):
        super().setUp()
        self.engine = self.env["l10n_cl_ai.engine"].with_user(self.user)
        self.redis_server.start()
        self.engine.sudo()._services().redis.flushdb()

    def _refusal(self):
        """Call and return the error. Callers catch it and go on (no savepoint rollback, unlike
        ``assertRaises``), so the usage row written for the refusal stays, as in the real features."""
        try:
            self.engine._call_claude("chat", _prompt())
        except UserFacingEngineError as error:
            return error
        self.fail("the call was not refused")

    def _usage(self):
        return self.env["l10n_cl_ai.usage"].search([("user_id", "=", self.user.id)], order="id desc")

    def test_success_records_tokens_cost_and_latency(self):
        self.anthropic.reply_text("La tasa general del IVA es 19 %.")
        result, usage = self.engine._call_claude("chat", _prompt(), plugin="account")
        self.assertIn("19 %", result.content)
        self.assertEqual(usage.outcome, "ok")
        self.assertEqual(usage.plugin, "account")
        self.assertEqual(usage.user_id, self.user)
        self.assertGreater(usage.input_tokens, 0)
        self.assertGreater(usage.output_tokens, 0)
        self.assertAlmostEqual(usage.cost_usd, result.cost_usd, places=9)
        self.assertGreater(usage.cost_usd, 0)
        self.assertEqual(len(self.anthropic.messages_requests), 1)

    def test_failure_after_retries_keeps_a_usage_row_and_says_what_happened(self):
        for _ in range(3):
            self.anthropic.overloaded()
        caught = self._refusal()
        self.assertEqual(caught.kind, "unavailable")
        self.assertIn("overloaded", caught.message.lower())
        usage = self._usage()[:1]
        self.assertEqual(usage.outcome, "unavailable")
        self.assertEqual(usage.attempts, 3)
        self.assertIn("ClaudeUnavailable", usage.error)
        self.assertEqual(len(self.anthropic.messages_requests), 3)

    def test_rate_limit_refuses_without_calling_claude(self):
        self.set_engine_params(chat_rate_per_minute="2")
        for _ in range(2):
            self.anthropic.reply_text("ok")
            self.engine._call_claude("chat", _prompt())
        caught = self._refusal()
        self.assertEqual(caught.kind, "rate_limited")
        self.assertRegex(caught.message, r"Try again in \d+ seconds")
        self.assertEqual(len(self.anthropic.messages_requests), 2)
        self.assertEqual(self._usage()[:1].outcome, "rate_limited")

    def test_budget_hard_stop_refuses_and_records_budget_exceeded(self):
        self.set_engine_params(daily_budget_usd="1.0", budget_hard_stop="True")
        self.env["l10n_cl_ai.usage"].create({"feature": "chat", "cost_usd": 1.2, "user_id": self.user.id})
        caught = self._refusal()
        self.assertEqual(caught.kind, "budget_exceeded")
        self.assertIn("1.20 of 1.00 USD", caught.message)
        self.assertFalse(self.anthropic.messages_requests)
        self.assertEqual(self._usage()[:1].outcome, "budget_exceeded")

    def test_over_budget_without_hard_stop_still_calls(self):
        self.set_engine_params(daily_budget_usd="1.0", budget_hard_stop="False")
        self.env["l10n_cl_ai.usage"].create({"feature": "chat", "cost_usd": 5, "user_id": self.user.id})
        self.anthropic.reply_text("ok")
        _result, usage = self.engine._call_claude("chat", _prompt())
        self.assertEqual(usage.outcome, "ok")

    def test_model_without_price_is_refused_instead_of_counted_at_zero(self):
        self.set_engine_params(model="claude-unpriced-1")
        caught = self._refusal()
        self.assertEqual(caught.kind, "price_missing")
        self.assertIn("claude-unpriced-1", caught.message)
        self.assertFalse(self.anthropic.messages_requests)

    def test_cost_ceiling_refuses_before_sending(self):
        self.set_engine_params(max_cost_per_request_usd="0.000001")
        caught = self._refusal()
        self.assertEqual(caught.kind, "cost_ceiling")
        self.assertFalse(self.anthropic.messages_requests)
        self.assertEqual(self._usage()[:1].outcome, "cost_ceiling")

    def test_redis_down_fail_closed_refuses_fail_open_counts_locally(self):
        self.set_engine_params(limiter_fail_mode="closed")
        self.redis_server.stop()
        caught = self._refusal()
        self.assertEqual(caught.kind, "rate_limited")
        self.set_engine_params(limiter_fail_mode="open")
        self.anthropic.reply_text("ok")
        _result, usage = self.engine._call_claude("chat", _prompt())
        self.assertEqual(usage.outcome, "ok")
