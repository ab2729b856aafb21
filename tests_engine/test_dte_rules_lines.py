"""C. Lines: LINEAS_MAX, LINEA_DATOS, DSCRCG."""

import pytest

from dte_rules_factory import discount_line, document, ila, iva, line, only
from services.dte_rules import check


def found(snapshot, code):
    return [(f.severity, f.params.get("reason")) for f in only(check(snapshot), code)]


def items(count, gross=False):
    taxes = [iva(price_include=True)] if gross else None
    return [line(f"Perno hexagonal M{8 + n % 10} x 50 mm", 10, 150 + n, taxes=taxes) for n in range(count)]


# LINEAS_MAX


def test_lineas_max_61_items_on_a_factura_is_an_error():
    (finding,) = only(check(document("33", lines=items(61))), "LINEAS_MAX")
    assert finding.severity == "error" and finding.params == {"count": 61, "max": 60, "doc_type": "33"}


def test_lineas_max_60_items_plus_a_global_discount_is_fine():
    lines = [*items(60), discount_line("Descuento cliente frecuente 5%", 1000)]
    assert found(document("33", lines=lines), "LINEAS_MAX") == []


def test_lineas_max_boletas_accept_up_to_1000_items():
    assert found(document("39", lines=items(61, gross=True)), "LINEAS_MAX") == []
    (finding,) = only(check(document("39", lines=items(1001, gross=True))), "LINEAS_MAX")
    assert finding.params["max"] == 1000


# LINEA_DATOS


def test_linea_datos_no_item_line_is_an_error():
    assert found(document("33", lines=[]), "LINEA_DATOS") == [("error", "no_lines")]
    only_discount = [discount_line("Descuento", 5000)]
    assert ("error", "no_lines") in found(document("33", lines=only_discount), "LINEA_DATOS")


def test_linea_datos_line_without_name_or_with_zero_quantity_is_an_error():
    lines = [line("Taladro percutor 850 W", 1, 54990), line("  ", 2, 1290), line("Flete", 0, 15000)]
    findings = only(check(document("33", lines=lines)), "LINEA_DATOS")
    assert [(f.severity, f.params["reason"], f.params["line"]) for f in findings] == [
        ("error", "name_missing", 2),
        ("error", "quantity", 3),
    ]


def test_linea_datos_more_than_two_additional_taxes_is_an_error_two_are_fine():
    wine = [iva(), ila(20.5, 25), ila(10.0, 27)]
    assert (
        found(document("33", lines=[line("Vino reserva 750 cc", 12, 4990, taxes=wine)]), "LINEA_DATOS") == []
    )
    wine_plus = [*wine, ila(18.0, 271)]
    bad = document("33", lines=[line("Vino reserva 750 cc", 12, 4990, taxes=wine_plus)])
    assert found(bad, "LINEA_DATOS") == [("error", "additional_taxes")]


def test_linea_datos_long_name_or_description_is_a_warning_at_the_limit_fine():
    ok = document("33", lines=[line("N" * 80, 1, 1000, description="D" * 1000)])
    assert found(ok, "LINEA_DATOS") == []
    long_ = document("33", lines=[line("N" * 81, 1, 1000, description="D" * 1001)])
    assert found(long_, "LINEA_DATOS") == [("warning", "name_too_long"), ("warning", "description_too_long")]


# DSCRCG


def test_dscrcg_more_than_20_global_discounts_is_an_error_20_are_fine():
    base = [line("Planchas OSB 15 mm", 100, 12990)]
    twenty = base + [discount_line(f"Descuento {n}", 100) for n in range(20)]
    assert found(document("33", lines=twenty), "DSCRCG") == []
    twenty_one = base + [discount_line(f"Descuento {n}", 100) for n in range(21)]
    assert found(document("33", lines=twenty_one), "DSCRCG") == [("error", "too_many")]


def test_dscrcg_discount_not_lower_than_the_taxed_items_is_an_error():
    lines = [line("Cemento 25 kg", 10, 5990), discount_line("Descuento total", 59900)]
    (finding,) = only(check(document("33", lines=lines)), "DSCRCG")
    assert finding.params == {"reason": "exceeds_taxed", "discount": 59900, "base": 59900}


def test_dscrcg_exempt_discount_is_compared_with_the_exempt_items_only():
    lines = [
        line("Cemento 25 kg", 10, 5990),
        line("Capacitación uso de herramientas", 1, 30000, taxes=[]),
        discount_line("Beca capacitación", 30000, taxes=[]),
    ]
    assert found(document("33", lines=lines), "DSCRCG") == [("error", "exceeds_exempt")]
    lines[2] = discount_line("Beca parcial capacitación", 10000, taxes=[])
    assert found(document("33", lines=lines), "DSCRCG") == []


def test_dscrcg_discount_over_items_with_different_additional_taxes_is_a_warning():
    lines = [
        line("Bebida cola 3 L", 24, 2290, taxes=[iva(), ila(18.0, 271)]),
        line("Agua mineral 1,5 L", 24, 990, taxes=[iva(), ila(10.0, 27)]),
        discount_line("Descuento por volumen", 5000),
    ]
    assert found(document("33", lines=lines), "DSCRCG") == [("warning", "mixed_taxes")]


def test_dscrcg_discount_over_items_with_the_same_taxes_is_silent():
    lines = [
        line("Taladro percutor 850 W", 3, 54990),
        line("Disco de corte metal 115 mm", 25, 1290),
        line("Curso de seguridad (exento)", 1, 20000, taxes=[]),
        discount_line("Descuento 10%", 19721),
    ]
    assert found(document("33", lines=lines), "DSCRCG") == []


@pytest.mark.parametrize("doc", ["33", "39", "61"])
def test_lines_rules_silent_on_default_documents(doc):
    findings = check(document(doc))
    assert (
        not only(findings, "LINEAS_MAX")
        and not only(findings, "LINEA_DATOS")
        and not only(findings, "DSCRCG")
    )
