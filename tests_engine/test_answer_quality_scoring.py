"""The scorer of ``bench/answer_quality.py`` (``bench/answer_quality_score.py``): facts found through
case, accents, thousands separators and ``%`` spacing, as whole tokens, in the answer and not in its
sources footer; citations read from the footer the bot appends. No API, no Odoo."""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import answer_quality_score as scoring  # noqa: E402 - after the path set-up above

TITLES = {
    "iva": "IVA: tasa del 19 %, montos neto y exento, y redondeo en los DTE",
    "notas-credito-debito": "Notas de crédito y débito: referencias, códigos CodRef 1, 2 y 3, y plazos",
    "rut": "RUT: formato y dígito verificador (módulo 11)",
}


def _reply(answer_html, *titles):
    """A reply body as ``l10n_cl_ai.chat.answer._reply_body`` writes it: the answer, then the footer."""
    items = "".join(f"<li>{title} (DL N° 825, art. 14)</li>" for title in titles)
    footer = f'<div class="o_l10n_cl_ai_sources"><p><b>Fuentes</b></p><ul>{items}</ul></div>' if items else ""
    return answer_html + footer


def test_accents_and_case_do_not_matter():
    assert scoring.facts_found("Se emite una NOTA DE CRÉDITO.", [["nota de credito"]]) == [True]
    assert scoring.facts_found("se emite una nota de credito", [["Nota de Crédito"]]) == [True]


def test_thousands_separators_do_not_matter():
    assert scoring.facts_found("El total es $61.729.", [["61729"]]) == [True]
    assert scoring.facts_found("El total es $61729.", [["61.729"]]) == [True]
    assert scoring.facts_found("Sueldo de 1.000.000 pesos", [["1000000"]]) == [True]
    assert scoring.facts_found("IVA: $ 8.259", [["$8259"]]) == [True]


def test_percent_spacing_and_decimal_point_do_not_matter():
    assert scoring.facts_found("La tasa es 19 %.", [["19%"]]) == [True]
    assert scoring.facts_found("La tasa es 19%.", [["19 %"]]) == [True]
    assert scoring.facts_found("cotiza 0.6% de la remuneración", [["0,6 %"]]) == [True]
    assert scoring.facts_found("un timbre de 2 × 4,5 cm", [["4.5"]]) == [True]


def test_a_number_is_matched_whole():
    assert scoring.facts_found("El 119% del neto", [["19%"]]) == [False]
    assert scoring.facts_found("Tiene 18 días corridos", [["8 dias"]]) == [False]
    assert scoring.facts_found("Mide 14,5 cm o 4,55 cm", [["4,5"]]) == [False]
    assert scoring.facts_found("Se cotiza el 0,6 %", [["6%"]]) == [False]
    assert scoring.facts_found("RUT 12.345.678-55", [["12345678-5"]]) == [False]
    assert scoring.facts_found("tiene 8 días corridos", [["8 dias"]]) == [True]


def test_a_missing_fact_is_reported():
    item = {"facts": [["8.259"], ["61.729"]], "documents": ["iva"]}
    result = scoring.score(_reply("<p>El IVA es $8.259.</p>", TITLES["iva"]), item, TITLES)
    assert result["facts_found"] == 1
    assert result["facts_total"] == 2
    assert not result["all_facts"]
    assert result["missing_facts"] == ["61.729"]
    complete = scoring.score(_reply("<p>IVA $8.259 y total $61.729.</p>", TITLES["iva"]), item, TITLES)
    assert complete["all_facts"]
    assert complete["missing_facts"] == []


def test_any_variant_of_a_fact_will_do():
    facts = [["6 meses", "seis meses"]]
    assert scoring.facts_found("dentro de seis meses", facts) == [True]
    assert scoring.facts_found("dentro de un semestre", facts) == [False]


def test_the_sources_footer_does_not_supply_a_fact():
    item = {"facts": [["19%"]], "documents": ["iva"]}
    result = scoring.score(_reply("<p>Depende del tipo de documento.</p>", TITLES["iva"]), item, TITLES)
    assert result["footer"] == [f"{TITLES['iva']} (DL N° 825, art. 14)"]
    assert not result["all_facts"]
    assert result["cites_sources"]


def test_a_document_is_cited_when_its_title_is_in_the_footer():
    item = {"facts": [], "documents": ["notas-credito-debito"]}
    cited = scoring.score(
        _reply("<p>Use una nota de crédito.</p>", TITLES["notas-credito-debito"]), item, TITLES
    )
    assert cited["cites_sources"]
    other = scoring.score(_reply("<p>Use una nota de crédito.</p>", TITLES["iva"]), item, TITLES)
    assert not other["cites_sources"]
    bare = scoring.score("<p>Use una nota de crédito [notas-credito-debito].</p>", item, TITLES)
    assert not bare["cites_sources"]  # named in the text only: not in the sources the user sees
    assert bare["names_sources_in_text"]


def test_every_required_citation_is_needed_and_alternatives_need_one():
    both = {"facts": [], "documents": ["iva", "rut"]}
    assert not scoring.score(_reply("<p>x</p>", TITLES["iva"]), both, TITLES)["cites_sources"]
    assert scoring.score(_reply("<p>x</p>", TITLES["rut"], TITLES["iva"]), both, TITLES)["cites_sources"]
    either = {"facts": [], "documents": [["iva", "rut"]]}
    assert scoring.score(_reply("<p>x</p>", TITLES["rut"]), either, TITLES)["cites_sources"]
    assert not scoring.score(_reply("<p>x</p>", TITLES["notas-credito-debito"]), either, TITLES)[
        "cites_sources"
    ]


def test_slugs_named_in_the_text():
    text = "Fuentes: [notas-credito-debito] Res. Ex. SII N° 45 de 2003; [iva] DL N° 825"
    assert scoring.slugs_in_text(text) == {"notas-credito-debito", "iva"}


def test_the_footer_class_is_the_one_the_bot_writes():
    with open(os.path.join(ROOT, "l10n_cl_ai", "models", "chat_answer.py"), encoding="utf-8") as handle:
        source = handle.read()
    assert re.search(r'^SOURCES_CLASS = "([^"]+)"', source, re.M).group(1) == scoring.SOURCES_CLASS
