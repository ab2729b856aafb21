"""The bot's answer streams into its message: posted at the first text, updated at most every 300 ms
through the bus, replaced by the final answer (sources included) at the end; a cut stream keeps its text
and says the answer is incomplete."""

import json
import time
from datetime import timedelta
from unittest.mock import patch

from markupsafe import Markup

from odoo import fields
from odoo.tests import tagged

from ..models.chat_stream import STREAMING_CLASS, ChatStream
from ..services.chat.stream import UPDATE_INTERVAL_S
from .chat_common import ChatBotCase
from .fakes.fake_anthropic import OVERLOADED

EVENTS_BEFORE_TEXT = 3  # message_start, ping, content_block_start
ANSWER = (
    "Una factura electrónica aceptada por el SII no se anula: se emite una **nota de crédito** (tipo 61) "
    "que la referencia con el código 1, dentro del plazo legal, y se envía al SII como cualquier otro "
    "documento. Si el error es solo de texto, basta una nota de crédito con código 2. "
)  # 40 text deltas of 8 characters
QUESTION = "¿Cómo anulo una factura electrónica ya enviada al SII?"


@tagged("post_install", "-at_install")
class TestChatStreaming(ChatBotCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_accountant = cls.company_user(
            "chat_accountant_stream", "account.group_account_invoice,l10n_cl_ai.group_user", cls.company
        )

    def setUp(self):
        super().setUp()
        self.events = []  # ("write", at, still streaming, body read on another cursor) / ("typing", value)
        original_write = ChatStream._write

        def spy_write(stream, body):
            sent = self.anthropic.messages_requests
            streaming = bool(sent) and sent[-1].finished_at is None
            started = time.monotonic()
            written = original_write(stream, body)
            with self.registry.cursor() as cr:
                cr.execute("SELECT body FROM mail_message WHERE id = %s", [stream.message_id])
                seen = cr.fetchone()[0]
            self.events.append(("write", started, streaming, seen))
            return written

        answer_class = self.registry["l10n_cl_ai.chat.answer"]
        original_typing = answer_class._set_typing

        def spy_typing(answer, channel, is_typing):
            self.events.append(("typing", is_typing))
            return original_typing(answer, channel, is_typing)

        for target, name, spy in (
            (ChatStream, "_write", spy_write),
            (answer_class, "_set_typing", spy_typing),
        ):
            patcher = patch.object(target, name, autospec=True, side_effect=spy)
            patcher.start()
            self.addCleanup(patcher.stop)

    def _writes(self):
        return [event for event in self.events if event[0] == "write"]

    # -- streaming -------------------------------------------------------------------------------------
    def test_the_answer_is_shown_while_claude_writes_it_then_replaced_by_the_whole_answer(self):
        self.set_engine_params(chat_streaming="False")  # the answer as it was: posted at the end
        self.anthropic.reply_text(ANSWER)
        unstreamed = self._ask(QUESTION, user=self.other_accountant)
        self._run_queue()
        self.assertFalse(self.anthropic.messages_requests[-1].body.get("stream"))
        self.assertEqual(self._writes(), [])
        expected = self._requests(unstreamed).reply_message_id.body

        self.set_engine_params(chat_streaming="True")
        self.anthropic.reply_text(ANSWER, chunk_size=8, event_delay=0.05)
        channel = self._ask(QUESTION)
        self._run_queue()
        request = self._requests(channel)
        writes = self._writes()
        streamed = [write for write in writes if write[2]]
        self.assertTrue(streamed[:1] and streamed[0] == writes[0], "posted while Claude still writes")
        self.assertIn("Una fact", streamed[0][3], "the first text is in the message another cursor reads")
        gaps = [later[1] - earlier[1] for earlier, later in zip(streamed, streamed[1:], strict=False)]
        self.assertGreaterEqual(len(streamed), 2)
        self.assertGreaterEqual(min(gaps), UPDATE_INTERVAL_S, "at most one update every 300 ms")
        duration = self.anthropic.messages_requests[-1].finished_at - streamed[0][1]
        self.assertLessEqual(len(streamed), 2 + duration / UPDATE_INTERVAL_S)
        self.assertFalse(writes[-1][2], "the last write is the whole answer, once Claude is done")

        reply = self._bot_messages(channel)
        self.assertEqual(len(reply), 1, "one bot message per answer: the streamed one")
        self.assertEqual((request.state, request.reply_message_id), ("done", reply))
        self.assertEqual(reply.body, expected, "the same final body as without streaming, sources included")
        self.assertIn("o_l10n_cl_ai_sources", reply.body)
        self.assertEqual(writes[-1][3], reply.body)
        typing = [event for event in self.events if event[0] == "typing"]
        self.assertEqual(typing[-2:], [("typing", True), ("typing", False)])
        self.assertEqual(self.events[-1], ("typing", False), "the bot types until the final update")

    def test_each_update_reaches_the_channel_through_the_bus(self):
        self.anthropic.reply_text(ANSWER, chunk_size=8, event_delay=0.03)
        channel = self._ask(QUESTION)
        self._run_queue()
        reply = self._bot_messages(channel)
        self.env.flush_all()
        bus_channel = json.dumps([self.env.cr.dbname, "discuss.channel", channel.id], separators=(",", ":"))
        body_updates = [
            message
            for notification in self.env["bus.bus"].sudo().search([("channel", "=", bus_channel)])
            for message in [json.loads(notification.message)]
            if message["type"] == "mail.record/insert"
            and any(
                row.get("id") == reply.id and "body" in row
                for row in message["payload"].get("mail.message", [])
            )
        ]
        updates = len(self._writes()) - 1  # the first write posts the message
        self.assertGreaterEqual(updates, 2)
        self.assertEqual(len(body_updates), updates, "one notification to the channel per update")
        self.assertNotIn("o-mail-Message-edited", reply.body, "not shown as a message the bot edited")

    def test_the_text_claude_writes_before_calling_a_tool_is_not_the_answer(self):
        self.anthropic.reply_tool_use(
            "buscar_facturas",
            {"contacto": "Cordillera", "movimiento": "venta"},
            text="Voy a revisar tus ventas.",
        )
        self.anthropic.reply_text("Tiene 2 facturas emitidas a Constructora Cordillera.")
        channel = self._ask("¿Qué facturas le emití a Constructora Cordillera?")
        self._run_queue()
        reply = self._bot_messages(channel)
        self.assertEqual(len(reply), 1)
        self.assertIn("Tiene 2 facturas emitidas", reply.body)
        self.assertNotIn("Voy a revisar", reply.body)
        bodies = [write[3] for write in self._writes()]
        shown = [index for index, body in enumerate(bodies) if "Voy a revisar" in body]
        self.assertTrue(shown, "the first text is shown at once, before anyone knows a tool comes")
        self.assertNotIn("Voy a revisar", bodies[shown[-1] + 1], "then replaced when the tool call comes")

    def test_links_to_records_become_clickable_only_in_the_final_answer_and_only_to_records_read(self):
        read, unread = self.invoices[0], self.other_invoice
        self.anthropic.reply_tool_use("buscar_facturas", {"contacto": "Cordillera", "movimiento": "venta"})
        self.anthropic.reply_text(
            f"Vea [la factura](/odoo/account.move/{read.id}) y [otra](/odoo/account.move/{unread.id}). "
            + "Detalle de la respuesta. " * 12,
            chunk_size=8,
            event_delay=0.03,
        )
        channel = self._ask("¿Qué facturas le emití a Constructora Cordillera?")
        self._run_queue()
        writes = self._writes()
        streamed = [write[3] for write in writes if write[2]]
        self.assertTrue(streamed and any(f"/odoo/account.move/{read.id}" in body for body in streamed))
        for body in streamed:  # the tools' reads are known at the end only
            self.assertNotIn(f'href="/odoo/account.move/{read.id}"', body)
        final = self._bot_messages(channel).body
        self.assertEqual(writes[-1][3], final)
        self.assertIn(f'href="/odoo/account.move/{read.id}"', final)
        for body in [*streamed, final]:
            self.assertNotIn(f'href="/odoo/account.move/{unread.id}"', body)

    # -- failures --------------------------------------------------------------------------------------
    def test_a_stream_cut_mid_answer_keeps_its_text_says_so_and_the_question_is_answered_again(self):
        self.anthropic.reply_text(ANSWER, chunk_size=8, cut_after=EVENTS_BEFORE_TEXT + 5)
        channel = self._ask(QUESTION)
        self._run_queue()
        request = self._requests(channel)
        partial = self._bot_messages(channel)
        self.assertEqual(len(partial), 1, "no second message besides the partial answer")
        self.assertIn("Una factura electrónica aceptada por el", partial.body)
        self.assertIn("Answer incomplete: Claude stopped mid-answer (RemoteProtocolError).", partial.body)
        self.assertIn("I will answer again", partial.body)
        self.assertEqual((request.state, request.attempts, request.reply_message_id.id), ("queued", 1, False))
        usage = self._usage(request)
        self.assertEqual(len(usage), 1, "the cut stream is in the ledger")
        self.assertEqual(usage.outcome, "unavailable")
        self.assertGreater(usage.input_tokens, 0)
        self.assertGreaterEqual(usage.output_tokens, 10, "the 40 characters written, at least")

        self.anthropic.reply_text(ANSWER)
        self._make_due(request)
        self._run_queue()
        messages = self._bot_messages(channel)
        self.assertEqual(len(messages), 2)
        self.assertEqual((request.state, request.reply_message_id), ("done", messages[-1]))
        self.assertNotIn("Answer incomplete", messages[-1].body)
        self.assertIn("nota de crédito", messages[-1].body)

    def test_an_overloaded_error_mid_stream_is_marked_incomplete_too(self):
        self.anthropic.reply_text(ANSWER, chunk_size=8, cut_after=EVENTS_BEFORE_TEXT + 5, cut_with=OVERLOADED)
        channel = self._ask(QUESTION)
        self._run_queue()
        partial = self._bot_messages(channel)
        self.assertEqual(len(partial), 1)
        self.assertIn("Una factura electrónica aceptada por el", partial.body)
        self.assertIn("Answer incomplete", partial.body)
        self.assertIn("Claude stopped mid-answer (Overloaded)", partial.body)
        self.assertEqual(self._usage(self._requests(channel)).outcome, "unavailable")

    def test_a_stream_cut_before_any_text_posts_no_placeholder(self):
        self.anthropic.reply_text(ANSWER, cut_after=EVENTS_BEFORE_TEXT)
        channel = self._ask(QUESTION)
        self._run_queue()
        request = self._requests(channel)
        self.assertEqual(self._writes(), [], "no streamed message")
        messages = self._bot_messages(channel)
        self.assertEqual(len(messages), 1)
        self.assertIn("I could not reach Claude", messages.body, "the usual notice of a retry")
        self.assertNotIn("Answer incomplete", messages.body)
        self.assertEqual((request.state, request.attempts), ("queued", 1))
        self.assertEqual(self._usage(request).outcome, "unavailable")

    def test_a_stream_its_worker_was_killed_in_is_marked_incomplete_when_the_queue_recovers_it(self):
        channel = self._ask(QUESTION)
        request = self._requests(channel)
        answer = self.env["l10n_cl_ai.chat.answer"]
        stream = ChatStream(request, answer)
        stream.on_text("Una factura electrónica aceptada por el SII ")  # shown, then the worker died
        partial = self._bot_messages(channel)
        self.assertIn(STREAMING_CLASS, partial.body)
        started = fields.Datetime.now() - timedelta(minutes=30)
        request.sudo().write({"state": "running", "started_at": started})
        self.anthropic.reply_text(ANSWER)
        self._run_queue()  # recovers the request: one failed run, retried later
        self.assertEqual((request.state, request.attempts), ("queued", 1))
        self.assertNotIn(STREAMING_CLASS, partial.body)
        self.assertIn("Una factura electrónica aceptada por el SII", partial.body)
        self.assertIn("Answer incomplete: the previous attempt was interrupted.", partial.body)
        self._make_due(request)
        self._run_queue()
        self.assertEqual(request.state, "done")
        self.assertNotIn("Answer incomplete", request.reply_message_id.body)
        self.assertNotIn(STREAMING_CLASS, request.reply_message_id.body, "the final answer is not streaming")

    def test_the_recovery_marks_only_streaming_messages_not_an_answer_that_quotes_the_marker(self):
        channel = self._ask(QUESTION)
        request = self._requests(channel)
        answer = self.env["l10n_cl_ai.chat.answer"]
        stream = ChatStream(request, answer)
        stream.on_text("Una factura electrónica aceptada por el SII ")  # shown, then the worker died
        partial = self._bot_messages(channel)
        # a complete answer of the bot after the question whose text names the marker (any member can
        # ask the bot to repeat it): text, never the streaming block
        quoting = answer._post_as_bot(
            channel, Markup("<p>%s</p>") % f'El bloque <div class="{STREAMING_CLASS}"> es interno.'
        )
        quoted_body = quoting.body
        self.assertIn(STREAMING_CLASS, quoted_body)
        started = fields.Datetime.now() - timedelta(minutes=30)
        request.sudo().write({"state": "running", "started_at": started})
        self.anthropic.reply_text(ANSWER)
        self._run_queue()  # recovers the request
        self.assertIn("Answer incomplete: the previous attempt was interrupted.", partial.body)
        self.assertEqual(quoting.body, quoted_body, "a finished answer is not marked incomplete")
