"""D. Amounts and VAT. IVA_MONTO and TOTALES save users most (the SII accepts a miscomputed DTE, after
which only a credit or debit note fixes it): tested on per-line rounding, global discounts, exempt and
taxed lines together, additional taxes, withholdings, foreign currency and boletas (gross amounts)."""

import pytest

from dte_rules_factory import (
    Line,
    TaxGroupTotal,
    Totals,
    company,
    discount_line,
    document,
    ila,
    iva,
    line,
    modified,
    only,
    retencion,
)
from services.dte_rules import check
from services.dte_rules.snapshot import Tax


def found(snapshot, code):
    return [(f.severity, f.params.get("reason")) for f in only(check(snapshot), code)]


def with_vat(snapshot, amount):
    """The same document with Odoo's VAT replaced by ``amount`` (and consistent totals)."""
    totals = snapshot.totals
    groups = [
        TaxGroupTotal(g.name, g.sii_code, g.base, amount if g.sii_code == 14 else g.amount)
        for g in totals.tax_groups
    ]
    tax = sum(g.amount for g in groups)
    return modified(snapshot, totals=Totals(totals.amount_untaxed, tax, totals.amount_untaxed + tax, groups))


NUTS = [line(f"Tuerca hexagonal M{size} (caja)", 1, 1001) for size in (10, 12, 14)]
DISCOUNTED = [
    line("Escalera aluminio 7 peldaños", 2, 50000),
    line("Carretilla 90 L", 1, 50000),
    discount_line("Descuento 10% cliente frecuente", 15000),
]
MIXED = [line("Pintura látex 1 gal", 4, 25000), line("Instalación y montaje (exento)", 1, 50000, taxes=[])]


# IVA_MONTO


def test_iva_monto_per_line_rounding_gives_a_vat_the_sii_does_not_compute():
    snapshot = document("33", lines=NUTS, rounding="per_line", company=company(tax_rounding="round_per_line"))
    (finding,) = only(check(snapshot), "IVA_MONTO")
    assert finding.severity == "error"
    assert finding.params == {"actual": 570, "expected": 571, "net": 3003, "rate": 19}


def test_iva_monto_global_rounding_of_the_same_lines_is_silent():
    assert found(document("33", lines=NUTS), "IVA_MONTO") == []


def test_iva_monto_global_discount_reduces_the_net_the_vat_is_computed_on():
    snapshot = document("33", lines=DISCOUNTED)
    assert snapshot.totals.amount_tax == 25650 and snapshot.totals.amount_total == 160650
    assert found(snapshot, "IVA_MONTO") == [] and found(snapshot, "TOTALES") == []
    ignoring_discount = with_vat(snapshot, 28500)  # 19% of the items, before the discount
    (finding,) = only(check(ignoring_discount), "IVA_MONTO")
    assert (finding.params["expected"], finding.params["actual"], finding.params["net"]) == (
        25650,
        28500,
        135000,
    )


def test_iva_monto_exempt_lines_are_not_part_of_the_net():
    snapshot = document("33", lines=MIXED)
    assert snapshot.totals.amount_tax == 19000
    assert found(snapshot, "IVA_MONTO") == []
    (finding,) = only(check(with_vat(snapshot, 28500)), "IVA_MONTO")
    assert finding.params["expected"] == 19000 and finding.params["net"] == 100000


def test_iva_monto_half_peso_rounds_up():
    # 19% of 1150 = 218.5 -> 219 (Python's round() says 218; 1150 * 0.19 is 218.49999999999997 in floats)
    snapshot = document("33", lines=[line("Arandela plana 1/2 (100 u.)", 1, 1150)])
    assert snapshot.totals.amount_tax == 219
    assert found(snapshot, "IVA_MONTO") == []
    (finding,) = only(check(with_vat(snapshot, 218)), "IVA_MONTO")
    assert finding.params["expected"] == 219


def test_iva_monto_on_a_credit_note_with_per_line_vat():
    snapshot = document("61", lines=NUTS, rounding="per_line")
    assert found(snapshot, "IVA_MONTO") == [("error", None)]


