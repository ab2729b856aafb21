"""The bill-coding settings: defaults, parsing, and the values the settings form refuses."""

from services import settings as engine_settings
from services.bill_coding import claude_coding, claude_po


def test_defaults_and_parsing():
    defaults = engine_settings.DEFAULTS
    assert (defaults.bill_coding_threshold, defaults.bill_coding_claude, defaults.po_price_tolerance_pct) == (
        0.90,
        False,
        0.0,
    )
    parsed = engine_settings.from_params(
        {"bill_coding_threshold": "0.75", "bill_coding_claude": "True", "po_price_tolerance_pct": "2.5"}
    )
    assert (parsed.bill_coding_threshold, parsed.bill_coding_claude, parsed.po_price_tolerance_pct) == (
        0.75,
        True,
        2.5,
    )


def test_a_threshold_outside_0_1_and_a_negative_tolerance_are_refused():
    bad = engine_settings.EngineSettings(bill_coding_threshold=1.5, po_price_tolerance_pct=-1.0)
    assert {(name, kind) for name, kind, _ in engine_settings.validate(bad)} == {
        ("bill_coding_threshold", "range"),
        ("po_price_tolerance_pct", "negative"),
    }


def test_claude_may_only_name_what_it_was_offered():
    reply = {"account_code": "610101", "confidence": 80, "reason": "Arriendo."}
    assert claude_coding.reply_errors(reply, {"610101", "610102"}) == []
    assert claude_coding.reply_errors(dict(reply, account_code="999"), {"610101"})
    assert claude_coding.reply_errors(dict(reply, account_code=""), {"610101"}) == []  # "none fits"
    assert claude_po.reply_errors({"candidate": 2, "confidence": 50, "reason": "x"}, 2) == []
    assert claude_po.reply_errors({"candidate": 3, "confidence": 50, "reason": "x"}, 2)
    assert claude_po.reply_errors({"candidate": 0, "confidence": 50, "reason": "x"}, 2) == []  # none
