"""The payroll expert offers its number tools and tells Claude to use them instead of asking for the UF."""

from services.plugins import tool_catalog
from services.plugins.payroll import PayrollPlugin


def test_the_payroll_expert_offers_the_indicator_and_liquidacion_tools():
    names = {tool["name"] for tool in PayrollPlugin().tools()}
    assert {"valor_uf", "indicadores_previsionales", "calcular_liquidacion"} <= names


def test_the_prompt_sends_claude_to_the_tools_for_every_number():
    prompt = PayrollPlugin.system_prompt
    for name in ("valor_uf", "indicadores_previsionales", "calcular_liquidacion"):
        assert name in prompt
    assert "No pidas al usuario la UF" in prompt
    assert "pide el valor del período" not in prompt


def test_the_liquidacion_tool_takes_no_name_or_rut():
    properties = tool_catalog.CALCULAR_LIQUIDACION.input_schema["properties"]
    assert not {"nombre", "rut", "trabajador"} & set(properties)
    assert tool_catalog.CALCULAR_LIQUIDACION.input_schema["additionalProperties"] is False