def test_iva_monto_with_additional_taxes_looks_at_the_vat_group_only():
    wine = [line("Vino cabernet reserva 750 cc", 12, 4990, taxes=[iva(), ila(20.5, 25)])]
    snapshot = document("33", lines=wine)
    assert found(snapshot, "IVA_MONTO") == [] and found(snapshot, "TOTALES") == []


def test_iva_monto_purchase_invoice_with_full_vat_withholding():
    scrap = [line("Cobre en desecho (kg)", 100, 3500, taxes=[iva(), retencion()])]
    snapshot = document("46", move_type="in_invoice", lines=scrap)
    assert snapshot.totals.amount_tax == 0 and snapshot.totals.amount_total == 350000
    findings = check(snapshot)
    assert only(findings, "IVA_MONTO") == [] and only(findings, "TOTALES") == []


def test_iva_monto_does_not_apply_to_boletas_whose_vat_comes_from_the_gross_total():
    # Gross 1005: net round(1005/1.19) = 845, VAT 160; the factura formula would say round(845*19%) = 161.
    boleta = document(
        "39", lines=[line("Lija al agua N°120 (pliego)", 1, 1005, taxes=[iva(price_include=True)])]
    )
    assert boleta.totals.amount_tax == 160
    findings = check(boleta)
    assert only(findings, "IVA_MONTO") == [] and only(findings, "TOTALES") == []
    assert only(findings, "BOLETA_TOTALES") == []


# TOTALES


def test_totales_untaxed_amount_that_ignores_the_global_discount():
    snapshot = document("33", lines=DISCOUNTED)
    wrong = modified(snapshot, totals__amount_untaxed=150000.0, totals__amount_total=175650.0)
    (finding,) = only(check(wrong), "TOTALES")
    assert finding.params == {
        "reason": "net",
        "actual": 150000,
        "expected": 135000,
        "net": 135000,
        "exempt": 0,
    }


def test_totales_tax_amount_different_from_the_tax_groups():
    snapshot = document("33", lines=MIXED)
    wrong = modified(snapshot, totals__amount_tax=19001.0, totals__amount_total=169001.0)
    assert found(wrong, "TOTALES") == [("error", "tax")]


def test_totales_total_different_from_net_plus_exempt_plus_taxes():
    snapshot = document("33", lines=MIXED)
    assert found(modified(snapshot, totals__amount_total=169001.0), "TOTALES") == [("error", "total")]


def test_totales_pesos_with_decimals():
    snapshot = document("33", lines=MIXED)
    wrong = modified(snapshot, totals__amount_total=169000.5)
    assert found(wrong, "TOTALES") == [("error", "decimals")]


def test_totales_reports_one_finding_for_one_cause():
    snapshot = document("33", lines=DISCOUNTED)
    wrong = modified(snapshot, totals__amount_untaxed=150000.0)  # total now inconsistent too
    assert len(only(check(wrong), "TOTALES")) == 1


def test_totales_additional_taxes_and_withholdings_are_part_of_the_total():
    lines = [
        line("Bebida cola 3 L", 24, 2290, taxes=[iva(), ila(18.0, 271)]),
        line("Pisco 35° 700 cc", 6, 6990, taxes=[iva(), ila(31.5, 24)]),
    ]
    snapshot = document("33", lines=lines)
    assert found(snapshot, "TOTALES") == []
    without_ila = modified(snapshot, totals__amount_total=snapshot.totals.amount_untaxed + 19 * 0)
    assert found(without_ila, "TOTALES") == [("error", "total")]


def test_totales_foreign_currency_cents_are_fine():
    bolts = Line(
        name="Anchor bolts M16 (box of 50)", quantity=3, price_unit=125.55, subtotal=376.65, total=376.65
    )
    snapshot = document("110", lines=[bolts], totals=Totals(376.65, 0.0, 376.65, []))
    assert found(snapshot, "TOTALES") == []
    assert found(modified(snapshot, totals__amount_total=376.75), "TOTALES") == [("error", "total")]


