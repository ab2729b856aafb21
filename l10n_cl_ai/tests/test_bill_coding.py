"""Account and analytic suggestions on vendor bill lines, learned from the company's posted bills."""

from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.l10n_cl_ai.services.bill_coding.history import CompanyHistory

from .bill_coding_common import COMMON_COSTS, RENT, BillCodingCommon


@tagged("post_install", "-at_install")
class TestBillCoding(BillCodingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.build_index()

    def setUp(self):
        super().setUp()
        self.set_engine_params(bill_coding_threshold="0.5", bill_coding_claude="False")

    def _draft(self, *descriptions, partner=None):
        return self.bill(partner or self.landlord, [(text, 1, 100000, None) for text in descriptions])

    def test_vendor_with_two_accounts_gets_each_by_description(self):
        bill = self._draft(RENT.format(month="julio"), COMMON_COSTS.format(month="julio"))
        rent, common = bill.invoice_line_ids
        # what Odoo chose by itself: one account for both lines of this vendor
        self.assertEqual(rent.account_id, common.account_id)
        bill.action_l10n_cl_ai_suggest_coding()
        self.assertEqual(rent.l10n_cl_ai_suggested_account_id, self.rent_account)
        self.assertEqual(common.l10n_cl_ai_suggested_account_id, self.common_account)
        # above the threshold (0.5 here): applied to the draft lines and marked as suggested
        self.assertEqual(
            (rent.l10n_cl_ai_coding_state, common.l10n_cl_ai_coding_state), ("applied", "applied")
        )
        self.assertEqual((rent.account_id, common.account_id), (self.rent_account, self.common_account))
        self.assertEqual(rent.l10n_cl_ai_suggestion_id.user_id, self.env.user)

    def test_below_threshold_is_proposed_and_accepted_in_one_click(self):
        self.set_engine_params(bill_coding_threshold="1.0")
        bill = self._draft(RENT.format(month="julio"))
        line = bill.invoice_line_ids
        before = line.account_id
        bill.action_l10n_cl_ai_suggest_coding()
        self.assertEqual(line.l10n_cl_ai_coding_state, "proposed")
        self.assertEqual(line.account_id, before, "a proposal is not written on the line")
        line.action_l10n_cl_ai_accept_suggestion()
        suggestion = line.l10n_cl_ai_suggestion_id
        self.assertEqual(line.account_id, self.rent_account)
        self.assertEqual((suggestion.state, suggestion.decided_by_id), ("accepted", self.env.user))

    def test_changing_an_applied_account_rejects_it_and_the_vendor_weighs_it_less(self):
        bill = self._draft(RENT.format(month="julio"))
        line = bill.invoice_line_ids
        bill.action_l10n_cl_ai_suggest_coding()
        first = line.l10n_cl_ai_suggestion_id
        self.assertEqual(first.state, "applied")
        line.account_id = self.common_account
        self.assertEqual((first.state, first.decided_by_id), ("rejected", self.env.user))
        feedback = self.env["l10n_cl_ai.coding.suggestion"]._feedback(self.company.id, self.landlord.id)
        self.assertEqual(
            [(item.account_id, item.accepted) for item in feedback], [(self.rent_account.id, False)]
        )

    def test_no_suggestion_from_another_companys_bills(self):
        other = self.setup_other_company()
        other_partner = self.env["res.partner"].create({"name": "Aseo Integral Ltda.", "is_company": True})
        cleaning = other["default_account_expense"].copy({"code": "620101", "name": "Aseo"})
        # the other company has a line of its own (so it has a history), unrelated to rent
        self.bill(
            other_partner, [("Servicio de aseo oficinas", 1, 80000, cleaning)], post=True, company_data=other
        )
        self.build_index()
        bill = self.bill(other_partner, [(RENT.format(month="julio"), 1, 950000, None)], company_data=other)
        bill.with_company(other["company"]).action_l10n_cl_ai_suggest_coding()
        line = bill.invoice_line_ids
        suggestion = line.l10n_cl_ai_suggestion_id
        self.assertTrue(suggestion)
        self.assertNotIn(suggestion.account_id, self.rent_account | self.common_account)
        self.assertIn(suggestion.state, ("unavailable", "proposed", "applied"))
        if suggestion.account_id:
            self.assertIn(other["company"], suggestion.account_id.company_ids)
        else:
            self.assertIn("resembles", suggestion.reason)

    def test_claude_down_leaves_the_suggestion_empty_with_the_reason(self):
        self.set_engine_params(bill_coding_claude="True", bill_coding_threshold="1.0")
        bill = self._draft("Honorarios auditoría tributaria anual")
        line = bill.invoice_line_ids
        before = line.account_id
        bill.action_l10n_cl_ai_suggest_coding()
        self.assertEqual(line.l10n_cl_ai_coding_state, "queued", "Claude is never called in the request")
        self.assertFalse(self.anthropic.messages_requests)
        for _attempt in range(3):
            self.anthropic.server_error()
        self.run_coding_queue()
        suggestion = line.l10n_cl_ai_suggestion_id
        self.assertEqual(suggestion.state, "unavailable")
        self.assertFalse(suggestion.account_id)
        self.assertEqual(line.account_id, before)
        self.assertIn("Claude could not suggest an account", suggestion.reason)

    def test_claude_naming_an_account_it_was_not_offered_gives_no_suggestion(self):
        self.set_engine_params(bill_coding_claude="True", bill_coding_threshold="1.0")
        bill = self._draft("Honorarios auditoría tributaria anual")
        line = bill.invoice_line_ids
        bill.action_l10n_cl_ai_suggest_coding()
        for _attempt in range(2):  # the reply and the client's one repair
            self.anthropic.reply_json({"account_code": "999999", "confidence": 90, "reason": "Auditoría."})
        self.run_coding_queue()
        suggestion = line.l10n_cl_ai_suggestion_id
        self.assertEqual(suggestion.state, "unavailable")
        self.assertFalse(suggestion.account_id)

    def test_claude_proposes_an_offered_account(self):
        self.set_engine_params(bill_coding_claude="True", bill_coding_threshold="1.0")
        bill = self._draft("Honorarios auditoría tributaria anual")
        line = bill.invoice_line_ids
        bill.action_l10n_cl_ai_suggest_coding()
        self.anthropic.reply_json(
            {"account_code": self.rent_account.code, "confidence": 70, "reason": "Servicio profesional."}
        )
        self.run_coding_queue()
        suggestion = line.l10n_cl_ai_suggestion_id
        self.assertEqual((suggestion.state, suggestion.source), ("proposed", "claude"))
        self.assertEqual(suggestion.account_id, self.rent_account)
        self.assertIn("Servicio profesional.", suggestion.reason)

    def test_the_index_is_rebuilt_only_when_posted_lines_change_and_never_in_a_request(self):
        index = self.env["l10n_cl_ai.bill.coding.index"]
        key = f"l10n_cl_ai.bill_coding_history.{self.company.id}"
        params = self.env["ir.config_parameter"].sudo()
        before = params.get_param(key)
        self.assertTrue(before)
        with patch.object(CompanyHistory, "build", wraps=CompanyHistory.build) as build:
            self.build_index()
            self.assertEqual(build.call_count, 0, "nothing changed: nothing rebuilt")
            self.bill(self.landlord, [(RENT.format(month="julio"), 1, 950000, self.rent_account)], post=True)
            self.assertEqual(params.get_param(key), before, "posting only wakes the scheduled action")
            self.assertEqual(build.call_count, 0)
            self.build_index()
            self.assertEqual(build.call_count, 1)
        self.assertNotEqual(params.get_param(key), before)
        self.assertEqual(index._history(self.company.id).size, 2 * 6 + 1)
        params.set_param(key, False)
        with patch.object(CompanyHistory, "build") as build:
            self.assertIsNone(index._history(self.company.id), "a request never builds a history")
            self.assertFalse(build.called)

    def test_an_imported_bill_gets_its_suggestions(self):
        bill = self._draft(RENT.format(month="julio"))
        bill._l10n_cl_ai_after_import()
        self.assertEqual(bill.invoice_line_ids.l10n_cl_ai_suggested_account_id, self.rent_account)
