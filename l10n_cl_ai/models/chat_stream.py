"""The bot's message an answer streams into (Discuss), written on its own cursor and committed at once.

The answer runs in the cron's transaction, which the user's browser cannot see until it ends: the
streamed message is posted by the bot at the first text and updated on another cursor, each write
committed, and the web client learns of each update through the bus (the ``mail.record/insert`` of the
message's body, as ``mail.thread._message_update_content`` sends it, without its "edited" mark). Updates
are throttled by ``services.chat.stream.StreamedText`` (at most one every 300 ms, and the end).

While streaming, the partial Markdown is rendered escape-first like the final answer, with links only to
the knowledge sources already known (the records the tools read are known at the end: their links show
as plain text until then). The end replaces the body with the final answer (sources included), or, when
the answer failed after some text, keeps that text with a line saying the answer is incomplete.

Streaming is a convenience: a failure to write the streamed message is logged and streaming stops; the
answer is then posted at the end as a new message, as without streaming.

While it streams, the body is wrapped in a ``STREAMING_CLASS`` block; the end (the final answer, or the
incomplete text) drops it. A message still wrapped after its request stopped running was cut by a killed
worker: ``mark_cut_streams`` says so when the queue recovers the request.
"""

import logging

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import SUPERUSER_ID, api

from odoo.addons.mail.tools.discuss import Store

from ..services.chat.render import render_markdown
from ..services.chat.stream import StreamedText

_logger = logging.getLogger(__name__)

STREAMING_CLASS = "o_l10n_cl_ai_streaming"
STREAMING_BLOCKS = f"//div[contains(concat(' ', normalize-space(@class), ' '), ' {STREAMING_CLASS} ')]"


class ChatStream:
    """The streamed message of one request. ``answer``: the ``l10n_cl_ai.chat.answer`` model in the
    asker's language (for the lines it adds)."""

    def __init__(self, request, answer, streamed_text=None):
        self.registry = request.env.registry
        self.channel_id = request.channel_id.id
        self.answer = answer
        self.text = streamed_text or StreamedText()
        self.allowed = frozenset()
        self.message_id = None  # the bot's message, once posted
        self.writes = 0
        self.broken = False

    def start(self, allowed):
        """Streaming begins; ``allowed``: the links the partial answer may hold (``render.allowed_links``)."""
        self.allowed = allowed

    # -- the client's callbacks ------------------------------------------------------------------------
    def on_text(self, delta):
        if self.text.add(delta):
            self._show(Markup(render_markdown(self.text.text, self.allowed)))  # noqa: S704 - escape-first

    def on_round(self, stop_reason):
        if self.text.end_reply(stop_reason):  # the text shown came before tool calls: not the answer
            self._show(Markup("<p><i>%s</i></p>") % self.answer.env._("Looking up what the answer needs…"))

    # -- the end ---------------------------------------------------------------------------------------
    def finish(self, body):
        """The final answer replaces the streamed text; its message id, or ``None`` when there is none
        (nothing was streamed, or writing failed: the caller posts the answer itself)."""
        if self.message_id is None or self.broken or not self._write(body):
            return None
        return self.message_id

    def mark_incomplete(self, reason, retrying):
        """The answer failed after some text was shown: keep that text and say it is incomplete."""
        if self.message_id is None or self.broken:
            return
        env, reason = self.answer.env, reason.rstrip(". ")
        if retrying:
            line = env._("Answer incomplete: %(reason)s. I will answer again in a moment.", reason=reason)
        else:
            line = env._("Answer incomplete: %(reason)s.", reason=reason)
        partial = Markup(render_markdown(self.text.text, self.allowed))  # noqa: S704 - escape-first
        self._write(partial + _incomplete_line(line))

    # -- writing ---------------------------------------------------------------------------------------
    def _show(self, body):
        body = Markup('<div class="%s">%s</div>') % (STREAMING_CLASS, body)
        if not self.broken and self._write(body):
            self.text.mark_shown()

    def _write(self, body):
        """Post or update the bot's message with ``body`` on a cursor of its own, committed; ``False`` (and
        streaming stopped) when that fails."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, dict(self.answer.env.context))
                if self.message_id is None:
                    channel = env["discuss.channel"].browse(self.channel_id)
                    self.message_id = env["l10n_cl_ai.chat.answer"]._post_as_bot(channel, body).id
                else:
                    _update_body(env["mail.message"].browse(self.message_id), body)
        except Exception as error:  # noqa: BLE001 - streaming stops; the answer is posted at the end
            _logger.warning("Discuss bot: streaming into channel %s stopped: %s", self.channel_id, error)
            self.broken = True
            return False
        self.writes += 1
        return True


def _update_body(message, body):
    """Replace a bot message's body and send it to the channel's members (the ``mail.record/insert`` that
    ``_message_update_content`` sends, without marking the message as edited)."""
    message.write({"body": body})
    Store(bus_channel=message._bus_channel()).add(message, ["body", "write_date"]).bus_send()


def _incomplete_line(line):
    return Markup("<p><i>%s</i></p>") % line


def mark_cut_streams(request, answer, reason):
    """The bot's messages of ``request`` still streaming when its worker was killed: their text kept, the
    streaming block dropped, and a line saying the answer is incomplete (``reason``). One conversation
    answers one question at a time, so the bot's streaming messages after the question are this one's; a
    message is one when its body holds the streaming block (the search's text match alone also finds an
    answer whose text quotes the marker, which is left as it is)."""
    if not request.message_id:
        return
    bot = answer._bot_partner()
    messages = (
        request.env["mail.message"]
        .sudo()
        .search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", request.channel_id.id),
                ("author_id", "=", bot.id),
                ("id", ">", request.message_id.id),
                ("body", "ilike", STREAMING_CLASS),
            ]
        )
    )
    line = answer.env._("Answer incomplete: %(reason)s.", reason=reason.rstrip(". "))
    for message in messages:
        tree = lxml_html.fragment_fromstring(str(message.body), create_parent="div")
        blocks = tree.xpath(STREAMING_BLOCKS)
        if not blocks:  # the marker in the text only (an answer quoting it): a finished message
            continue
        for block in blocks:
            block.drop_tag()
        kept = Markup("").join(  # noqa: S704 - our own escaped rendering, read back
            Markup(lxml_html.tostring(child, encoding="unicode")) for child in tree  # noqa: S704
        )
        _update_body(message, Markup("%s%s%s") % (tree.text or "", kept, _incomplete_line(line)))
