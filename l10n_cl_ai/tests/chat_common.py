"""Shared setup of the Discuss bot tests (no test of its own)."""

from datetime import timedelta

from odoo import Command, fields

from .common import DteTestCommon


class ChatBotCase(DteTestCommon):
    """An AI accountant in a Chilean company, two posted invoices, another company with its own invoice;
    helpers to ask the bot and run its queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_engine_params(retry_max_attempts="1", chat_bot_enabled="True", chat_max_tool_rounds="3")
        cls.bot = cls.env.ref("l10n_cl_ai.partner_chat_bot")
        cls.accountant = cls.company_user(
            "chat_accountant", "account.group_account_invoice,l10n_cl_ai.group_user", cls.company
        )
        cls.invoices = cls._invoice(post=True) | cls._invoice(
            lines=[("Toner HP 85A", 3, 45990, cls.vat)], post=True
        )
        other = cls.setup_other_company(name="Constructora Sur SpA")
        cls.other_company = other["company"]
        cls.other_partner = cls.env["res.partner"].create({"name": "Inmobiliaria Reservada Sur SpA"})
        cls.other_invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": cls.other_company.id,
                "journal_id": other["default_journal_sale"].id,
                "partner_id": cls.other_partner.id,
                "invoice_date": cls.issue_date,
                "invoice_line_ids": [
                    Command.create({"name": "Arriendo oficina", "quantity": 1, "price_unit": 900000})
                ],
            }
        )

    # -- helpers ------------------------------------------------------------------------------------
    def _chat(self, user):
        return self.env["discuss.channel"].with_user(user)._get_or_create_chat([self.bot.id])

    def _ask(self, text, user=None, channel=None, **post_values):
        user = user or self.accountant
        channel = (channel or self._chat(user)).with_user(user)
        channel.message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_comment", **post_values
        )
        return channel

    def _requests(self, channel):
        return self.env["l10n_cl_ai.chat.request"].search([("channel_id", "=", channel.id)], order="id")

    def _run_queue(self):
        self.env.flush_all()
        self.env.ref("l10n_cl_ai.ir_cron_chat_queue").method_direct_trigger()
        self.env.invalidate_all()

    def _bot_messages(self, channel):
        return channel.sudo().message_ids.filtered(lambda m: m.author_id == self.bot).sorted("id")

    def _usage(self, request):
        return (
            self.env["l10n_cl_ai.usage"]
            .sudo()
            .search([("res_model", "=", request._name), ("res_id", "=", request.id)], order="id")
        )

    def _make_due(self, request):
        request.sudo().not_before = fields.Datetime.now() - timedelta(seconds=1)
