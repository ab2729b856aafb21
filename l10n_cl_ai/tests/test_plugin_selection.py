from odoo.tests import tagged

from ..services.plugins.registry import REGISTRY
from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestPluginSelection(L10nClAiCase):
    def _select(self, question, explicit=None):
        similarity = self.env["l10n_cl_ai.engine"]._services().similarity
        selection = REGISTRY.select_detailed(question, explicit=explicit, similarity=similarity)
        return selection.plugin.code, selection.reason

    def test_explicit_plugin_wins(self):
        self.assertEqual(
            self._select("¿cuál es el tope imponible de la AFP?", explicit="stock"), ("stock", "explicit")
        )

    def test_keywords_route_each_domain(self):
        cases = {
            "¿Cuál es el tope imponible de la AFP este mes?": "payroll",
            "¿Cómo anulo una factura electrónica con una nota de crédito?": "dte",
            "Tengo stock negativo en la bodega central": "stock",
            "¿Cómo registro el asiento de depreciación del activo fijo?": "account",
        }
        for question, expected in cases.items():
            with self.subTest(question=question):
                self.assertEqual(self._select(question)[0], expected)

    def test_similarity_routes_a_question_without_keywords(self):
        code, reason = self._select(
            "Mis trabajadores quieren saber cuánto se les descuenta para la jubilación"
        )
        self.assertEqual(code, "payroll")
        self.assertIn(reason, ("similarity", "keywords"))

    def test_unrelated_question_goes_to_the_fallback(self):
        self.assertEqual(self._select("¿Qué tiempo hará mañana en Valparaíso?")[0], "account")
