"""A. Parties and issuer, B. Document type: each code fires on a realistic mistake, stays silent on the
correct document next to it."""

from datetime import date

import pytest

from dte_rules_factory import (
    CUSTOMER_RUT,
    Certificate,
    Resolution,
    company,
    company_ee,
    consumer,
    customer,
    default_lines,
    default_origin,
    document,
    foreigner,
    only,
    totals_for,
)
from services.dte_rules import SKIPPED_CODE, check


def found(snapshot, code):
    return [(f.severity, f.params.get("reason")) for f in only(check(snapshot), code)]


# RUT_RECEPTOR


@pytest.mark.parametrize(
    ("rut", "reason"),
    [("", "missing"), (None, "missing"), ("77.123.456-8", "invalid"), ("77.123", "invalid")],
)
def test_rut_receptor_missing_or_bad_check_digit_is_an_error(rut, reason):
    assert found(document("33", partner=customer(rut=rut)), "RUT_RECEPTOR") == [("error", reason)]


@pytest.mark.parametrize("rut", ["77.123.456-9", "77123456-9", "76.354.771-K", "76354771-k", "CL771234569"])
def test_rut_receptor_accepts_every_way_odoo_stores_a_valid_rut(rut):
    assert found(document("33", partner=customer(rut=rut)), "RUT_RECEPTOR") == []


def test_rut_receptor_invalid_rut_is_quoted_in_the_message_params():
    (finding,) = only(check(document("56", partner=customer(rut="77.123.456-0"))), "RUT_RECEPTOR")
    assert finding.params == {"reason": "invalid", "rut": "77.123.456-0"}
    assert finding.field == "partner.rut"


def test_rut_receptor_is_not_required_on_boletas_nor_for_foreign_export_customers():
    assert found(document("39", partner=consumer(rut="")), "RUT_RECEPTOR") == []
    assert found(document("41", partner=consumer(rut="")), "RUT_RECEPTOR") == []
    assert found(document("110", partner=foreigner(rut="")), "RUT_RECEPTOR") == []


# GIRO_RECEPTOR


def test_giro_receptor_missing_on_a_factura_is_an_error():
    findings = only(check(document("33", partner=customer(giro="  "))), "GIRO_RECEPTOR")
    assert [(f.severity, f.params) for f in findings] == [("error", {"reason": "missing", "doc_type": "33"})]


def test_giro_receptor_longer_than_40_is_a_warning_and_40_is_fine():
    assert found(document("34", partner=customer(giro="G" * 41)), "GIRO_RECEPTOR") == [
        ("warning", "too_long")
    ]
    assert found(document("34", partner=customer(giro="G" * 40)), "GIRO_RECEPTOR") == []


def test_giro_receptor_on_notes_only_for_customers_that_are_not_end_consumers():
    assert found(document("61", partner=customer(giro="")), "GIRO_RECEPTOR") == [("error", "missing")]
    assert found(document("61", partner=consumer(giro="")), "GIRO_RECEPTOR") == []
    assert found(document("39", partner=consumer(giro="")), "GIRO_RECEPTOR") == []


# DIR_RECEPTOR


def test_dir_receptor_missing_street_and_comuna_are_two_errors():
    findings = only(check(document("33", partner=customer(street="", city=""))), "DIR_RECEPTOR")
    assert [(f.severity, f.field, f.params["reason"]) for f in findings] == [
        ("error", "partner.street", "street_missing"),
        ("error", "partner.city", "comuna_missing"),
    ]


def test_dir_receptor_too_long_is_a_warning_and_the_limit_itself_is_fine():
    long_ = customer(street="S" * 71, city="C" * 21)
    assert found(document("33", partner=long_), "DIR_RECEPTOR") == [
        ("warning", "street_too_long"),
        ("warning", "comuna_too_long"),
    ]
    assert found(document("33", partner=customer(street="S" * 70, city="C" * 20)), "DIR_RECEPTOR") == []