def test_totales_boleta_total_is_the_sum_of_gross_lines_after_discounts():
    lines = [
        line("Set de brocas para metal 13 piezas", 1, 12990, taxes=[iva(price_include=True)]),
        line("Huincha de medir 5 m", 1, 4990, taxes=[iva(price_include=True)]),
        discount_line("Descuento club 10%", 1798, taxes=[iva(price_include=True)]),
    ]
    boleta = document("39", lines=lines)
    assert boleta.totals.amount_total == 16182
    findings = check(boleta)
    assert only(findings, "TOTALES") == [] and only(findings, "BOLETA_TOTALES") == []
    ignoring_discount = modified(boleta, totals__amount_total=17980.0)
    (finding,) = only(check(ignoring_discount), "TOTALES")
    assert finding.params == {"reason": "boleta_total", "actual": 17980, "expected": 16182}


def test_totales_boleta_with_exempt_and_taxed_lines():
    lines = [
        line("Kit de jardinería", 1, 11900, taxes=[iva(price_include=True)]),
        line("Libro: Manual del maestro (exento)", 1, 5000, taxes=[]),
    ]
    boleta = document("39", lines=lines)
    assert (boleta.totals.amount_untaxed, boleta.totals.amount_tax, boleta.totals.amount_total) == (
        15000,
        1900,
        16900,
    )
    findings = check(boleta)
    assert only(findings, "TOTALES") == [] and only(findings, "BOLETA_TOTALES") == []


# IVA_TASA


def test_iva_tasa_tax_without_sii_code_is_an_error():
    exempt_tax = Tax(sii_code=None, amount_type="percent", rate=0.0, name="0% Exento")
    lines = [line("Taladro", 1, 54990), line("Capacitación", 1, 30000, taxes=[exempt_tax])]
    (finding,) = only(check(document("33", lines=lines)), "IVA_TASA")
    assert finding.params == {"reason": "no_code", "tax": "0% Exento", "line": 2}


def test_iva_tasa_vat_code_at_another_rate_is_an_error():
    wrong = Tax(sii_code=14, amount_type="percent", rate=10.0, name="10% IVA")
    assert found(document("33", lines=[line("Taladro", 1, 54990, taxes=[wrong])]), "IVA_TASA") == [
        ("error", "rate")
    ]


def test_iva_tasa_reports_each_tax_once_and_is_silent_on_sii_taxes():
    wrong = Tax(sii_code=14, amount_type="percent", rate=10.0, name="10% IVA")
    lines = [line(f"Ítem {n}", 1, 1000, taxes=[wrong]) for n in range(5)]
    assert len(only(check(document("33", lines=lines)), "IVA_TASA")) == 1
    ok = [line("Vino", 1, 4990, taxes=[iva(), ila(20.5, 25)]), line("Curso", 1, 9000, taxes=[])]
    assert found(document("33", lines=ok), "IVA_TASA") == []


# REDONDEO_GLOBAL


def test_redondeo_global_per_line_rounding_is_a_warning():
    assert found(document("33", company=company(tax_rounding="round_per_line")), "REDONDEO_GLOBAL") == [
        ("warning", None)
    ]
    assert found(document("33"), "REDONDEO_GLOBAL") == []


# EXENTO_EN_33


def test_exento_en_33_factura_without_any_vat_line():
    lines = [line("Asesoría técnica (exenta)", 1, 150000, taxes=[])]
    assert found(document("33", lines=lines), "EXENTO_EN_33") == [("error", None)]
    assert found(document("33", lines=MIXED), "EXENTO_EN_33") == []
    assert found(document("34", lines=lines), "EXENTO_EN_33") == []


# AFECTO_EN_EXENTO


@pytest.mark.parametrize("doc", ["34", "41", "110"])
def test_afecto_en_exento_exempt_document_with_vat(doc):
    snapshot = document(doc, lines=[line("Servicio de mantención", 1, 100000)])
    (finding,) = only(check(snapshot), "AFECTO_EN_EXENTO")
    assert finding.severity == "error" and finding.params == {"doc_type": doc, "tax": 19000}


@pytest.mark.parametrize("doc", ["34", "41", "110", "112"])
def test_afecto_en_exento_silent_on_exempt_documents_without_taxes(doc):
    assert found(document(doc), "AFECTO_EN_EXENTO") == []
