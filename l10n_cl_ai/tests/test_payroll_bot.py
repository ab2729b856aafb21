"""The payroll expert answers with stored numbers: its tools (valor_uf, indicadores_previsionales,
calcular_liquidacion) round-trip through the fake Anthropic API, run as the asking user, and send Claude
amounts and their source, never a name or a RUT."""

import datetime
import json
from decimal import Decimal

from odoo.tests import tagged

from .chat_common import ChatBotCase
from .common import PayrollPeriodMixin

PATH = PayrollPeriodMixin.PREVIRED_PATH
QUESTION = "¿Cuánto es el líquido de una liquidación de sueldo con AFP Habitat y sueldo base de 1.000.000?"


@tagged("post_install", "-at_install")
class TestPayrollBot(PayrollPeriodMixin, ChatBotCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_payroll_period()
        cls.env["l10n_cl_ai.payroll.rates"]._write_rates(
            "CLF",
            {datetime.date(2025, 7, 31): Decimal("39485.65"), datetime.date(2025, 8, 1): Decimal("39489.78")},
        )

    def tool_result(self, index=1):
        return json.loads(
            self.anthropic.messages_requests[index].body["messages"][-1]["content"][0]["content"]
        )

    def test_the_payroll_expert_offers_its_tools_and_no_longer_asks_for_the_uf(self):
        self.anthropic.reply_text("ok")
        self._ask(QUESTION)
        self._run_queue()
        body = self.anthropic.messages_requests[0].body
        offered = {tool["name"] for tool in body.get("tools", [])}
        self.assertTrue({"valor_uf", "indicadores_previsionales", "calcular_liquidacion"} <= offered)
        system = json.dumps(body["system"], ensure_ascii=False)
        self.assertIn("No pidas al usuario la UF", system)
        self.assertNotIn("pide el valor del período", system)

    def test_calcular_liquidacion_round_trip_returns_the_engines_amounts_with_their_source(self):
        self.anthropic.reply_tool_use(
            "calcular_liquidacion",
            {"periodo": "2025-07", "sueldo_base": 1000000, "afp": "Habitat", "contrato": "indefinido"},
        )
        self.anthropic.reply_text("El líquido es $811.300 según los indicadores de Previred de julio 2025.")
        channel = self._ask(QUESTION)
        self._run_queue()
        request = self._requests(channel)
        self.assertEqual((request.state, request.plugin), ("done", "payroll"))
        result = self.tool_result()["resultados"][0]
        # 1.000.000 − AFP 11,27 % (112.700) − Fonasa 7 % (70.000) − AFC 0,6 % (6.000); tax exempt
        self.assertEqual(result["montos"]["net"], 811300)
        self.assertEqual(result["montos"]["afp"], 112700)
        self.assertEqual(result["fuente"], self.site.url(PATH))
        self.assertTrue(any("11,27 %" in line["regla"] for line in result["lineas"]))
        audit = request.read_ids
        self.assertEqual(audit.mapped("tool"), ["calcular_liquidacion"])
        self.assertEqual(audit.user_id, self.accountant)
        sent = json.dumps([r.body for r in self.anthropic.messages_requests], ensure_ascii=False)
        self.assertNotIn(self.accountant.name, sent)

    def test_valor_uf_and_indicadores_read_the_stored_values(self):
        self.anthropic.reply_tool_use("valor_uf", {"fecha": "2025-08-02"})
        self.anthropic.reply_tool_use("indicadores_previsionales", {"periodo": "2025-07"})
        self.anthropic.reply_text("La UF del 2 de agosto de 2025 es $39.489,78.")
        self._ask("¿Cuál es el valor de la UF del 2 de agosto de 2025 y el tope imponible de la AFP?")
        self._run_queue()
        uf = self.tool_result(1)["resultados"][0]
        self.assertEqual(
            (uf["uf"], uf["fecha_del_valor"]), (39489.78, "2025-08-01"), "last value on or before"
        )
        indicators = self.tool_result(2)["resultados"][0]
        self.assertEqual((indicators["tope_afp_uf"], indicators["tope_afp_pesos"]), (87.8, 3466840))
        self.assertEqual(indicators["afp_porcentaje_trabajador"]["Habitat"], "11.27")
        self.assertEqual(len(indicators["sii"]["tramos_impuesto_unico"]), 8)
        self.assertEqual(indicators["fuente"], self.site.url(PATH))

    def test_a_period_without_indicators_is_told_to_claude(self):
        self.anthropic.reply_tool_use(
            "calcular_liquidacion", {"periodo": "2026-11", "sueldo_base": 900000, "afp": "Uno"}
        )
        self.anthropic.reply_text("No hay indicadores de noviembre de 2026.")
        self._ask(QUESTION)
        self._run_queue()
        content = self.anthropic.messages_requests[1].body["messages"][-1]["content"][0]
        self.assertTrue(content.get("is_error"))
        self.assertIn("2026-11", content["content"])