def test_dir_receptor_export_invoice_needs_the_street_only():
    assert found(document("110", partner=foreigner(street="")), "DIR_RECEPTOR") == [
        ("error", "street_missing")
    ]
    assert found(document("110", partner=foreigner(city="")), "DIR_RECEPTOR") == []
    assert found(document("39", partner=consumer(street="", city="")), "DIR_RECEPTOR") == []


# EMISOR_CONFIG


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"rut": "76.086.428-4"}, "rut"),
        ({"rut": ""}, "rut"),
        ({"giro": ""}, "giro_missing"),
        ({"giro": "G" * 81}, "giro_too_long"),
        ({"street": ""}, "address"),
        ({"city": ""}, "address"),
    ],
)
def test_emisor_config_community_data_errors(changes, reason):
    assert found(document("33", company=company(**changes)), "EMISOR_CONFIG") == [("error", reason)]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"acteco": []}, "acteco"),
        ({"acteco": ["467300", "475201", "620100", "631100", "702000"]}, "acteco"),
        ({"resolution": Resolution(number="", date=date(2014, 8, 22))}, "resolution"),
        ({"resolution": Resolution(number="80", date=None)}, "resolution"),
        ({"certificate": Certificate(found=False)}, "certificate_missing"),
        ({"certificate": Certificate(found=True, valid_until=date(2025, 6, 15))}, "certificate_expired"),
    ],
)
def test_emisor_config_dte_module_data_errors(changes, reason):
    assert found(document("33", company=company_ee(**changes)), "EMISOR_CONFIG") == [("error", reason)]


def test_emisor_config_silent_on_a_configured_company_with_80_char_giro():
    snapshot = document(
        "33", company=company_ee(giro="G" * 80, acteco=["467300", "475201", "620100", "631100"])
    )
    findings = check(snapshot)
    assert only(findings, "EMISOR_CONFIG") == []
    assert all("EMISOR_CONFIG" not in f.params["checks"] for f in only(findings, SKIPPED_CODE))


def test_emisor_config_without_dte_module_is_skipped_not_an_error():
    findings = check(document("33"))
    assert only(findings, "EMISOR_CONFIG") == []
    assert "EMISOR_CONFIG" in only(findings, SKIPPED_CODE)[0].params["checks"]


# EMAIL_DTE


def test_email_dte_empty_on_partner_or_company_is_a_warning():
    snapshot = document("33", company=company_ee(dte_email=""), partner=customer(dte_email=""))
    assert [(f.severity, f.field) for f in only(check(snapshot), "EMAIL_DTE")] == [
        ("warning", "partner.dte_email"),
        ("warning", "company.dte_email"),
    ]


def test_email_dte_silent_when_set_skipped_when_unavailable_and_not_asked_on_boletas_or_exports():
    assert (
        found(
            document("33", company=company_ee(), partner=customer(dte_email="dte@cordillera.cl")), "EMAIL_DTE"
        )
        == []
    )
    findings = check(document("33"))
    assert (
        only(findings, "EMAIL_DTE") == [] and "EMAIL_DTE" in only(findings, SKIPPED_CODE)[0].params["checks"]
    )
    boleta = check(document("39", company=company_ee(dte_email=""), partner=consumer(dte_email="")))
    assert only(boleta, "EMAIL_DTE") == []
    assert (
        only(
            check(document("110", company=company_ee(dte_email=""), partner=foreigner(dte_email=""))),
            "EMAIL_DTE",
        )
        == []
    )


# TIPO_CONTRIBUYENTE


def test_tipo_contribuyente_missing_on_a_chilean_customer_is_an_error():
    assert found(document("33", partner=customer(taxpayer_type=None)), "TIPO_CONTRIBUYENTE") == [
        ("error", None)
    ]
    assert found(document("61", partner=customer(taxpayer_type="")), "TIPO_CONTRIBUYENTE") == [
        ("error", None)
    ]


