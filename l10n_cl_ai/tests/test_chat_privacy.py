"""What others read of a question to the bot, and which company pays for its answer."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DteTestCommon


@tagged("post_install", "-at_install")
class TestChatPrivacy(DteTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_engine_params(retry_max_attempts="1", chat_bot_enabled="True", chat_max_tool_rounds="3")
        cls.bot = cls.env.ref("l10n_cl_ai.partner_chat_bot")
        cls.other_company = cls.setup_other_company(name="Constructora Sur SpA")["company"]
        cls.asker = cls.company_user(
            "privacy_asker", "account.group_account_invoice", cls.company | cls.other_company
        )
        cls.manager = cls.company_user(
            "privacy_manager", "l10n_cl_ai.group_manager", cls.company | cls.other_company
        )

    def _ask(self, text, companies):
        """Post ``text`` to the bot as the asker, with ``companies`` selected (the first is current)."""
        channel = (
            self.env["discuss.channel"]
            .with_user(self.asker)
            .with_context(allowed_company_ids=companies.ids)
            ._get_or_create_chat([self.bot.id])
        )
        channel.message_post(body=text, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.env.flush_all()
        self.env.ref("l10n_cl_ai.ir_cron_chat_queue").method_direct_trigger()
        self.env.invalidate_all()
        return self.env["l10n_cl_ai.chat.request"].search([("channel_id", "=", channel.id)], order="id")[-1:]

    def _usage(self, request):
        return self.env["l10n_cl_ai.usage"].search(
            [("res_model", "=", request._name), ("res_id", "=", request.id)]
        )

    def test_tool_arguments_are_read_by_the_asker_only(self):
        self.anthropic.reply_tool_use("buscar_contacto", {"rut": "77.123.456-9"})
        self.anthropic.reply_text("Es Constructora Cordillera Ltda.")
        request = self._ask("¿Quién es el RUT 77.123.456-9?", self.company)
        reads = request.read_ids
        self.assertTrue(reads)
        mine = reads.with_user(self.asker)
        self.assertIn("77.123.456-9", mine.read(["tool_input"])[0]["tool_input"])
        theirs = reads.with_user(self.manager).with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(theirs.search([("id", "in", reads.ids)]), reads, "managers audit the reads")
        row = theirs.read(["tool", "res_model", "count", "tool_input"])[0]
        self.assertEqual((row["tool"], row["tool_input"]), ("buscar_contacto", False))
        with self.assertRaises(AccessError):
            theirs.read(["arguments"])

    def test_a_question_across_two_companies_is_charged_to_the_one_selected(self):
        self.anthropic.reply_text("El IVA es el impuesto al valor agregado.")
        request = self._ask("¿Qué es el IVA?", self.other_company | self.company)
        self.assertEqual((request.state, request.answer_kind), ("done", "answer"))
        self.assertEqual(request.company_ids, self.other_company | self.company)
        self.assertEqual(self._usage(request).company_id, self.other_company)

        self.set_engine_params(monthly_budget_usd="1.0", budget_hard_stop="True")
        self.env["l10n_cl_ai.usage"].sudo().create(
            {
                "feature": "chat",
                "cost_usd": 1.5,
                "user_id": self.asker.id,
                "company_id": self.other_company.id,
            }
        )
        refused = self._ask("¿Y el PPM?", self.other_company | self.company)
        self.assertEqual(refused.answer_kind, "refused", "the selected company's budget is spent")
        self.anthropic.reply_text("El PPM es el pago provisional mensual.")
        answered = self._ask("¿Y el PPM?", self.company | self.other_company)
        self.assertEqual(answered.answer_kind, "answer", "the other company's budget is not")
        self.assertEqual(self._usage(answered).company_id, self.company)

    def test_chat_answers_stored_before_are_erased_by_the_upgrade(self):
        Usage = self.env["l10n_cl_ai.usage"].sudo()
        chat = Usage.create(
            {"feature": "chat", "reply": '{"content": "Constructora Cordillera debe 1.190.000"}'}
        )
        review = Usage.create({"feature": "dte_validation", "reply": '{"parsed": {"findings": []}}'})
        self.assertEqual(Usage._forget_unreplayed_replies(), 1)
        self.assertFalse(chat.reply)
        self.assertTrue(review.reply, "a review's reply is kept: a replayed review reuses it")
