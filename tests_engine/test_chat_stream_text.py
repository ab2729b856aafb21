"""When the streamed answer is shown: the first text at once, then at most every 300 ms; a tool round's
text is dropped."""

from services.chat.stream import StreamedText


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_first_text_is_shown_at_once_then_at_most_one_update_per_interval():
    clock = Clock()
    text = StreamedText(interval_s=0.25, clock=clock)  # binary-exact times: no rounding at the bound
    assert text.add("  ") is False, "blank text is nothing to show"
    assert text.add("Hola") is True
    text.mark_shown()
    shown = 0
    for _ in range(40):  # 40 deltas 62.5 ms apart: 2.5 s
        clock.now += 0.0625
        if text.add(" más"):
            text.mark_shown()
            shown += 1
    assert shown == 10  # one every 4 deltas (250 ms)
    assert text.shown == "  Hola" + " más" * 40 and text.text == "  Hola" + " más" * 40


def test_a_tool_round_text_is_dropped_and_what_was_shown_of_it_must_change():
    clock = Clock()
    text = StreamedText(clock=clock)
    assert text.end_reply("tool_use") is False, "nothing shown: nothing to change"
    assert text.add("Reviso tus facturas.") is True
    text.mark_shown()
    assert text.end_reply("tool_use") is True and text.text == ""
    text.mark_shown()
    clock.now += 1
    assert text.add("Tienes 2 facturas.") is True
    assert text.end_reply("end_turn") is False and text.text == "Tienes 2 facturas."
