"""The usage ledger never loses spend: a row is committed on its own cursor as soon as Claude answers.

These tests use real cursors (the registry is NOT in test mode): the caller's transaction is a real one
that rolls back, and what survives is read from another real transaction. They use only committed data
(the main company, the superuser) and delete the rows they committed when they end. Nothing is written
in the test's own transaction: a real cursor would wait forever for its locks.
"""

import uuid

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from ..models.engine import UserFacingEngineError
from ..services.claude.client import Prompt
from .common import TEST_API_KEY, CommittedRowsCase

PROMPT = Prompt(messages=[{"role": "user", "content": "¿Cuál es la tasa del IVA?"}])


@tagged("post_install", "-at_install")
class TestUsageLedger(CommittedRowsCase):
    def _caller_env(self, cr, **params):
        """An environment on a real cursor with the engine wired to the fakes (not committed)."""
        env = api.Environment(cr, SUPERUSER_ID, {})
        values = {
            "api_key": TEST_API_KEY,
            "base_url": self.anthropic.base_url,
            "redis_url": self.redis_server.url,
            "model": "claude-sonnet-5-5",
            "dte_model": "claude-sonnet-5-5",
            "timeout_s": "5",
            "retry_max_attempts": "1",
            **params,
        }
        for name, value in values.items():
            env["ir.config_parameter"].set_param(f"l10n_cl_ai.{name}", value)
        return env

    def test_a_rolled_back_caller_keeps_the_row_and_the_next_call_sees_the_spend(self):
        key = f"test-ledger,{uuid.uuid4().hex}"
        self.anthropic.reply_text("La tasa general es 19 %.")
        with self.registry.cursor() as caller_cr:
            env = self._caller_env(caller_cr)
            result, usage = env["l10n_cl_ai.engine"]._call_claude("dte_validation", PROMPT, call_key=key)
            usage_id = usage.id
            self.assertGreater(result.cost_usd, 0)
            caller_cr.rollback()  # a serialization retry, an exception in the caller...

        with self.registry.cursor() as cr:
            row = api.Environment(cr, SUPERUSER_ID, {})["l10n_cl_ai.usage"].browse(usage_id).exists()
            self.assertTrue(row, "the usage row survived the caller's rollback")
            self.assertEqual((row.outcome, row.call_key), ("ok", key))
            self.assertAlmostEqual(row.cost_usd, result.cost_usd, places=9)
            spent = row.cost_usd

        sent = len(self.anthropic.messages_requests)
        with self.registry.cursor() as cr:
            env = self._caller_env(cr)
            replayed, replayed_usage = env["l10n_cl_ai.engine"]._call_claude(
                "dte_validation", PROMPT, call_key=key
            )
            self.assertEqual(replayed.content, "La tasa general es 19 %.")
            self.assertEqual(replayed_usage.id, usage_id)
            self.assertEqual(len(self.anthropic.messages_requests), sent, "a replay does not call twice")
            cr.rollback()

        with self.registry.cursor() as cr:
            env = self._caller_env(cr, daily_budget_usd=str(spent), budget_hard_stop="True")
            with self.assertRaises(UserFacingEngineError) as refusal:
                env["l10n_cl_ai.engine"]._call_claude("chat", PROMPT)
            self.assertEqual(refusal.exception.kind, "budget_exceeded", "spent == budget stops the calls")
            self.assertEqual(len(self.anthropic.messages_requests), sent)
            cr.rollback()
