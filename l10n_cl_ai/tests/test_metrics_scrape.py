"""What /metrics reads at scrape time: queues, verdicts, crons, budgets, and the bot's and SII monitor's
figures through their contract methods."""

import datetime
from unittest.mock import patch

from prometheus_client import REGISTRY

from odoo.tests import tagged

from ..models import metrics_snapshot
from .common import DteTestCommon


@tagged("post_install", "-at_install")
class TestMetricsScrape(DteTestCommon):
    def _snapshot(self):
        self.env.flush_all()
        return self.env["l10n_cl_ai.metrics.scrape"]._snapshot()

    def _validation(self, state, recommendation=None, age_s=0):
        validation = (
            self.env["l10n_cl_ai.validation"]
            .sudo()
            .create(
                {
                    "move_id": self._invoice().id,
                    "company_id": self.company.id,
                    "user_id": self.env.uid,
                    "state": state,
                    "recommendation": recommendation,
                }
            )
        )
        if age_s:
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE l10n_cl_ai_validation"
                " SET create_date = now() at time zone 'UTC' - %s * interval '1 second' WHERE id = %s",
                [age_s, validation.id],
            )
            validation.invalidate_recordset(["create_date"])
        return validation

    def test_review_queue_and_verdicts(self):
        before = self._snapshot()
        self._validation("queued", age_s=600)
        self._validation("running")
        self._validation("done", "review")
        self._validation("done", "send")
        after = self._snapshot()
        self.assertEqual(after.review_queue_length, before.review_queue_length + 2)
        self.assertGreaterEqual(after.review_queue_age_s, 600)
        self.assertEqual(after.validations["review"], before.validations.get("review", 0) + 1)
        self.assertEqual(after.validations["send"], before.validations.get("send", 0) + 1)
        text = self.env["l10n_cl_ai.metrics.scrape"]._exposition()
        self.assertRegex(text, r"\nl10n_cl_ai_review_queue_age_seconds [0-9.e+]+\n")
        self.assertIn('l10n_cl_ai_validations{verdict="review"}', text)

    def test_budgets_per_company_and_period(self):
        self.set_engine_params(daily_budget_usd="2", monthly_budget_usd="40")
        self.env["l10n_cl_ai.usage"].sudo().with_company(self.company).create(
            {"feature": "chat", "model": "claude-sonnet-5-5", "cost_usd": 1.5, "outcome": "ok"}
        )
        rows = {(r["company"], r["period"]): r for r in self._snapshot().budgets}
        day = rows[(self.company.name, "day")]
        self.assertEqual(day["budget_usd"], 2.0)
        self.assertGreaterEqual(day["spent_usd"], 1.5)
        self.assertEqual(rows[(self.company.name, "month")]["budget_usd"], 40.0)

    def test_a_failing_cron_is_counted_and_shown(self):
        cron = self.env.ref("l10n_cl_ai.ir_cron_check_budgets")
        name = cron.with_context(lang="en_US").cron_name
        runs = REGISTRY.get_sample_value("l10n_cl_ai_cron_runs_total", {"cron": name}) or 0
        failures = REGISTRY.get_sample_value("l10n_cl_ai_cron_failures_total", {"cron": name}) or 0
        usage_class = type(self.env["l10n_cl_ai.usage"])
        with patch.object(
            usage_class, "_cron_check_budgets", side_effect=RuntimeError("boom"), autospec=True
        ):
            cron.method_direct_trigger()
        self.assertEqual(REGISTRY.get_sample_value("l10n_cl_ai_cron_runs_total", {"cron": name}), runs + 1)
        self.assertEqual(
            REGISTRY.get_sample_value("l10n_cl_ai_cron_failures_total", {"cron": name}), failures + 1
        )
        row = next(r for r in self._snapshot().crons if r["cron"] == name)
        self.assertEqual(row["failures"], 1)
        cron.method_direct_trigger()  # succeeds: counted as a run, not as a failure
        self.assertEqual(
            REGISTRY.get_sample_value("l10n_cl_ai_cron_failures_total", {"cron": name}), failures + 1
        )
        self.assertEqual(next(r for r in self._snapshot().crons if r["cron"] == name)["failures"], 0)

    def test_a_cron_whose_next_call_passed_is_late(self):
        cron = self.env.ref("l10n_cl_ai.ir_cron_check_budgets")
        cron.nextcall = datetime.datetime.now() - datetime.timedelta(hours=2)
        row = next(
            r for r in self._snapshot().crons if r["cron"] == cron.with_context(lang="en_US").cron_name
        )
        self.assertGreaterEqual(row["late_s"], 7000)

    def test_chat_and_sii_figures_come_from_their_models_when_installed(self):
        without = self._snapshot()
        self.assertEqual((without.chat_by_state, without.sii_pages_failing), ({}, 0))
        # tiny doubles: existing models stand in for the bot's queue and the SII pages
        chat_class = type(self.env["res.partner"])
        sii_class = type(self.env["res.country"])
        stats = {"by_state": {"queued": 3, "done": 9}, "oldest_queued_age_s": 42.5}
        with (
            patch.object(metrics_snapshot, "CHAT_MODEL", "res.partner"),
            patch.object(metrics_snapshot, "SII_PAGE_MODEL", "res.country"),
            patch.object(chat_class, "_queue_stats", lambda self: stats, create=True),
            patch.object(sii_class, "_failing_count", lambda self: 2, create=True),
        ):
            snapshot = self._snapshot()
            text = self.env["l10n_cl_ai.metrics.scrape"]._exposition()
        self.assertEqual(snapshot.chat_by_state, {"queued": 3, "done": 9})
        self.assertEqual((snapshot.chat_queue_age_s, snapshot.sii_pages_failing), (42.5, 2))
        self.assertIn('l10n_cl_ai_chat_requests{state="done"} 9.0', text)
        self.assertIn("l10n_cl_ai_sii_pages_failing 2.0", text)
