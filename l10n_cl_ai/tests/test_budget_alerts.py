from odoo.tests import tagged

from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestBudgetAlerts(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = cls.env["discuss.channel"].create({"name": "Alertas IA", "channel_type": "channel"})
        cls.set_engine_params(
            daily_budget_usd="10", monthly_budget_usd="0", notify_channel_id=str(cls.channel.id)
        )

    def _spend(self, amount):
        self.env["l10n_cl_ai.usage"].create(
            {"feature": "chat", "cost_usd": amount, "company_id": self.env.company.id}
        )

    def _alerts(self):
        return self.channel.message_ids.filtered(lambda message: "AI budget alert" in (message.body or ""))

    def test_alerts_once_per_threshold_and_period(self):
        Usage = self.env["l10n_cl_ai.usage"]
        self._spend(5)
        self.assertEqual(Usage._cron_check_budgets(), 0, "50 % spent: no alert")
        self._spend(3.5)
        self.assertEqual(Usage._cron_check_budgets(), 1)
        self.assertIn("85%", self._alerts()[0].body)
        self.assertEqual(Usage._cron_check_budgets(), 0, "the 80 % alert is sent once")
        self._spend(2)
        self.assertEqual(Usage._cron_check_budgets(), 1)
        self.assertEqual(len(self._alerts()), 2)
        self.assertIn("105%", self._alerts()[0].body)

    def test_hard_stop_is_mentioned(self):
        self.set_engine_params(budget_hard_stop="True")
        self._spend(12)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        self.assertIn("hard stop", self._alerts()[0].body)

    def test_without_channel_administrators_are_notified_on_the_company(self):
        self.set_engine_params(notify_channel_id="0")
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        message = self.env.company.partner_id.message_ids[:1]
        self.assertIn("AI budget alert", message.body)
        self.assertIn(self.env.ref("base.user_admin").partner_id, message.partner_ids)
