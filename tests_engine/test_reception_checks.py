"""The buyer's checks on a received DTE: every REC_* code, from documents built as suppliers send them."""

from datetime import date

import pytest

from fakes import dte_xml_factory as fx
from services.dte_rules import verdict
from services.reception import checks, parse
from services.reception.checks import Context, folio_key

SII_KEYS = {fx.KEY_ID: fx.sii_public_pem()}


def context(**overrides):
    values = {"company_rut": "76.086.428-5", "today": fx.TODAY, "sii_keys": SII_KEYS}
    return Context(**{**values, **overrides})


def received(spec=None, **options):
    reception = parse.parse(fx.dte_bytes(spec or fx.doc_spec(), **options))
    assert reception.errors == ()
    return reception.documents[0]


def found(doc, ctx=None, code=None):
    findings = checks.check(doc, ctx or context())
    return [(f.code, f.severity, f.params.get("reason")) for f in findings if code is None or f.code == code]


def params(doc, code, ctx=None):
    (finding,) = [f for f in checks.check(doc, ctx or context()) if f.code == code]
    return finding.params


def test_a_correct_document_has_no_finding():
    doc = received()
    assert checks.check(doc, context()) == []
    assert verdict(checks.check(doc, context())) == "send"


def test_without_the_sii_key_the_caf_signature_is_reported_not_checked():
    findings = checks.check(received(), context(sii_keys=None))
    assert [(f.code, f.severity, f.message_key) for f in findings] == [
        ("REC_TED", "info", "REC_TED.caf_not_checked")
    ]
    assert findings[0].params == {"reason": "caf_not_checked", "key_id": "100"}


# REC_RECEPTOR


def test_receptor_another_company():
    doc = received(fx.doc_spec(receiver_rut=fx.OTHER_RUT), stamp={"RR": fx.OTHER_RUT})
    assert found(doc) == [("REC_RECEPTOR", "error", None)]
    assert params(doc, "REC_RECEPTOR") == {"receiver_rut": fx.OTHER_RUT, "company_rut": "76086428-5"}


# REC_EMISOR


def test_emisor_wrong_check_digit():
    doc = received(fx.doc_spec(issuer_rut="96790240-4", caf=fx.caf("96790240-4")))
    assert found(doc) == [("REC_EMISOR", "error", "invalid")]


def test_emisor_differs_from_the_bill_partner_whatever_the_format():
    doc = received()
    assert found(doc, context(partner_rut="96.790.240-3")) == []
    assert found(doc, context(partner_rut="77.123.456-9")) == [("REC_EMISOR", "error", "partner_mismatch")]
    assert params(doc, "REC_EMISOR", context(partner_rut="77.123.456-9"))["rut"] == "96790240-3"


# REC_TIPO


@pytest.mark.parametrize(
    ("doc_type", "reason"),
    [
        ("39", "boleta"),
        ("41", "boleta"),
        ("52", "guia"),
        ("46", "self_issued"),
        ("110", "export"),
        ("50", "other"),
    ],
)
def test_tipo_not_receivable(doc_type, reason):
    doc = received(fx.doc_spec(doc_type=doc_type))
    assert ("REC_TIPO", "error", reason) in found(doc)
    assert params(doc, "REC_TIPO")["doc_type"] == doc_type


@pytest.mark.parametrize("doc_type", ["33", "43", "56", "61"])
def test_tipo_receivable(doc_type):
    assert found(received(fx.doc_spec(doc_type=doc_type))) == []


def test_tipo_factura_exenta_without_ind_exe_is_exempt():
    spec = fx.doc_spec(
        doc_type="34", items=[fx.item("Asesoría contable junio", 1, 450000)], exempt=450000, net=0
    )
    assert found(received(spec)) == []


# REC_FOLIO_DUPLICADO


def test_folio_already_recorded_whatever_the_rut_format():
    doc = received()
    ctx = context(existing=frozenset({folio_key("96.790.240-3", "33", 1523)}))
    assert found(doc, ctx) == [("REC_FOLIO_DUPLICADO", "error", None)]
    assert params(doc, "REC_FOLIO_DUPLICADO", ctx) == {"rut": "96790240-3", "doc_type": "33", "folio": 1523}
    others = frozenset({folio_key("96790240-3", "34", 1523), folio_key("96790240-3", "33", 1524)})
    assert found(doc, context(existing=others)) == []


# REC_TOTALES


def test_totales_total_does_not_add_up():
    doc = received(fx.doc_spec(total=370101))
    assert found(doc) == [("REC_TOTALES", "error", "total")]
    assert params(doc, "REC_TOTALES") == {"reason": "total", "expected": 370100, "total": 370101}


def test_totales_tampered_total_is_a_seal_error_too():
    doc = received(tamper_total=390100)
    assert found(doc) == [("REC_TOTALES", "error", "total"), ("REC_TED", "error", "mismatch")]
    assert verdict(checks.check(doc, context())) == "reject"