def test_tipo_contribuyente_not_required_on_boletas_and_missing_rut_reported_once():
    assert found(document("39", partner=consumer(taxpayer_type=None)), "TIPO_CONTRIBUYENTE") == []
    findings = check(document("33", partner=customer(rut="")))
    assert only(findings, "TIPO_CONTRIBUYENTE") == [] and len(only(findings, "RUT_RECEPTOR")) == 1


# DOC_EXTRANJERO


@pytest.mark.parametrize(("doc", "taxpayer_type"), [("33", "4"), ("34", "4"), ("110", "3"), ("39", "4")])
def test_doc_extranjero_foreign_customer_on_a_domestic_document_is_an_error(doc, taxpayer_type):
    snapshot = document(doc, partner=foreigner(taxpayer_type=taxpayer_type))
    (finding,) = only(check(snapshot), "DOC_EXTRANJERO")
    assert (
        finding.severity == "error"
        and finding.params["doc_type"] == doc
        and finding.params["country"] == "US"
    )


@pytest.mark.parametrize(("doc", "taxpayer_type"), [("110", "4"), ("112", "4"), ("39", "3"), ("61", "3")])
def test_doc_extranjero_allowed_combinations_are_silent(doc, taxpayer_type):
    assert found(document(doc, partner=foreigner(taxpayer_type=taxpayer_type)), "DOC_EXTRANJERO") == []


def test_doc_extranjero_does_not_apply_to_a_purchase_invoice_from_a_foreign_supplier():
    snapshot = document("46", move_type="in_invoice", partner=foreigner(giro="Hardware wholesale"))
    assert found(snapshot, "DOC_EXTRANJERO") == []


# DOC_VS_CONTRIBUYENTE


def test_doc_vs_contribuyente_consumer_on_factura_and_company_on_boleta_are_warnings():
    assert found(
        document("33", partner=consumer(giro="Particular", street="Pasaje 1", city="Ñuñoa")),
        "DOC_VS_CONTRIBUYENTE",
    ) == [("warning", "consumer_on_invoice")]
    assert found(document("39", partner=customer()), "DOC_VS_CONTRIBUYENTE") == [
        ("warning", "company_on_boleta")
    ]


def test_doc_vs_contribuyente_matching_types_are_silent():
    assert found(document("33", partner=customer(rut=CUSTOMER_RUT)), "DOC_VS_CONTRIBUYENTE") == []
    assert found(document("39", partner=consumer()), "DOC_VS_CONTRIBUYENTE") == []
    assert found(document("61", partner=consumer()), "DOC_VS_CONTRIBUYENTE") == []


# DOC_TIPO


def test_doc_tipo_missing_on_a_documents_journal_is_an_error_but_not_elsewhere():
    assert found(document(None), "DOC_TIPO") == [("error", "missing")]
    assert found(document(None, uses_documents=False), "DOC_TIPO") == []


def test_doc_tipo_contradicting_the_move_type_is_an_error():
    assert found(document("61", move_type="out_invoice"), "DOC_TIPO") == [("error", "credit_note_on_invoice")]
    assert found(document("33", move_type="out_refund"), "DOC_TIPO") == [("error", "invoice_on_refund")]
    assert found(document("56", move_type="out_refund"), "DOC_TIPO") == [("error", "invoice_on_refund")]


def test_doc_tipo_a_debit_note_left_with_an_invoice_type_is_an_error():
    """The debit note wizard keeps the origin's type: ``debit_origin_id`` set, type 33 or 110."""
    for code in ("33", "110"):
        origin = default_origin("111" if code == "110" else "56", totals_for(default_lines(code)))
        note = document(code, origin=origin)
        assert found(note, "DOC_TIPO") == [("error", "invoice_on_debit_note")], code
    credit = document("61")
    assert not credit.origin.debit and found(credit, "DOC_TIPO") == []


def test_doc_tipo_consistent_types_are_silent():
    assert found(document("56", move_type="out_invoice"), "DOC_TIPO") == []
    assert found(document("112", move_type="out_refund"), "DOC_TIPO") == []
