"""The text of an answer Claude is streaming, and when to show it. Plain Python, no odoo.

The first text is shown at once; after that at most one update every ``interval_s`` (at the first delta
after the interval: no timer thread), and the end shows the rest. Only the last reply's text is the
answer: a reply that ends in tool calls (``stop_reason`` ``tool_use``) may open with a sentence such as
"I will look up your invoices"; that text is dropped when the reply ends, and what was shown of it is
replaced.
"""

import time

UPDATE_INTERVAL_S = 0.3


class StreamedText:
    """The current reply's text and what was last shown of it."""

    def __init__(self, interval_s=UPDATE_INTERVAL_S, clock=time.monotonic):
        self.interval_s = interval_s
        self._clock = clock
        self.text = ""  # the text of the reply being streamed
        self.shown = None  # the text last shown (``None``: nothing shown yet)
        self._shown_at = None

    def add(self, delta):
        """Append ``delta``; ``True`` when the text should be shown now."""
        self.text += delta
        if not self.text.strip() or self.text == self.shown:
            return False
        return self._shown_at is None or self._clock() - self._shown_at >= self.interval_s

    def end_reply(self, stop_reason):
        """A reply ended. A tool round's text is dropped; ``True`` when some of it was shown (what is shown
        must change)."""
        if stop_reason != "tool_use":
            return False
        self.text = ""
        return bool(self.shown)

    def mark_shown(self):
        self.shown = self.text
        self._shown_at = self._clock()
