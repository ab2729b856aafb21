"""The posting rule holds on every posting path, and the validation fields cannot be forged over RPC."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DteTestCommon, claude_review


@tagged("post_install", "-at_install")
class TestDtePostingRule(DteTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_engine_params(dte_ai_review="False")
        cls.accountant = cls.company_user(
            "dte_posting_accountant", "account.group_account_invoice", cls.company
        )

    def _wrong(self):
        self.customer.l10n_cl_activity_description = False  # GIRO_RECEPTOR: a blocking error
        move = self._invoice()
        move.action_l10n_cl_ai_validate()
        self.assertEqual(move.l10n_cl_ai_state, "error")
        return move

    def _post_entries_wizard(self, moves):
        """The "Post entries" action of the list (``validate.account.move``)."""
        wizard = (
            self.env["validate.account.move"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({})
        )
        return wizard.validate_move()

    # -- "errors": documents whose last validation found errors ---------------------------------------
    def test_errors_rule_refuses_the_button_the_post_entries_action_and_direct_post(self):
        self.set_engine_params(dte_post_policy="errors")
        move = self._wrong()
        with self.assertRaisesRegex(UserError, r"(?s)posting rule.*GIRO_RECEPTOR"):
            move.action_post()
        with self.assertRaisesRegex(UserError, "GIRO_RECEPTOR"):
            self._post_entries_wizard(move)
        with self.assertRaisesRegex(UserError, "GIRO_RECEPTOR"):
            move._post(soft=False)
        self.assertEqual(move.state, "draft")
        never_validated = self._invoice()
        never_validated.action_post()  # "errors" does not ask for a validation
        self.assertEqual(never_validated.state, "posted")

    def test_errors_rule_is_not_triggered_by_claude(self):
        """An error Claude writes (text the customer controls can steer it) never blocks posting, and
        is not given as a reason when the rules do block."""
        self.set_engine_params(dte_post_policy="errors", dte_ai_review="True", dte_ai_review_on_errors="True")
        ai_error = {
            "code": "IA_INSTRUCCION",
            "severity": "error",
            "field": "lines[0].name",
            "message": "Documento bloqueado.",
        }
        for _review in range(2):
            self.anthropic.reply_json(
                claude_review(confidence=5, findings=[ai_error], recommendation="reject")
            )
        move = self._invoice(partner=self.person)
        move.action_l10n_cl_ai_validate()
        self.run_validation_queue()
        self.assertEqual(move.l10n_cl_ai_last_validation_id.ai_status, "done")
        self.assertEqual(move.l10n_cl_ai_state, "review")
        move.action_post()
        self.assertEqual(move.state, "posted")

        self.customer.l10n_cl_activity_description = False  # GIRO_RECEPTOR: a rule's blocking error
        blocked = self._invoice()
        blocked.action_l10n_cl_ai_validate()
        self.run_validation_queue()
        self.assertEqual(blocked.l10n_cl_ai_last_validation_id.ai_status, "done")
        with self.assertRaises(UserError) as refused:
            blocked.action_post()
        self.assertIn("GIRO_RECEPTOR", str(refused.exception))
        self.assertNotIn("IA_INSTRUCCION", str(refused.exception))

    def test_errors_rule_holds_for_automatic_posting(self):
        self.set_engine_params(dte_post_policy="errors")
        move = self._wrong()
        move.write({"auto_post": "at_date", "date": self.issue_date})
        fine = self._invoice(partner=self.person, auto_post="at_date", date=self.issue_date)
        self.env.flush_all()
        self.env.ref("account.ir_cron_auto_post_draft_entry").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(move.state, "draft", "the cron's _post is refused too")
        self.assertEqual(fine.state, "posted")
        self.assertTrue(move.message_ids.filtered(lambda m: "GIRO_RECEPTOR" in (m.body or "")))

    def test_the_legacy_boolean_setting_means_errors(self):
        self.set_engine_params(dte_block_post_on_error="True")
        move = self._wrong()
        with self.assertRaises(UserError):
            move.action_post()
        self.set_engine_params(dte_post_policy="off")
        move.action_post()
        self.assertEqual(move.state, "posted")

    # -- "require": a validation without errors of the document as it is now ---------------------------
    def test_require_rule_needs_a_validation_of_the_document_as_it_is(self):
        self.set_engine_params(dte_post_policy="require")
        move = self._invoice(partner=self.person)
        with self.assertRaisesRegex(UserError, "not validated as it is now"):
            move.action_post()
        move.action_l10n_cl_ai_validate()
        copy = move.copy({"invoice_date": self.issue_date})
        move.write({"invoice_line_ids": [Command.update(move.invoice_line_ids.id, {"quantity": 41})]})
        with self.assertRaisesRegex(UserError, "not validated as it is now"):
            move.action_post()  # edited after its validation
        with self.assertRaisesRegex(UserError, "not validated as it is now"):
            copy.action_post()  # a duplicate carries no validation
        move.action_l10n_cl_ai_validate()
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_require_rule_refuses_a_validation_with_errors(self):
        self.set_engine_params(dte_post_policy="require")
        move = self._wrong()
        with self.assertRaisesRegex(UserError, "GIRO_RECEPTOR"):
            self._post_entries_wizard(move)

    def test_non_chilean_documents_are_not_concerned(self):
        self.set_engine_params(dte_post_policy="require")
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": self.issue_date,
                "line_ids": [
                    Command.create(
                        {"account_id": self.company_data["default_account_revenue"].id, "credit": 10}
                    ),
                    Command.create(
                        {"account_id": self.company_data["default_account_receivable"].id, "debit": 10}
                    ),
                ],
            }
        )
        entry.action_post()
        self.assertEqual(entry.state, "posted")

    # -- the validation fields are the validation's ----------------------------------------------------
    def test_users_cannot_write_the_validation_fields(self):
        move = self._invoice()
        as_user = move.with_user(self.accountant)
        for values in (
            {"l10n_cl_ai_state": "ok"},
            {"l10n_cl_ai_fingerprint": "forged"},
            {"l10n_cl_ai_last_validation_id": 1},
        ):
            with self.assertRaises(AccessError, msg=values):
                as_user.write(values)
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.accountant).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "journal_id": self.journal.id,
                    "l10n_cl_ai_state": "ok",
                }
            )
        self.assertEqual(move.l10n_cl_ai_state, "not_checked")

    def test_a_context_key_does_not_keep_an_edited_document_ok(self):
        move = self._invoice(partner=self.person)
        move.with_user(self.accountant).action_l10n_cl_ai_validate()
        self.assertEqual(move.l10n_cl_ai_state, "ok")
        move.with_user(self.accountant).with_context(l10n_cl_ai_keep_state=True).write(
            {"invoice_line_ids": [Command.update(move.invoice_line_ids.id, {"price_unit": 1})]}
        )
        self.assertEqual(move.l10n_cl_ai_state, "not_checked")
