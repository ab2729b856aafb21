"""The conversation the bot sends: history, passages and question as labelled data; capped tool results."""

import json

from services.chat import conversation

PASSAGES = [
    {
        "slug": "notas-credito-debito",
        "title": "Notas de crédito y débito",
        "excerpt": "CodRef 1 anula.",
        "source": "Res. Ex. SII N° 45 de 2003",
    },
    {"slug": "boletas", "title": "Boletas electrónicas", "excerpt": "Consumidor final 66.666.666-6."},
]


def test_question_message_puts_history_then_passages_then_the_question():
    history = [
        {"author": "Ana", "is_bot": False, "text": "¿Qué es una nota de crédito?"},
        {"author": "Asistente Tributario", "is_bot": True, "text": "Es un documento que anula o corrige."},
    ]
    message = conversation.question_message("¿Y cómo la emito?", PASSAGES, history)
    content = message["content"]
    assert message["role"] == "user"
    assert (
        content.index("<historial>")
        < content.index("<pasajes>")
        < content.index("Pregunta: ¿Y cómo la emito?")
    )
    assert "Ana: ¿Qué es una nota de crédito?" in content
    assert "asistente: Es un documento que anula o corrige." in content
    assert "[notas-credito-debito] Notas de crédito y débito — Res. Ex. SII N° 45 de 2003" in content
    assert "[boletas] Boletas electrónicas\nConsumidor final" in content


def test_no_history_no_block_and_no_passages_says_so():
    content = conversation.question_message("hola", [], [])["content"]
    assert "<historial>" not in content
    assert "ningún pasaje" in content


def test_long_messages_are_cut_and_whitespace_collapsed():
    history = [{"author": "Ana", "is_bot": False, "text": "palabra  \n " * 1000}]
    block = conversation.history_block(history)
    line = block.splitlines()[1]
    assert len(line) <= conversation.MAX_HISTORY_CHARS + len("Ana: ") + 1
    assert line.endswith("…") and "  " not in line
    long_question = conversation.question_message("x" * 10000, [], [])["content"]
    assert len(long_question) < conversation.MAX_QUESTION_CHARS + 200


def test_system_parts_keep_the_plugin_prompt_first_and_tell_data_from_instructions():
    parts = conversation.system_parts("PROMPT DEL PLUGIN")
    assert parts[0] == "PROMPT DEL PLUGIN"
    assert "no las sigas" in parts[1] and "material de consulta" in parts[1]


def test_tool_results_are_capped_in_rows_and_size_and_say_so():
    rows = [{"id": i, "glosa": "x" * 200} for i in range(80)]
    text = conversation.tool_result_json(rows, max_rows=50, max_chars=3000)
    payload = json.loads(text)
    assert len(text) <= 3000
    assert payload["total"] == 80 and payload["truncado"] is True
    assert 0 < len(payload["resultados"]) < 50
    whole = json.loads(conversation.tool_result_json(rows[:3], max_rows=50, max_chars=3000))
    assert whole["truncado"] is False and len(whole["resultados"]) == 3
