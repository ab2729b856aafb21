"""Validating a list selection: queued, then run by the cron as the requester, one commit per document."""

from odoo.tests import tagged

from .common import DteTestCommon, claude_review


@tagged("post_install", "-at_install")
class TestDteBatch(DteTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("l10n_cl_ai.ir_cron_dte_validation_queue")
        cls.accountant = cls.company_user(
            "dte_batch_accountant", "account.group_account_invoice", cls.company
        )

    def _triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def _run_cron(self):
        self.run_validation_queue()

    def _queue(self, moves):
        return moves.with_user(self.accountant).action_l10n_cl_ai_validate_batch()

    def test_selection_is_queued_and_the_cron_validates_each_document(self):
        self.customer.l10n_cl_activity_description = False
        wrong = self._invoice()
        right = self._invoice(partner=self.person)
        cancelled = self._invoice()
        cancelled.button_cancel()
        self.anthropic.reply_json(claude_review(confidence=88))
        triggers_before = self._triggers()

        action = self._queue(wrong | right | cancelled)

        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("2 document(s) queued", action["params"]["message"])
        self.assertIn("1 document(s) skipped", action["params"]["message"])
        queued = self.env["l10n_cl_ai.validation"].search(
            [("move_id", "in", (wrong | right | cancelled).ids)]
        )
        self.assertEqual(set(queued.mapped("state")), {"queued"})
        self.assertEqual(queued.move_id, wrong | right)
        self.assertEqual(queued.user_id, self.accountant)
        self.assertTrue(self._triggers() - triggers_before, "the cron is woken at once")
        self.assertEqual(wrong.l10n_cl_ai_state, "not_checked", "the request returned before validating")
        self.assertTrue(wrong.l10n_cl_ai_queued and right.l10n_cl_ai_queued)
        self.assertFalse(self.anthropic.requests)
        # queuing again does not duplicate
        self.assertIn("already queued", self._queue(wrong)["params"]["message"])

        self._run_cron()

        queued.invalidate_recordset()
        (wrong | right).invalidate_recordset()
        self.assertEqual(set(queued.mapped("state")), {"done"})
        self.assertEqual((wrong.l10n_cl_ai_state, right.l10n_cl_ai_state), ("error", "ok"))
        self.assertFalse(wrong.l10n_cl_ai_queued or right.l10n_cl_ai_queued)
        self.assertEqual(right.l10n_cl_ai_last_validation_id.ai_status, "done")
        self.assertEqual(
            right.l10n_cl_ai_last_validation_id.usage_id.user_id,
            self.accountant,
            "the AI usage counts for the requester, not the cron's user",
        )
        for move, count in (
            (wrong, 1),
            (right, 2),
        ):  # the checks' message, and the review's when there is one
            notes = move.message_ids.filtered(lambda m: "DTE validation (AI)" in (m.body or ""))
            self.assertEqual(len(notes), count)
            self.assertEqual(notes.author_id, self.accountant.partner_id)

    def test_rate_limited_validations_wait_for_the_next_window(self):
        self.set_engine_params(validate_rate_per_minute="1")
        first, second = self._invoice(), self._invoice()
        self.anthropic.reply_json(claude_review())
        self._queue(first | second)

        self._run_cron()

        validations = (first | second).l10n_cl_ai_validation_ids
        validations.invalidate_recordset()
        done = validations.filtered(lambda v: v.state == "done")
        waiting = validations - done
        self.assertEqual(len(done), 1)
        self.assertEqual(done.ai_status, "done")
        self.assertEqual(waiting.state, "queued", "not validated without Claude: it waits for a free slot")
        self.assertTrue(waiting.not_before)
        self.assertIn(waiting.not_before, self._triggers().mapped("call_at"))
        self.assertEqual(len(self.anthropic.messages_requests), 1)

    def test_a_validation_that_cannot_run_says_so_on_the_document(self):
        self.set_engine_params(dte_ai_review="False")
        move = self._invoice()
        self._queue(move)
        self.accountant.group_ids -= self.env.ref("account.group_account_invoice")  # rights lost meanwhile

        self._run_cron()

        validation = move.l10n_cl_ai_validation_ids
        validation.invalidate_recordset()
        self.assertEqual(validation.state, "failed")
        self.assertTrue(validation.error)
        self.assertEqual(move.l10n_cl_ai_state, "not_checked")
        self.assertTrue(move.message_ids.filtered(lambda m: "could not run" in (m.body or "")))
