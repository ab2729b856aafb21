"""Budget alerts by e-mail to the company's AI managers: figures, projection, top lists, link, language."""

import datetime

import pytz

from odoo.tests import new_test_user, tagged

from ..models.budget_alert_mail import linear_projection, month_bounds
from .common import L10nClAiCase

SANTIAGO = pytz.timezone("America/Santiago")


@tagged("post_install", "-at_install")
class TestBudgetAlertMail(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.write({"email": "admin@andina.example", "lang": "en_US", "notification_type": "email"})
        cls.other_company = cls.env["res.company"].create({"name": "Filial Austral SpA"})
        cls.other_manager = cls.company_user(
            "mail_other_manager", "l10n_cl_ai.group_manager", cls.other_company
        )
        cls.other_manager.email = "otra@austral.example"
        cls.accountant = new_test_user(
            cls.env, login="mail_accountant", groups="account.group_account_invoice", name="Carla Contadora"
        )
        cls.set_engine_params(daily_budget_usd="10", monthly_budget_usd="200", notify_channel_id="0")

    def _spend(self, amount, feature="chat", user=None):
        self.env["l10n_cl_ai.usage"].create(
            {
                "feature": feature,
                "cost_usd": amount,
                "company_id": self.env.company.id,
                "user_id": (user or self.admin).id,
            }
        )

    def _mails(self):
        """The detailed alert e-mails (they link to the usage analysis)."""
        return self.env["mail.mail"].search([("body_html", "ilike", "action-l10n_cl_ai.action_usage")])

    def test_the_alert_is_mailed_to_the_company_managers_with_the_figures(self):
        self._spend(6.5, "chat")
        self._spend(2.0, "sii", self.accountant)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        mail = self._mails()
        self.assertEqual(len(mail), 1, "one detailed e-mail, not also the short notification by e-mail")
        self.assertIn(self.admin.partner_id, mail.recipient_ids)
        self.assertNotIn(self.other_manager.partner_id, mail.recipient_ids, "another company's manager")
        body = mail.body_html
        self.assertIn("8.50 USD", body, "spent today")
        self.assertIn("10.00 USD (85%)", body, "the budget")
        self.assertIn("200.00 USD", body, "the monthly budget")
        self.assertIn("Discuss bot", body)
        self.assertIn("SII publications", body)
        self.assertLess(body.index("Discuss bot"), body.index("SII publications"), "costliest first")
        self.assertIn(self.accountant.name, body)
        self.assertIn("/odoo/action-l10n_cl_ai.action_usage", body)
        self.assertIn("projection", body)

    def test_each_manager_reads_it_in_their_language(self):
        self.env["res.lang"]._activate_lang("es_CL")
        self.admin.lang = "es_CL"
        second = self.company_user("mail_second_manager", "l10n_cl_ai.group_manager", self.env.company)
        second.write({"email": "segundo@andina.example", "lang": "en_US"})
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        mails = self._mails()
        self.assertEqual(len(mails), 2)
        spanish = mails.filtered(lambda m: self.admin.partner_id in m.recipient_ids)
        self.assertNotIn(second.partner_id, spanish.recipient_ids)
        self.assertIn("Alerta de presupuesto", spanish.subject)
        self.assertIn("Proyección lineal del mes", spanish.body_html)

    def test_in_the_channel_case_managers_are_mailed_too(self):
        channel = self.env["discuss.channel"].create({"name": "Alertas IA", "channel_type": "channel"})
        channel._add_members(users=self.admin)
        self.set_engine_params(notify_channel_id=str(channel.id))
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        self.assertTrue(channel.message_ids.filtered(lambda m: "AI budget alert" in (m.body or "")))
        self.assertEqual(self._mails().recipient_ids, self.admin.partner_id)

    def test_inbox_readers_get_the_notification_and_the_email(self):
        self.admin.notification_type = "inbox"
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        notified = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.env.company.partner_id.id)]
        )
        self.assertIn(self.admin.partner_id, notified.partner_ids)
        self.assertEqual(len(self._mails()), 1)

    def test_no_mail_without_managers_with_an_address(self):
        self.admin.email = False
        self._spend(9)
        self.env["l10n_cl_ai.usage"]._cron_check_budgets()
        self.assertFalse(self._mails())

    def test_linear_projection_of_the_month(self):
        half = SANTIAGO.localize(datetime.datetime(2026, 11, 16))  # 15 of 30 days elapsed
        self.assertAlmostEqual(linear_projection(10.0, half), 20.0)
        start, end = month_bounds(SANTIAGO.localize(datetime.datetime(2026, 2, 10, 12)))
        self.assertEqual((end - start).days, 28)
        self.assertEqual(linear_projection(0.0, start), 0.0)
        self.assertAlmostEqual(linear_projection(1.0, start), 24 * 31, msg="at least an hour counts")

    def test_figures_count_only_this_month_of_this_company(self):
        self._spend(3.0)
        figures = self.env["l10n_cl_ai.budget.alert.mail"]._budget_figures(self.env.company)
        self.assertAlmostEqual(figures["month"], 3.0)
        self.assertEqual(
            [(feature, round(cost, 2)) for feature, cost in figures["features"]], [("chat", 3.0)]
        )
        other = self.env["l10n_cl_ai.budget.alert.mail"]._budget_figures(self.other_company)
        self.assertEqual((other["month"], other["features"]), (0.0, []))
