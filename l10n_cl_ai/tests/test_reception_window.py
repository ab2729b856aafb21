"""The eight-day claim window of a received bill: the deadline (month ends, Chile's calendar), the status,
the decisions and their rules, and the daily reminder that never repeats itself for a bill on a day."""

import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .fakes import dte_xml_factory as fx
from .reception_common import ReceptionCase

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestReceptionWindow(ReceptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = cls.env["discuss.channel"].create({"name": "Alertas", "channel_type": "channel"})
        cls.set_engine_params(notify_channel_id=str(cls.channel.id))
        cls.today = cls.env["l10n_cl_ai.dte.snapshot"]._today()

    def _bill(self, folio=1523, received=None):
        bill = self.upload(fx.dte_bytes(self.spec(folio=folio)))
        if received:
            bill.l10n_cl_ai_reception_date = received
        return bill

    def test_deadline_is_reception_plus_eight_calendar_days_across_month_ends(self):
        bill = self._bill()
        for received, deadline in (
            ("2025-01-28", "2025-02-05"),
            ("2025-02-25", "2025-03-05"),
            ("2024-02-25", "2024-03-04"),
            ("2025-12-27", "2026-01-04"),
        ):
            with self.subTest(received=received):
                bill.l10n_cl_ai_reception_date = received
                self.assertEqual(str(bill.l10n_cl_ai_claim_deadline), deadline)

    def test_upload_late_at_night_in_santiago_counts_from_the_chilean_day(self):
        with freeze_time("2025-03-01 02:30:00"):  # UTC; 23:30 on 28 February in Santiago (UTC-3)
            bill = self._bill()
        self.assertEqual(str(bill.l10n_cl_ai_reception_date), "2025-02-28")
        self.assertEqual(str(bill.l10n_cl_ai_claim_deadline), "2025-03-08")

    def test_status_open_closing_tacit_and_decided(self):
        bill = self._bill()
        for received, days_left, status in (
            (self.today, 8, "open"),
            (self.today - 6 * DAY, 2, "closing"),
            (self.today - 8 * DAY, 0, "closing"),
            (self.today - 9 * DAY, -1, "tacit"),
        ):
            with self.subTest(received=received):
                bill.l10n_cl_ai_reception_date = received
                self.assertEqual(
                    (bill.l10n_cl_ai_claim_days_left, bill.l10n_cl_ai_claim_status), (days_left, status)
                )
        bill.l10n_cl_ai_reception_date = self.today
        bill.with_context(l10n_cl_ai_decision="ACD").action_l10n_cl_ai_decide()
        self.assertEqual(bill.l10n_cl_ai_claim_status, "decided")

    def test_decision_is_recorded_with_who_and_when(self):
        bill = self._bill()
        bill.with_context(l10n_cl_ai_decision="ACD").action_l10n_cl_ai_decide()
        decision = bill.l10n_cl_ai_decision_ids
        self.assertEqual((decision.code, decision.user_id), ("ACD", self.env.user))
        self.assertTrue(decision.decided_at)
        self.assertIn("does not send it", bill.message_ids[:1].body)

    def test_decision_rules(self):
        cases = (
            (["ACD"], "RCD", "already accepted"),
            (["ERM"], "RFP", "irrevocably accepted"),
            (["RCD"], "ERM", "was claimed"),
            (["ACD"], "ACD", "already recorded"),
        )
        for folio, (previous, code, reason) in enumerate(cases, start=1700):
            with self.subTest(previous=previous, code=code):
                bill = self._bill(folio=folio)
                for earlier in previous:
                    bill.with_context(l10n_cl_ai_decision=earlier).action_l10n_cl_ai_decide()
                with self.assertRaises(UserError) as refused:
                    bill.with_context(l10n_cl_ai_decision=code).action_l10n_cl_ai_decide()
                self.assertIn(reason, str(refused.exception))
                self.assertEqual(bill.l10n_cl_ai_decision_ids.mapped("code"), previous)

    def test_decision_after_the_deadline_is_refused_as_tacitly_accepted(self):
        bill = self._bill(received=self.today - 9 * DAY)
        with self.assertRaises(UserError) as refused:
            bill.with_context(l10n_cl_ai_decision="RCD").action_l10n_cl_ai_decide()
        self.assertIn("tacitly accepted", str(refused.exception))
        self.assertFalse(bill.l10n_cl_ai_decision_ids)
        bill.l10n_cl_ai_reception_date = self.today - 8 * DAY  # the last day is still open
        bill.with_context(l10n_cl_ai_decision="RCD").action_l10n_cl_ai_decide()
        self.assertEqual(bill.l10n_cl_ai_decision_ids.code, "RCD")

    def _alerts(self):
        return self.channel.message_ids.filtered(lambda m: "claim window closes" in (m.body or ""))

    def _activities(self, bill):
        return bill.activity_ids.filtered(lambda a: "claim deadline" in (a.summary or ""))

    def test_cron_reminds_once_per_bill_and_day(self):
        undecided = self._bill(folio=1801, received=self.today - 7 * DAY)
        decided_clean = self._bill(folio=1802, received=self.today - 7 * DAY)
        decided_clean.with_context(l10n_cl_ai_decision="ACD").action_l10n_cl_ai_decide()
        with_errors = self.upload(fx.dte_bytes(self.spec(folio=1803, receiver_rut=fx.OTHER_RUT)))
        with_errors.l10n_cl_ai_reception_date = self.today - 7 * DAY
        with_errors.with_context(l10n_cl_ai_decision="ACD").action_l10n_cl_ai_decide()
        far = self._bill(folio=1804, received=self.today)
        window = self.env["l10n_cl_ai.reception.window"]
        self.assertEqual(window._cron_remind(self.today), 2)
        self.assertEqual(window._cron_remind(self.today), 0, "nothing twice on the same day")
        self.assertEqual(len(self._activities(undecided)), 1)
        self.assertEqual(len(self._activities(with_errors)), 1)
        self.assertFalse(self._activities(decided_clean))
        self.assertFalse(self._activities(far))
        alerts = self._alerts()
        self.assertEqual(len(alerts), 1)
        self.assertIn(undecided.display_name, alerts.body)
        self.assertNotIn(decided_clean.display_name, alerts.body)
        self.assertEqual(window._cron_remind(self.today + DAY), 2, "the next day reminds again")
        self.assertEqual(len(self._alerts()), 2)

    def test_cron_is_the_scheduled_action(self):
        cron = self.env.ref("l10n_cl_ai.ir_cron_reception_window")
        self.assertEqual(cron.model_id.model, "l10n_cl_ai.reception.window")
        self._bill(received=self.today - 7 * DAY)
        cron.method_direct_trigger()
        self.assertEqual(len(self._alerts()), 1)

    def test_closing_filter_domain(self):
        closing = self._bill(folio=1901, received=self.today - 6 * DAY)
        self._bill(folio=1902, received=self.today - 2 * DAY)
        found = self.env["account.move"].search(
            [
                ("l10n_cl_ai_claim_deadline", ">=", self.today),
                ("l10n_cl_ai_claim_deadline", "<=", self.today + 2 * DAY),
                ("l10n_cl_ai_decision_ids", "=", False),
            ]
        )
        self.assertEqual(found, closing)
