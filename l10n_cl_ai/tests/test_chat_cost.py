"""The cost of an answer: passages cut to the sentences that match (title and legal source kept), the
answer's length under a setting told to Claude in the cached rules, the bot's notes left out of the
history."""

import json

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..services.chat import trim
from .chat_common import ChatBotCase

QUESTION = "¿Qué significa que el SII dejó un documento aceptado con reparos?"


@tagged("post_install", "-at_install")
class TestChatCost(ChatBotCase):
    def test_trimmed_passages_keep_the_answer_the_title_and_the_source(self):
        self.set_engine_params(chat_max_answer_tokens="600")
        answer = self.env["l10n_cl_ai.chat.answer"].with_user(self.accountant)
        self.anthropic.reply_text("El documento es válido, pero el SII hizo observaciones.")
        self._ask(QUESTION)
        self._run_queue()
        sent = self.anthropic.messages_requests[-1].body
        turn = sent["messages"][-1]["content"]
        turn = turn if isinstance(turn, str) else json.dumps(turn, ensure_ascii=False)
        document = self.env.ref("l10n_cl_ai.kb_estados_rechazos_sii")
        self.assertIn(f"[estados-rechazos-sii] {document.title} — {document.source[:60]}", turn)
        self.assertIn("el documento es válido, pero el SII hizo observaciones", turn)
        self.assertIn(f"\n{trim.ELISION}", turn, "what was left out of a passage is marked")
        passages = answer._passages(QUESTION)
        self.assertEqual(len(passages), 3, "no passage is dropped")
        for passage in passages:  # each one there, with its title, and shorter than the chunk found
            start = turn.index(f"[{passage['slug']}] {passage['title']}")
            block = turn[turn.index("\n", start) + 1 : turn.index("\n\n", start)]
            self.assertLess(len(block), len(passage["excerpt"]), passage["slug"])
        self.assertNotIn("Revíselas", turn, "a sentence of the passage without the question's terms")
        self.assertEqual(sent["max_tokens"], 600)
        rules = sent["system"][-1]
        self.assertIn("no más de 300 palabras", rules["text"])
        self.assertIn("cache_control", rules, "the length rule is part of the cached prefix")

    def test_the_shared_conversation_note_is_left_out_of_the_history(self):
        channel = self.env["discuss.channel"]._create_channel(name="contabilidad", group_id=None)
        channel.add_members(partner_ids=self.accountant.partner_id.ids)
        self.anthropic.reply_text("El CAF es el código de autorización de folios.")
        self._ask("@Asistente Tributario ¿Qué es el CAF?", channel=channel, partner_ids=self.bot.ids)
        self._run_queue()
        first = self._bot_messages(channel)
        self.assertIn("o_l10n_cl_ai_note", first.body, "the note is shown in the channel")
        self.anthropic.reply_text("Se solicita en el sitio del SII.")
        self._ask("@Asistente Tributario ¿Y dónde lo pido?", channel=channel, partner_ids=self.bot.ids)
        self._run_queue()
        turn = json.dumps(self.anthropic.messages_requests[-1].body["messages"][-1], ensure_ascii=False)
        self.assertIn("asistente: El CAF es el código de autorización de folios.", turn)
        self.assertNotIn("In a shared conversation", turn)

    def test_the_answer_length_setting_is_bounded(self):
        for value in (199, 4001):
            with self.assertRaisesRegex(
                ValidationError, r"Answer length \(tokens\) must be between 200 and 4000"
            ):
                self.env["res.config.settings"].create({"l10n_cl_ai_chat_max_answer_tokens": value}).execute()
        self.env["res.config.settings"].create({"l10n_cl_ai_chat_max_answer_tokens": 500}).execute()
        self.assertEqual(self.env["l10n_cl_ai.engine"]._read_settings().chat_max_answer_tokens, 500)
