"""E. References and notes. Community has no reference model: the origin link (reversed_entry_id /
debit_origin_id) counts as a reference, next to the references users enter for documents issued outside
Odoo."""

from datetime import date

import pytest

from dte_rules_factory import (
    COMPANY_RUT,
    OTHER_RUT,
    Origin,
    Reference,
    document,
    line,
    modified,
    only,
    reference,
    totals_for,
)
from services.dte_rules import check


def found(snapshot, code):
    return [(f.severity, f.params.get("reason")) for f in only(check(snapshot), code)]


def credit_note(lines=None, **overrides):
    return document("61", lines=lines, **overrides)


PARTIAL = [line("Devolución: taladro percutor 850 W", 1, 54990)]


# REF_OBLIGATORIA


def test_ref_obligatoria_credit_note_without_origin_nor_reference():
    (finding,) = only(check(credit_note(origin=None)), "REF_OBLIGATORIA")
    assert finding.severity == "error" and finding.params == {"reason": "missing", "doc_type": "61"}


def test_ref_obligatoria_a_purchase_order_reference_is_not_the_modified_document():
    snapshot = credit_note(
        origin=None, references=[Reference("801", "OC-4471", date(2025, 5, 30), None, "OC")]
    )
    assert found(snapshot, "REF_OBLIGATORIA") == [("error", "missing")]


def test_ref_obligatoria_a_reference_to_an_invoice_issued_outside_odoo_is_enough():
    snapshot = document(
        "56", origin=None, references=[reference("33", "88231", date(2025, 5, 20), 3, "Intereses")]
    )
    assert found(snapshot, "REF_OBLIGATORIA") == []


def test_ref_obligatoria_export_credit_note_must_reference_an_export_invoice():
    wrong = document("112", origin=Origin("33", "1498", date(2025, 6, 2), 5020.0, 1))
    assert found(wrong, "REF_OBLIGATORIA") == [("error", "export")]
    assert found(document("112"), "REF_OBLIGATORIA") == []


def test_ref_obligatoria_does_not_apply_to_invoices():
    assert found(document("33"), "REF_OBLIGATORIA") == []


# REF_CODREF


def test_ref_codref_missing_on_the_origin_link():
    snapshot = credit_note()
    snapshot.origin.codref = None
    (finding,) = only(check(snapshot), "REF_CODREF")
    assert (finding.field, finding.params) == (
        "origin",
        {"reason": "missing", "ref_doc_type": "33", "folio": "1498"},
    )


def test_ref_codref_outside_1_to_3_on_a_user_reference():
    snapshot = document("56", origin=None, references=[reference(codref=4)])
    (finding,) = only(check(snapshot), "REF_CODREF")
    assert finding.params["reason"] == "invalid" and finding.params["codref"] == 4


def test_ref_codref_user_reference_to_the_origin_completes_it():
    snapshot = credit_note()
    snapshot.origin.codref = None
    snapshot.references = [
        reference("33", "001498", date(2025, 6, 2), 1, "Anula factura")
    ]  # same folio, padded
    assert found(snapshot, "REF_CODREF") == []
    assert len(only(check(snapshot), "REF_UNICA")) == 0  # one document, not two


def test_ref_codref_not_asked_on_commercial_references():
    snapshot = credit_note(
        references=[Reference("801", "OC-4471", date(2025, 5, 30), None, "Orden de compra")]
    )
    assert found(snapshot, "REF_CODREF") == []


# REF_UNICA


def test_ref_unica_cancelling_two_documents_in_one_note():
    snapshot = credit_note(references=[reference("33", "1502", date(2025, 6, 3), 1, "Anula factura")])
    (finding,) = only(check(snapshot), "REF_UNICA")
    assert finding.params == {"codref": 1, "count": 2}


def test_ref_unica_amount_corrections_may_reference_several_documents_and_purchase_orders_do_not_count():
    several = document("56", origin=None, references=[reference("33", "1498"), reference("33", "1502")])
    assert found(several, "REF_UNICA") == []
    with_po = credit_note(references=[Reference("801", "OC-4471", date(2025, 5, 30), None, "OC")])
    assert found(with_po, "REF_UNICA") == []


# NC_TEXTO_CERO


def zero_text_correction():
    lines = [line("Donde dice: Constructora Cordiyera; debe decir: Constructora Cordillera", 1, 0)]
    snapshot = credit_note(lines=lines)
    snapshot.origin.codref = 2
    return snapshot


def test_nc_texto_cero_text_correction_with_amounts():
    snapshot = credit_note(lines=PARTIAL)
    snapshot.origin.codref = 2
    (finding,) = only(check(snapshot), "NC_TEXTO_CERO")
    assert finding.severity == "error" and finding.params == {"count": 1}


def test_nc_texto_cero_single_zero_line_is_a_clean_document():
    snapshot = zero_text_correction()
    assert [f.code for f in check(snapshot) if f.severity != "info"] == []


# NC_ANULA_TOTAL


def test_nc_anula_total_cancelling_with_a_partial_amount():
    snapshot = credit_note(lines=PARTIAL)
    snapshot.origin.amount_total = 280000.0
    (finding,) = only(check(snapshot), "NC_ANULA_TOTAL")
    assert finding.severity == "warning"
    assert (finding.params["actual"], finding.params["expected"]) == (65438, 280000)


