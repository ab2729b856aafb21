"""F. Boletas (gross amounts, anonymous customer) and G. Exports (currency, foreign receiver)."""

import pytest

from dte_rules_factory import (
    consumer,
    customer,
    document,
    foreigner,
    ila,
    iva,
    line,
    only,
    retencion,
)
from services.dte_rules import check


def found(snapshot, code):
    return [(f.severity, f.params.get("reason")) for f in only(check(snapshot), code)]


def gross(name, quantity, price):
    return line(name, quantity, price, taxes=[iva(price_include=True)])


# BOLETA_RESTRICCION


def test_boleta_restriccion_foreign_currency_is_reported_once():
    findings = check(document("39", currency="USD"))
    assert [(f.code, f.params.get("reason")) for f in findings if f.severity == "error"] == [
        ("BOLETA_RESTRICCION", "currency")
    ]


@pytest.mark.parametrize("tax", [ila(10.0, 27), retencion()])
def test_boleta_restriccion_ila_or_withholding_taxes(tax):
    lines = [line("Jugo néctar 1,5 L", 6, 1190, taxes=[iva(price_include=True), tax])]
    (finding,) = only(check(document("39", lines=lines)), "BOLETA_RESTRICCION")
    assert finding.params["reason"] == "taxes" and finding.params["taxes"] == tax.name


def test_boleta_restriccion_silent_on_a_clp_boleta_and_not_applied_to_facturas():
    assert found(document("39"), "BOLETA_RESTRICCION") == []
    assert (
        found(
            document("33", lines=[line("Jugo", 6, 1000, taxes=[iva(), ila(10.0, 27)])]), "BOLETA_RESTRICCION"
        )
        == []
    )


# BOLETA_RECEPTOR


@pytest.mark.parametrize("doc", ["39", "41"])
def test_boleta_receptor_without_rut_is_an_info_pointing_to_the_anonymous_consumer(doc):
    assert found(document(doc, partner=consumer(name="Cliente mesón", rut="")), "BOLETA_RECEPTOR") == [
        ("info", None)
    ]


def test_boleta_receptor_silent_with_the_anonymous_consumer_rut_or_on_facturas():
    assert found(document("39"), "BOLETA_RECEPTOR") == []
    assert found(document("33", partner=customer(rut="")), "BOLETA_RECEPTOR") == []


# BOLETA_TOTALES


def test_boleta_totales_vat_summed_per_line_differs_from_the_sii_formula():
    lines = [gross(f"Candado de seguridad {size} mm", 1, 1000) for size in (30, 40, 50)]
    boleta = document("39", lines=lines, rounding="per_line")
    (finding,) = only(check(boleta), "BOLETA_TOTALES")
    # total 3,000: net round(3000 / 1.19) = 2,521, VAT 479; per line 3 x 160 = 480
    assert finding.severity == "error"
    assert finding.params == {
        "total": 3000,
        "exempt": 0,
        "expected_net": 2521,
        "expected": 479,
        "actual": 480,
    }
    assert only(check(boleta), "TOTALES") == [] and only(check(boleta), "IVA_MONTO") == []


def test_boleta_totales_silent_when_computed_from_the_gross_total():
    lines = [gross(f"Candado de seguridad {size} mm", 1, 1000) for size in (30, 40, 50)]
    assert found(document("39", lines=lines), "BOLETA_TOTALES") == []


def test_boleta_totales_with_a_gross_global_discount_and_an_exempt_line():
    lines = [
        gross("Set de brocas para metal 13 piezas", 1, 12990),
        gross("Huincha de medir 5 m", 2, 4990),
        line("Libro: Manual del maestro (exento)", 1, 8500, taxes=[]),
        line("Descuento club 10%", 1, -2297, taxes=[iva(price_include=True)]),
    ]
    boleta = document("39", lines=lines)
    assert found(boleta, "BOLETA_TOTALES") == [] and found(boleta, "TOTALES") == []
    boleta.totals.tax_groups[0].amount += 1
    boleta.totals.amount_tax += 1
    boleta.totals.amount_untaxed -= 1
    assert found(boleta, "BOLETA_TOTALES") == [("error", None)]


def test_boleta_totales_not_applied_to_exempt_boletas():
    assert found(document("41"), "BOLETA_TOTALES") == []


# EXP_MONEDA


def test_exp_moneda_export_in_pesos():
    assert found(document("110", currency="CLP", exchange_rate=1.0), "EXP_MONEDA") == [("error", "clp")]


def test_exp_moneda_currency_without_customs_name_is_a_warning():
    snapshot = document("110", currency="KRW", currency_sii_name=None, exchange_rate=0.68)
    assert found(snapshot, "EXP_MONEDA") == [("warning", "other_currency")]


def test_exp_moneda_customs_name_the_sii_does_not_accept():
    snapshot = document("110", currency="USD", currency_sii_name="US DOLLAR")
    assert found(snapshot, "EXP_MONEDA") == [("error", "unknown_name")]


@pytest.mark.parametrize("rate", [None, 0.0, 1.0])
def test_exp_moneda_missing_exchange_rate(rate):
    assert found(document("111", exchange_rate=rate), "EXP_MONEDA") == [("error", "rate")]


@pytest.mark.parametrize(
    ("currency", "name", "rate"), [("USD", "DOLAR USA", 943.21), ("EUR", None, 1021.5), ("PYG", None, 0.12)]
)
def test_exp_moneda_silent_on_currencies_customs_knows(currency, name, rate):
    snapshot = document("110", currency=currency, currency_sii_name=name, exchange_rate=rate)
    assert found(snapshot, "EXP_MONEDA") == []


# EXP_RECEPTOR


def test_exp_receptor_chilean_customer_type_1_on_an_export_invoice():
    (finding,) = only(check(document("110", partner=customer(customs_code="997"))), "EXP_RECEPTOR")
    assert finding.params == {"reason": "taxpayer_type", "taxpayer_type": "1"}


def test_exp_receptor_city_mandatory_on_the_export_invoice_only():
    assert found(document("110", partner=foreigner(city="")), "EXP_RECEPTOR") == [("error", "city")]
    assert found(document("112", partner=foreigner(city="")), "EXP_RECEPTOR") == []


def test_exp_receptor_country_without_customs_code_is_a_warning():
    assert found(document("110", partner=foreigner(customs_code=None)), "EXP_RECEPTOR") == [
        ("warning", "customs_code")
    ]


def test_exp_receptor_foreign_customer_with_wrong_type_is_reported_once_by_doc_extranjero():
    findings = check(document("110", partner=foreigner(taxpayer_type="3")))
    assert only(findings, "EXP_RECEPTOR") == [] and len(only(findings, "DOC_EXTRANJERO")) == 1


def test_exports_silent_on_a_correct_export_invoice():
    assert found(document("110"), "EXP_MONEDA") == [] and found(document("110"), "EXP_RECEPTOR") == []
