from odoo.tests import tagged

from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestBudgetAlerts(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.notification_type = "inbox"  # e-mail readers get the detailed e-mail instead
        cls.channel = cls.env["discuss.channel"].create({"name": "Alertas IA", "channel_type": "channel"})
        cls.channel._add_members(users=cls.admin)  # an AI manager of the company: alerts may go there
        cls.other_company = cls.env["res.company"].create({"name": "Filial Austral SpA"})
        cls.other_manager = cls.company_user(
            "ai_other_manager", "l10n_cl_ai.group_manager", cls.other_company
        )
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

    def _direct_alerts(self):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.env.company.partner_id.id),
                ("body", "ilike", "AI budget alert"),
            ]
        )

    def test_without_channel_only_the_company_managers_are_notified(self):
        self.set_engine_params(notify_channel_id="0")
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        message = self._direct_alerts()
        self.assertEqual(len(message), 1)
        self.assertIn(self.admin.partner_id, message.partner_ids)
        self.assertNotIn(self.other_manager.partner_id, message.partner_ids, "another company's manager")
        self.assertNotIn(self.env.ref("base.partner_root"), message.partner_ids)

    def test_a_channel_with_outsiders_is_not_used(self):
        self.channel._add_members(users=self.other_manager)
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        self.assertFalse(self._alerts(), "the channel has a member who is not a manager of this company")
        self.assertEqual(len(self._direct_alerts()), 1)

    def test_monthly_alert(self):
        self.set_engine_params(daily_budget_usd="0", monthly_budget_usd="100")
        self._spend(81)
        self.assertEqual(self.env["l10n_cl_ai.usage"]._cron_check_budgets(), 1)
        self.assertIn("this month", self._alerts()[0].body)
        self.assertIn("81%", self._alerts()[0].body)
