"""Every plugin's system prompt, description and tools: long enough to cache, Spanish, well formed."""

import re

import pytest
from jsonschema import Draft202012Validator

from services.plugins import registry
from services.plugins.base import CORPORA

SPANISH = (" de ", " la ", " el ", " que ", " los ", " las ", " en ", " con ", " para ", " del ")
ENGLISH = (" the ", " and ", " with ", " you ", " your ", " this ", " that ", " must ")
MIN_PROMPT_CHARS = 2400  # about 600 tokens: above the cacheable minimum of the current models


def spanish_ratio(text):
    lowered = f" {text.lower()} "
    spanish = sum(lowered.count(word) for word in SPANISH)
    english = sum(lowered.count(word) for word in ENGLISH)
    return spanish, english


@pytest.fixture(params=["dte", "account", "payroll", "stock"])
def plugin(request):
    return registry.get(request.param)


def test_system_prompt_is_long_enough_to_cache_and_in_spanish(plugin):
    prompt = plugin.system_prompt
    assert len(prompt) >= MIN_PROMPT_CHARS, f"{plugin.code}: {len(prompt)} chars"
    spanish, english = spanish_ratio(prompt)
    assert spanish >= 60 and english == 0, (plugin.code, spanish, english)
    assert re.search("[áéíóúñ]", prompt)


def test_system_prompt_states_the_house_rules(plugin):
    prompt = plugin.system_prompt.lower()
    for rule in ("cita la fuente", "no inventes cifras", "si falta información, pregúntala", "fuentes:"):
        assert rule in prompt, (plugin.code, rule)


def test_prompts_differ_per_domain():
    prompts = {plugin.code: plugin.system_prompt for plugin in registry.all()}
    assert len(set(prompts.values())) == len(prompts)


def test_description_and_name_are_spanish(plugin):
    spanish, english = spanish_ratio(plugin.description)
    assert spanish >= 3 and english == 0
    assert plugin.name


def test_knowledge_corpora_name_corpus_codes(plugin):
    assert plugin.knowledge_corpora
    assert set(plugin.knowledge_corpora) <= set(CORPORA)
    assert plugin.code in plugin.knowledge_corpora


def test_tools_are_valid_messages_api_definitions(plugin):
    tools = plugin.tools()
    names = [tool["name"] for tool in tools]
    assert len(names) == len(set(names))
    for tool in tools:
        assert set(tool) == {"name", "description", "input_schema"}
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", tool["name"])
        assert len(tool["description"]) > 40
        assert tool["input_schema"]["type"] == "object"
        Draft202012Validator.check_schema(tool["input_schema"])


def test_tools_are_filtered_by_the_models_the_caller_can_serve():
    stock = registry.get("stock")
    assert len(stock.tools()) == 3
    assert stock.tools(available_models=["account.move"]) == []
    account = registry.get("account")
    names = {tool["name"] for tool in account.tools(available_models=["account.move"])}
    assert names == {"buscar_facturas", "obtener_factura", "historial_contacto"}