def test_totales_line_amount_is_not_quantity_times_price_minus_discount():
    text = fx.dte_xml().replace("<MontoItem>290000</MontoItem>", "<MontoItem>300000</MontoItem>")
    doc = parse.parse((fx.DECLARATION + text).encode("iso-8859-1")).documents[0]
    assert ("REC_TOTALES", "error", "line") in found(doc)
    line = [f.params for f in checks.check(doc, context()) if f.params.get("reason") == "line"]
    assert line == [{"reason": "line", "line": 1, "expected": 290000, "amount": 300000}]


def test_totales_lines_do_not_sum_to_net_or_exempt():
    doc = received(fx.doc_spec(net=280000, exempt=35000, vat=53200))  # total still adds up
    assert found(doc) == [("REC_TOTALES", "error", "net"), ("REC_TOTALES", "error", "exempt")]
    net, exempt = [f.params for f in checks.check(doc, context()) if f.code == "REC_TOTALES"]
    assert net == {"reason": "net", "lines": 290000, "net": 280000}
    assert exempt == {"reason": "exempt", "lines": 25000, "exempt": 35000}


def test_totales_global_discounts_and_surcharges_are_applied():
    spec = fx.doc_spec(global_discounts=[("D", "%", 10, None), ("D", "$", 1000, 1), ("R", "$", 2000, None)])
    assert spec.computed()[:2] == (290000 - 29000 + 2000, 24000)
    assert found(received(spec)) == []
    wrong = fx.doc_spec(global_discounts=[("D", "%", 10, None)], net=290000)  # discount not applied
    assert ("REC_TOTALES", "error", "net") in found(received(wrong))


def test_totales_global_discounts_apply_in_order_a_percentage_on_what_is_left():
    spec = fx.doc_spec(global_discounts=[("D", "$", 10000, None), ("D", "%", 10, None)])
    assert spec.computed()[0] == 252000  # (290000 - 10000) - 10 % of 280000; not 290000 - 10000 - 29000
    assert found(received(spec)) == []
    assert ("REC_TOTALES", "error", "net") in found(
        received(fx.doc_spec(global_discounts=spec.global_discounts, net=251000))
    )


def test_totales_additional_taxes_added_and_retentions_subtracted():
    spec = fx.doc_spec(other_taxes=[(27, 10, 29000), (15, 19, 55100)])
    assert spec.computed()[3] == 290000 + 25000 + 55100 + 29000 - 55100
    assert found(received(spec)) == []


# REC_IVA


def test_iva_amount_is_not_19_percent_of_net():
    doc = received(fx.doc_spec(vat=55000))  # total computed with the wrong VAT, so it adds up
    assert found(doc) == [("REC_IVA", "error", "amount")]
    assert params(doc, "REC_IVA") == {"reason": "amount", "expected": 55100, "vat": 55000, "net": 290000}


def test_iva_rate_is_not_19():
    doc = received(fx.doc_spec(vat_rate=fx.Decimal(18)))
    assert found(doc) == [("REC_IVA", "error", "rate")]


def test_iva_rounds_half_up_to_the_peso():
    spec = fx.doc_spec(items=[fx.item("Tornillos", 1, 1150)])  # 19 % of 1150 = 218.5 -> 219
    assert spec.computed()[2] == 219 and found(received(spec)) == []
    assert found(received(fx.doc_spec(items=[fx.item("Tornillos", 1, 1150)], vat=218))) == [
        ("REC_IVA", "error", "amount")
    ]


# REC_FECHA


def test_fecha_in_the_future_in_santiago():
    doc = received(fx.doc_spec(issue_date=date(2025, 6, 17)))
    assert found(doc) == [("REC_FECHA", "error", "future")]
    assert found(doc, context(today=date(2025, 6, 17))) == []


def test_fecha_vat_credit_period_over_is_a_warning():
    april = received(fx.doc_spec(issue_date=date(2025, 4, 1)))  # April, May, June: still usable in June
    assert found(april) == []
    march = received(fx.doc_spec(issue_date=date(2025, 3, 31)))
    assert found(march) == [("REC_FECHA", "warning", "vat_credit")]
    assert params(march, "REC_FECHA") == {
        "reason": "vat_credit",
        "date": "2025-03-31",
        "months": 2,
        "last_period": "2025-05",
    }
    assert found(march, context(vat_credit_months=3)) == []
    assert verdict(checks.check(march, context())) == "review"


def test_fecha_old_exempt_document_has_no_vat_credit_to_lose():
    spec = fx.doc_spec(
        doc_type="34",
        issue_date=date(2025, 1, 15),
        items=[fx.item("Asesoría", 1, 100000)],
        net=0,
        exempt=100000,
    )
    assert found(received(spec)) == []


# REC_TED (the seal itself is tested in test_reception_ted.py)


def test_ted_missing_and_forged_are_errors():
    assert found(received(ted=False)) == [("REC_TED", "error", "missing")]
    forged = received(tamper_total=390100, forge={"MNT": "390100"})
    assert ("REC_TED", "error", "signature") in found(forged)


def test_ted_caf_not_signed_by_the_sii():
    assert found(received(bad_frma=True)) == [("REC_TED", "error", "caf_signature")]
