"""👍/👎 on the bot's answers: counted on the question, grouped by expert and month for the feedback
analysis and ``/metrics``."""

from odoo import fields
from odoo.tests import tagged

from ..models.chat_feedback import thumbs
from .chat_common import ChatBotCase


@tagged("post_install", "-at_install")
class TestChatFeedback(ChatBotCase):
    def _answered(self, channel=None, question="¿Cómo anulo una factura electrónica ya enviada al SII?"):
        self.anthropic.reply_text("Con una nota de crédito.")
        if channel:
            channel = self._ask(
                f"@Asistente Tributario {question}", channel=channel, partner_ids=self.bot.ids
            )
        else:
            channel = self._ask(question)
        self._run_queue()
        request = self._requests(channel)
        self.assertEqual(request.state, "done")
        return request

    def _react(self, request, user, content, action="add"):
        """As Discuss's reaction route does: the user's access to the message checked, then as superuser."""
        message = request.reply_message_id.with_user(user)
        message.check_access("read")
        message.sudo()._message_reaction(content, action, user.partner_id, self.env["mail.guest"])
        self.env.flush_all()

    def test_thumbs_on_an_answer_are_counted_on_its_question_and_follow_removals(self):
        colleague = self.company_user("chat_feedback_colleague", "l10n_cl_ai.group_user", self.company)
        channel = self.env["discuss.channel"].create({"name": "Contabilidad", "channel_type": "group"})
        channel.add_members(
            partner_ids=(self.accountant.partner_id | colleague.partner_id | self.bot).ids,
            post_joined_message=False,
        )
        request = self._answered(channel)
        self._react(request, self.accountant, "👍")
        self._react(request, colleague, "👎🏽")
        self._react(request, colleague, "🎉")
        self.assertEqual((request.feedback_up, request.feedback_down), (1, 1))
        self._react(request, colleague, "👎🏽", "remove")
        self.assertEqual((request.feedback_up, request.feedback_down), (1, 0))

    def test_feedback_per_expert_and_month_reaches_the_metrics(self):
        request = self._answered()
        self._react(request, self.accountant, "👍")
        month = fields.Datetime.now().strftime("%Y-%m")
        rows = self.env["l10n_cl_ai.chat.request"]._feedback_rows()
        self.assertIn({"plugin": request.plugin, "month": month, "up": 1, "down": 0}, rows)
        text = self.env["l10n_cl_ai.metrics.scrape"]._exposition()
        self.assertIn(
            f'l10n_cl_ai_chat_feedback{{month="{month}",plugin="{request.plugin}",reaction="up"}} 1.0', text
        )
        self.assertIn(
            f'l10n_cl_ai_chat_feedback{{month="{month}",plugin="{request.plugin}",reaction="down"}} 0.0', text
        )

    def test_skin_tones_count_as_their_thumb(self):
        self.assertEqual(thumbs(["👍", "👍🏻", "👎🏿", "❤️", "🎉"]), (2, 1))
