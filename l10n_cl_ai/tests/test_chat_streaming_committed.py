"""The streamed answer on real cursors (the registry NOT in test mode), as in production: the message is
committed while Claude still writes (another transaction reads it), and the cron's transaction, whose
snapshot predates that message, can still link it as the answer.

The conversation, the question and the settings are committed (the cron commits too); everything is
deleted and the settings restored when each test ends.
"""

import time
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import tagged

from ..models.chat_stream import ChatStream
from .common import TEST_API_KEY, CommittedRowsCase
from .fakes.fake_anthropic import OVERLOADED

ANSWER = "Se anula con una **nota de crédito** (tipo 61) que referencia la factura con el código 1. " * 3
QUESTION = "¿Cómo anulo una factura electrónica ya enviada al SII?"


@tagged("post_install", "-at_install")
class TestChatStreamingCommitted(CommittedRowsCase):
    def setUp(self):
        super().setUp()
        params = {
            "api_key": TEST_API_KEY,
            "base_url": self.anthropic.base_url,
            "redis_url": self.redis_server.url,
            "model": "claude-sonnet-5-5",
            "chat_model": "",
            "timeout_s": "5",
            "retry_max_attempts": "1",
            "chat_bot_enabled": "True",
            "chat_streaming": "True",
            "budget_hard_stop": "False",
        }
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            config = env["ir.config_parameter"]
            saved = {name: config.get_param(f"l10n_cl_ai.{name}") for name in params}
            for name, value in params.items():
                config.set_param(f"l10n_cl_ai.{name}", value)
            admin = env.ref("base.user_admin")
            self.bot_id = env.ref("l10n_cl_ai.partner_chat_bot").id
            channel = (
                env["discuss.channel"]
                .with_user(admin)
                ._create_group(partners_to=[self.bot_id], name="streaming, committed")
            )
            self.channel_id = channel.id
            self.request_id = (
                env["l10n_cl_ai.chat.request"]
                .create(
                    {
                        "channel_id": channel.id,
                        "question": QUESTION,
                        "user_id": admin.id,
                        "company_id": admin.company_id.id,
                        "company_ids": [Command.set(admin.company_id.ids)],
                    }
                )
                .id
            )
        self.addCleanup(self._clean, saved)
        self.writes = []
        original = ChatStream._write

        def spy(stream, body):
            streaming = self.anthropic.messages_requests[-1].finished_at is None
            written = original(stream, body)
            with self.registry.cursor() as cr:  # another real transaction
                cr.execute("SELECT body FROM mail_message WHERE id = %s", [stream.message_id])
                self.writes.append((time.monotonic(), streaming, cr.fetchone()[0]))
            return written

        patcher = patch.object(ChatStream, "_write", autospec=True, side_effect=spy)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _clean(self, saved):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for name, value in saved.items():
                env["ir.config_parameter"].set_param(f"l10n_cl_ai.{name}", value or False)
            env["mail.message"].search(
                [("model", "=", "discuss.channel"), ("res_id", "=", self.channel_id)]
            ).unlink()
            env["l10n_cl_ai.chat.request"].browse(self.request_id).exists().unlink()
            env["discuss.channel"].browse(self.channel_id).exists().unlink()
        self.registry.clear_cache()

    def _answer_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["l10n_cl_ai.chat.request"].browse(self.request_id)
            request.write({"state": "queued", "not_before": False})
            request._answer_queued()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["l10n_cl_ai.chat.request"].browse(self.request_id)
            messages = env["mail.message"].search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", self.channel_id),
                    ("author_id", "=", self.bot_id),
                ],
                order="id",
            )
            return (request.state, request.attempts, request.reply_message_id.id), [
                (message.id, str(message.body)) for message in messages
            ]

    def test_the_streamed_message_is_committed_while_claude_writes_and_becomes_the_answer(self):
        self.anthropic.reply_text(ANSWER, chunk_size=8, event_delay=0.03)
        (state, _attempts, reply_id), messages = self._answer_once()
        self.assertTrue(self.writes and self.writes[0][1], "written while Claude still writes")
        self.assertIn("Se anula", self.writes[0][2], "another transaction reads the first text")
        self.assertEqual(len(messages), 1, "one bot message: the streamed one")
        self.assertEqual((state, reply_id), ("done", messages[0][0]))
        self.assertEqual(self.writes[-1][2], messages[0][1], "the final body is the last one written")
        self.assertIn("nota de crédito</b> (tipo 61)", messages[0][1])

    def test_a_cut_answer_is_kept_marked_incomplete_and_answered_again(self):
        self.anthropic.reply_text(ANSWER, chunk_size=8, cut_after=8, cut_with=OVERLOADED)
        (state, attempts, reply_id), messages = self._answer_once()
        self.assertEqual((state, attempts, reply_id), ("queued", 1, False))
        self.assertEqual(len(messages), 1)
        self.assertIn("Answer incomplete: Claude stopped mid-answer (Overloaded)", messages[0][1])

        self.anthropic.reply_text(ANSWER, chunk_size=8, event_delay=0.01)
        (state, attempts, reply_id), messages = self._answer_once()
        self.assertEqual(len(messages), 2)
        self.assertEqual((state, reply_id), ("done", messages[1][0]))
        self.assertNotIn("Answer incomplete", messages[1][1])
