"""The answer's length setting: parsed and bounded, and told to Claude in the cached rules."""

from services import settings
from services.chat import conversation


def test_the_length_setting_has_a_default_that_fits_a_typical_answer_and_a_range():
    assert settings.DEFAULTS.chat_max_answer_tokens == 800
    assert settings.from_params({"chat_max_answer_tokens": "600"}).chat_max_answer_tokens == 600
    low, high = settings.CHAT_ANSWER_TOKENS_RANGE
    for value in (low - 1, high + 1):
        problems = settings.validate(settings.from_params({"chat_max_answer_tokens": str(value)}))
        assert ("chat_max_answer_tokens", "range", {"min": low, "max": high}) in problems
    assert settings.validate(settings.from_params({"chat_max_answer_tokens": str(low)})) == []


def test_the_limit_is_told_to_claude_in_the_stable_rules_not_in_the_question():
    parts = conversation.system_parts("PROMPT", 800)
    assert parts[0] == "PROMPT"
    assert "no más de 400 palabras" in parts[1]
    assert parts[1].startswith(conversation.BOT_RULES)
    assert "palabras" not in conversation.question_message("¿Qué es el CAF?", [])["content"]
    assert "no más de 100 palabras" in conversation.system_parts("PROMPT", 200)[1]


def test_claude_is_told_to_call_a_tool_without_writing_first_the_user_reads_it_streamed():
    """A tool round's text is replaced when the round ends (``services/chat/stream``); the cached rules
    ask Claude not to write one, so the user sees none."""
    rules = conversation.system_parts("PROMPT", 800)[1]
    assert "llámala sin escribir texto antes" in rules
