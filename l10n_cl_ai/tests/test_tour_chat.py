"""In headless Chromium: open the chat with the tax assistant, ask, and see the answer appear."""

import shutil
import unittest

from odoo.tests import HttpCase, tagged

from .common import EngineHarnessMixin


@tagged("post_install", "-at_install")
class TestTourChat(EngineHarnessMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes()
        cls.set_engine_params(retry_max_attempts="1", chat_bot_enabled="True")

    def setUp(self):
        super().setUp()
        self.env["l10n_cl_ai.engine"].sudo()._services().redis.flushdb()

    def test_ask_the_assistant_in_discuss(self):
        self.assertTrue(shutil.which("chromium") or shutil.which("google-chrome"), "Chromium is needed")
        admin = self.env.ref("base.user_admin")
        admin.lang = "en_US"  # the tour reads English labels; make setup may give admin es_CL
        bot = self.env.ref("l10n_cl_ai.partner_chat_bot")
        channel = self.env["discuss.channel"].with_user(admin)._get_or_create_chat([bot.id])
        self.anthropic.reply_text(
            "Se anula con una **nota de crédito** (61) que la referencia con CodRef 1.\n\n"
            "Fuentes: [notas-credito-debito]"
        )
        try:
            self.start_tour(
                f"/odoo/discuss?active_id=discuss.channel_{channel.id}",
                "l10n_cl_ai_chat_tour",
                login="admin",
            )
        except unittest.SkipTest as skipped:  # a skipped tour proves nothing: fail instead
            self.fail(f"The browser tour could not run: {skipped}")
        request = self.env["l10n_cl_ai.chat.request"].search([("channel_id", "=", channel.id)])
        self.assertEqual((request.state, request.answer_kind), ("done", "answer"))
        self.assertEqual(len(self.anthropic.messages_requests), 1)