def test_nc_anula_total_full_cancellation_or_partial_amount_correction_are_silent():
    assert found(credit_note(), "NC_ANULA_TOTAL") == []
    partial = credit_note(lines=PARTIAL)
    partial.origin.amount_total, partial.origin.codref = 280000.0, 3
    assert found(partial, "NC_ANULA_TOTAL") == []


# NC_EXCEDE


def test_nc_excede_credit_notes_adding_up_to_more_than_the_invoice():
    snapshot = credit_note(lines=PARTIAL)  # 65,438
    snapshot.origin.amount_total, snapshot.origin.codref, snapshot.origin.credited_total = (
        100000.0,
        3,
        40000.0,
    )
    (finding,) = only(check(snapshot), "NC_EXCEDE")
    assert finding.severity == "warning" and finding.params["credited"] == 105438


def test_nc_excede_crediting_exactly_the_rest_is_silent():
    snapshot = credit_note(lines=PARTIAL)
    snapshot.origin.amount_total, snapshot.origin.codref, snapshot.origin.credited_total = (
        100000.0,
        3,
        34562.0,
    )
    assert found(snapshot, "NC_EXCEDE") == []


# REF_CAMPOS


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        (reference(folio="1234567890123456789"), "folio"),
        (reference(folio=""), "folio"),
        (reference(ref_date=None), "date_missing"),
        (reference(ref_date=date(2001, 12, 31)), "date_range"),
        (reference(ref_date=date(2025, 6, 17)), "date_after_issue"),
    ],
)
def test_ref_campos_errors_on_a_user_reference(ref, reason):
    snapshot = document("56", origin=None, references=[ref])
    assert found(snapshot, "REF_CAMPOS") == [("error", reason)]


def test_ref_campos_more_than_40_references():
    refs = [Reference("801", f"OC-{n}", date(2025, 5, 1), None, "OC") for n in range(40)]
    assert found(document("33", references=refs), "REF_CAMPOS") == []
    refs.append(Reference("801", "OC-41", date(2025, 5, 1), None, "OC"))
    assert found(document("33", references=refs), "REF_CAMPOS") == [("error", "too_many")]


def test_ref_campos_other_taxpayer_rut_only_on_some_documents_and_never_the_issuer():
    other = Reference("33", "1498", date(2025, 6, 2), 3, "Corrige montos", rut_other=OTHER_RUT)
    assert found(document("56", origin=None, references=[other]), "REF_CAMPOS") == []
    po = Reference("801", "OC-1", date(2025, 6, 2), None, "OC", rut_other=OTHER_RUT)
    assert found(document("33", references=[po]), "REF_CAMPOS") == [("error", "rut_other_doc")]
    own = Reference("33", "1498", date(2025, 6, 2), 3, "Corrige montos", rut_other=COMPANY_RUT)
    assert found(document("56", origin=None, references=[own]), "REF_CAMPOS") == [
        ("error", "rut_other_issuer")
    ]


def test_ref_campos_reason_longer_than_90_is_a_warning():
    assert found(document("56", origin=None, references=[reference(reason="R" * 90)]), "REF_CAMPOS") == []
    assert found(document("56", origin=None, references=[reference(reason="R" * 91)]), "REF_CAMPOS") == [
        ("warning", "reason_too_long")
    ]


def test_ref_campos_checks_the_origin_link_too():
    snapshot = credit_note(issue_date=date(2025, 6, 1))  # origin dated 2025-06-02
    (finding,) = only(check(snapshot), "REF_CAMPOS")
    assert finding.field == "origin" and finding.params["reason"] == "date_after_issue"


# NC_PLAZO


def test_nc_plazo_return_credited_more_than_six_months_later():
    snapshot = credit_note(lines=PARTIAL)
    snapshot.origin.date, snapshot.origin.codref = date(2024, 12, 15), 3
    (finding,) = only(check(snapshot), "NC_PLAZO")
    assert finding.params == {
        "reason": "six_months",
        "ref_date": "2024-12-15",
        "ref_doc_type": "33",
        "folio": "1498",
    }


def test_nc_plazo_exactly_six_months_is_silent():
    snapshot = credit_note()
    snapshot.origin.date = date(2024, 12, 16)
    assert found(snapshot, "NC_PLAZO") == []


def test_nc_plazo_amount_correction_two_tax_periods_later():
    snapshot = credit_note(lines=PARTIAL)
    snapshot.origin.date, snapshot.origin.codref = date(2025, 4, 10), 3
    assert found(snapshot, "NC_PLAZO") == [("warning", "period")]
    snapshot.origin.date = date(2025, 5, 2)  # next period: fine
    assert found(snapshot, "NC_PLAZO") == []


def test_nc_plazo_text_corrections_have_no_vat_effect():
    snapshot = zero_text_correction()
    snapshot.origin.date = date(2024, 1, 10)
    assert found(snapshot, "NC_PLAZO") == []


def test_references_are_silent_on_a_debit_note_and_a_full_credit_note():
    for snapshot in (
        document("56"),
        credit_note(),
        modified(credit_note(), totals=totals_for(credit_note().lines)),
    ):
        codes = {f.code for f in check(snapshot)}
        assert not codes & {
            "REF_OBLIGATORIA",
            "REF_CODREF",
            "REF_UNICA",
            "NC_TEXTO_CERO",
            "NC_ANULA_TOTAL",
            "NC_EXCEDE",
            "REF_CAMPOS",
            "NC_PLAZO",
        }
