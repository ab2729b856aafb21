from odoo.tests import tagged

from ..services.plugins.registry import REGISTRY
from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestPluginSelection(L10nClAiCase):
    def _select(self, question, explicit=None):
        services = self.env["l10n_cl_ai.engine"]._services()
        selection = REGISTRY.select_detailed(
            question,
            explicit=explicit,
            similarity=services.similarity,
            min_similarity=services.similarity_floor,
        )
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
        """No plugin keyword occurs in these questions (checked), so only the embedding similarity of the
        engine's embedder can take them away from the fallback (``account``)."""
        cases = {
            "¿Cómo registro que se vencieron unos productos y hay que botarlos?": "stock",
            "¿Cómo se calcula el número verificador del rol tributario del cliente?": "dte",
        }
        for question, expected in cases.items():
            with self.subTest(question=question):
                self.assertFalse(any(detail.keyword_weight for detail in REGISTRY.score(question)))
                self.assertEqual(self._select(question), (expected, "similarity"))

    def test_unrelated_question_goes_to_the_fallback(self):
        self.assertEqual(self._select("¿Qué tiempo hará mañana en Valparaíso?")[0], "account")
