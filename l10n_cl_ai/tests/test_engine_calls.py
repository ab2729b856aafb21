import datetime

import pytz

from odoo.tests import new_test_user, tagged

from ..models.engine import UserFacingEngineError
from ..services.claude.client import Prompt
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

    # -- every outcome writes its row through the real path --------------------------------------------
    def test_each_refusal_and_failure_kind_writes_its_own_row(self):
        cases = []

        def check(kind, prepare):
            self.engine.sudo()._services().redis.flushdb()
            prepare()
            caught = self._refusal()
            row = self._usage()[:1]
            cases.append(kind)
            self.assertEqual((caught.kind, row.outcome), (kind, kind))
            self.assertEqual(caught.usage, row)
            self.assertTrue(caught.message)

        check("bad_request", lambda: self.anthropic.bad_request("messages.0.content: empty"))
        check("spend_limit", lambda: self.anthropic.spend_limit_reached(retry_after=1))
        check("configuration", lambda: self.set_engine_params(api_key="sk-ant-wrong-key-000"))
        self.set_engine_params(api_key=self.anthropic.api_key)
        check("price_missing", lambda: self.set_engine_params(model="claude-unpriced-2"))
        self.set_engine_params(
            model="claude-sonnet-5-5", breaker_failure_threshold="1", retry_max_attempts="1"
        )

        def open_breaker():
            self.anthropic.overloaded()
            self._refusal()

        check("circuit_open", open_breaker)
        self.assertEqual(len(cases), 5)

    def test_monthly_hard_stop_and_the_spent_equals_budget_edge(self):
        self.set_engine_params(monthly_budget_usd="2.0", budget_hard_stop="True")
        self.env["l10n_cl_ai.usage"].create({"feature": "chat", "cost_usd": 1.99, "user_id": self.user.id})
        self.anthropic.reply_text("ok")
        self.engine._call_claude("chat", _prompt())  # under the budget: called
        spent = sum(self.env["l10n_cl_ai.usage"].search([]).mapped("cost_usd"))
        self.env["l10n_cl_ai.usage"].create(
            {"feature": "chat", "cost_usd": max(0.0, 2.0 - spent), "user_id": self.user.id}
        )
        caught = self._refusal()
        self.assertEqual(caught.kind, "budget_exceeded", "spent == budget is a spent budget")
        self.assertIn("this month", caught.message)

    def test_each_request_of_a_tool_loop_is_checked_against_the_budget(self):
        """One chat answer makes several requests: each reserves its worst case first, so the request
        after the one that spent the budget is not sent; the row keeps what was spent."""
        self.set_engine_params(daily_budget_usd="0.000001", budget_hard_stop="True")
        self.anthropic.reply_tool_use("consumo_ia", {})
        self.anthropic.reply_text("never sent")
        prompt = _prompt()
        prompt.tools = [{"name": "consumo_ia", "description": "Consumo", "input_schema": {"type": "object"}}]
        try:
            self.engine._call_claude("chat", prompt, tool_executor=lambda _name, _input: "{}")
        except UserFacingEngineError as error:
            caught = error
        else:
            self.fail("the second request was sent")
        self.assertEqual(caught.kind, "budget_exceeded")
        self.assertEqual(len(self.anthropic.messages_requests), 1)
        row = self._usage()[:1]
        self.assertEqual(row.outcome, "budget_exceeded")
        self.assertGreater(row.cost_usd, 0, "the first request's cost is in the ledger")
        self.assertGreater(row.output_tokens, 0)
        self.assertFalse(self.env["l10n_cl_ai.budget.reservation"].sudo().search([]), "settled by the row")

    def test_budget_days_follow_chile_not_the_caller(self):
        """A call at 23:30 yesterday in Chile is not today's spend, whatever the caller's time zone; a
        company whose partner has a time zone counts in that one."""
        Usage = self.env["l10n_cl_ai.usage"]
        company = self.env.company
        company.partner_id.tz = False

        def spent_today(caller_tz=None):
            return Usage.with_context(tz=caller_tz)._spent_today_and_month(company)[0]

        before = {
            caller_tz: spent_today(caller_tz) for caller_tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
        }
        chile = pytz.timezone("America/Santiago")
        now = pytz.utc.localize(self.env.cr.now()).astimezone(chile)
        at = chile.localize(datetime.datetime(now.year, now.month, now.day)) - datetime.timedelta(minutes=30)
        row = Usage.create({"feature": "chat", "cost_usd": 7.0})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE l10n_cl_ai_usage SET create_date = %s WHERE id = %s",
            [at.astimezone(pytz.utc).replace(tzinfo=None), row.id],
        )
        for caller_tz, spent_before in before.items():
            self.assertAlmostEqual(spent_today(caller_tz), spent_before, places=6, msg=caller_tz)

        company.partner_id.tz = "Pacific/Kiritimati"  # 14 h ahead of UTC
        kiritimati = pytz.timezone("Pacific/Kiritimati")
        there = pytz.utc.localize(self.env.cr.now()).astimezone(kiritimati)
        counted = kiritimati.localize(datetime.datetime(there.year, there.month, there.day)) <= at
        self.env.flush_all()
        with_row = spent_today()
        self.env.cr.execute("UPDATE l10n_cl_ai_usage SET cost_usd = 0 WHERE id = %s", [row.id])
        self.assertAlmostEqual(with_row - spent_today(), 7.0 if counted else 0.0, places=6)
