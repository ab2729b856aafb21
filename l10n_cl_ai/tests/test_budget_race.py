"""A hard stop holds against parallel callers: each request reserves its worst case before it is sent.

Real cursors (the registry is NOT in test mode), like ``test_usage_ledger.py``: two threads, each on its
own database connection, call Claude at the same moment for the same company, on a budget that allows
exactly one call. Both pass the committed-spend check (nothing is spent yet) before either sends; only
one may reach the fake Anthropic server. Committed rows are deleted when the test ends.
"""

import threading
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from ..models.engine import UserFacingEngineError
from ..services.claude.client import Prompt
from .common import TEST_API_KEY, CommittedRowsCase

PROMPT = Prompt(messages=[{"role": "user", "content": "¿Cuál es la tasa del IVA?"}])


@tagged("post_install", "-at_install")
class TestBudgetRace(CommittedRowsCase):
    def _delete_more_committed(self, cr):
        cr.execute("DELETE FROM l10n_cl_ai_budget_reservation WHERE create_date >= %s", [self.started])

    def _settings(self, **params):
        """Engine settings wired to the fakes, read on a cursor that is rolled back (nothing committed)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.started = env.cr.now()
            company = env.company
            spent_today, _month = env["l10n_cl_ai.usage"]._spent_in_periods(company.id)
            values = {
                "api_key": TEST_API_KEY,
                "base_url": self.anthropic.base_url,
                "redis_url": self.redis_server.url,
                "model": "claude-sonnet-5-5",
                "timeout_s": "5",
                "retry_max_attempts": "1",
                # one call's worst case is far above a millionth of a dollar: the budget allows one call
                "daily_budget_usd": str(spent_today + 0.000001),
                "budget_hard_stop": "True",
                **params,
            }
            for name, value in values.items():
                env["ir.config_parameter"].set_param(f"l10n_cl_ai.{name}", value)
            settings = env["l10n_cl_ai.engine"]._read_settings()
            cr.rollback()
        return settings

    def test_two_callers_racing_on_a_budget_for_one_call_send_one_request(self):
        settings = self._settings()
        for _ in range(2):
            self.anthropic.reply_text("La tasa general es 19 %.")
        usage_class = type(self.env["l10n_cl_ai.usage"])
        original_check = usage_class._check_budget
        both_checked = threading.Barrier(2, timeout=20)

        def check_then_wait(usage, settings):
            original_check(usage, settings)  # both pass: nothing is committed yet
            both_checked.wait()

        outcomes = []

        def caller():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    key = f"test-race,{uuid.uuid4().hex}"
                    try:
                        env["l10n_cl_ai.engine"]._call_claude(
                            "dte_validation", PROMPT, call_key=key, check_rate=False, settings=settings
                        )
                        outcomes.append("ok")
                    except UserFacingEngineError as error:
                        outcomes.append(error.kind)
                    cr.rollback()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcomes.append(repr(error))

        with patch.object(usage_class, "_check_budget", check_then_wait):
            threads = [threading.Thread(target=caller) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)

        self.assertEqual(sorted(outcomes), ["budget_exceeded", "ok"])
        self.assertEqual(len(self.anthropic.messages_requests), 1, "exactly one request reached Claude")
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT outcome, cost_usd FROM l10n_cl_ai_usage WHERE id >= %s ORDER BY outcome",
                [self.first_new_id],
            )
            rows = cr.fetchall()
            cr.execute(
                "SELECT COUNT(*) FROM l10n_cl_ai_budget_reservation WHERE create_date >= %s", [self.started]
            )
            reservations_left = cr.fetchone()[0]
        self.assertEqual([outcome for outcome, _cost in rows], ["budget_exceeded", "ok"])
        self.assertGreater(rows[1][1], 0)
        self.assertEqual(reservations_left, 0, "the usage rows settled both reservations")

    def test_a_reservation_of_a_dead_worker_expires(self):
        settings = self._settings()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company_id = env.company.id
        reservations = self.env["l10n_cl_ai.budget.reservation"]
        budgets = {"daily": settings.daily_budget_usd}
        stale_id = reservations._reserve(company_id, None, 0.0, 1.0, budgets)  # then the worker dies
        self.anthropic.reply_text("La tasa general es 19 %.")

        def call():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    return (
                        env["l10n_cl_ai.engine"]
                        ._call_claude("dte_validation", PROMPT, check_rate=False, settings=settings)[0]
                        .content
                    )
                except UserFacingEngineError as error:
                    return error.kind
                finally:
                    cr.rollback()

        self.assertEqual(call(), "budget_exceeded", "a live reservation counts against the budget")
        self.assertEqual(self.anthropic.messages_requests, [])
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE l10n_cl_ai_budget_reservation SET write_date = write_date - interval '16 minutes' "
                "WHERE id = %s",
                [stale_id],
            )
        self.assertEqual(call(), "La tasa general es 19 %.", "an expired reservation no longer counts")
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM l10n_cl_ai_budget_reservation WHERE id = %s", [stale_id])
            self.assertFalse(cr.fetchall(), "and it is deleted")
