"""Choosing the plugin for a question: explicit choice, keywords, embedding similarity, fallback."""

import pytest

from services.plugins import registry
from services.plugins.registry import FALLBACK_CODE, MIN_SIMILARITY


def favouring(word, high=0.9, low=0.1):
    """A deterministic similarity: high for descriptions containing ``word``, low otherwise."""

    def similarity(question, descriptions):
        return [high if word in description.lower() else low for description in descriptions]

    return similarity


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("¿Cuál es el tope imponible de la AFP?", "payroll"),
        ("¿Cómo anulo una factura con nota de crédito?", "dte"),
        ("stock negativo en bodega", "stock"),
        ("asiento de depreciación", "account"),
        ("¿Cuánto se descuenta de salud a un trabajador con Isapre?", "payroll"),
        ("El SII rechazó el envío por error en la firma", "dte"),
        ("¿Cómo concilio la cartola del banco?", "account"),
        ("Hay existencias negativas después del ajuste de inventario", "stock"),
    ],
)
def test_keywords_route_the_question(question, expected):
    selection = registry.select_detailed(question)
    assert selection.plugin.code == expected
    assert selection.reason == "keywords"
    assert max(selection.scores, key=selection.scores.get) == expected


def test_explicit_plugin_wins_over_keywords():
    plugin, scores = registry.select("¿Cuál es el tope imponible de la AFP?", explicit="stock")
    assert plugin.code == "stock"
    assert scores["payroll"] > scores["stock"]  # the keywords pointed elsewhere


def test_unknown_explicit_plugin_is_an_error():
    with pytest.raises(KeyError):
        registry.select("¿Cómo emito una factura?", explicit="no_existe")


def test_unrelated_question_falls_back():
    selection = registry.select_detailed("¿Cuál es la receta del pastel de choclo?")
    assert selection.plugin.code == FALLBACK_CODE == "account"
    assert selection.reason == "fallback"
    assert all(detail.keyword_weight == 0 for detail in selection.details)


def test_weak_similarity_alone_still_falls_back():
    selection = registry.select_detailed(
        "¿Cuál es la receta del pastel de choclo?",
        similarity=favouring("remuneraciones", high=MIN_SIMILARITY / 2),
    )
    assert selection.reason == "fallback"
    assert selection.plugin.code == FALLBACK_CODE


def test_similarity_alone_routes_a_question_without_keywords():
    selection = registry.select_detailed(
        "¿Qué me corresponde si me despiden?", similarity=favouring("remuneraciones")
    )
    assert selection.plugin.code == "payroll"
    assert selection.reason == "similarity"


def test_similarity_breaks_a_keyword_tie():
    question = "¿Cómo emito una guía de despacho?"
    details = {detail.code: detail for detail in registry.REGISTRY.score(question)}
    assert details["dte"].keyword_weight == details["stock"].keyword_weight > 0  # a genuine tie

    without, _ = registry.select(question)
    towards_stock, scores = registry.select(question, similarity=favouring("inventario"))
    towards_dte, _ = registry.select(question, similarity=favouring("documentos tributarios"))

    assert without.code == "dte"  # ties without similarity go to the smallest code
    assert towards_stock.code == "stock"
    assert scores["stock"] > scores["dte"]
    assert towards_dte.code == "dte"


def test_similarity_does_not_override_a_clear_keyword_winner():
    plugin, _ = registry.select("¿Cuál es el tope imponible de la AFP?", similarity=favouring("inventario"))
    assert plugin.code == "payroll"


def test_a_failing_similarity_falls_back_to_keywords():
    def broken(question, descriptions):
        raise RuntimeError("embedding model not available")

    plugin, _ = registry.select("stock negativo en bodega", similarity=broken)
    assert plugin.code == "stock"


def test_similarity_must_score_every_description():
    with pytest.raises(ValueError, match="scores for"):
        registry.select("stock negativo", similarity=lambda question, descriptions: [0.5])


def test_allowed_restricts_the_candidates():
    plugin, scores = registry.select("stock negativo en bodega", allowed={"dte", "account"})
    assert plugin.code in {"dte", "account"}
    assert set(scores) == {"dte", "account"}
