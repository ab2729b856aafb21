"""H. Folios and dates. CAF data is EE-only: without it the CAF checks are skipped, never failed."""

from datetime import date

from dte_rules_factory import TODAY, Caf, CafInfo, company_ee, document, only
from services.dte_rules import SKIPPED_CODE, check


def found(snapshot, code):
    return [(f.severity, f.params.get("reason")) for f in only(check(snapshot), code)]


def with_caf(next_folio=1523, cafs=None, doc="33", **overrides):
    cafs = cafs if cafs is not None else [Caf(1001, 2000, "76086428-5", date(2025, 3, 3))]
    return document(doc, company=company_ee(caf=CafInfo(next_folio=next_folio, cafs=cafs)), **overrides)


# FOLIO_CAF


def test_folio_caf_no_caf_covers_the_next_folio():
    (finding,) = only(check(with_caf(next_folio=2001)), "FOLIO_CAF")
    assert finding.severity == "error" and finding.params == {
        "reason": "no_caf",
        "folio": 2001,
        "doc_type": "33",
    }
    assert found(with_caf(cafs=[]), "FOLIO_CAF") == [("error", "no_caf")]


def test_folio_caf_belonging_to_another_rut():
    snapshot = with_caf(cafs=[Caf(1001, 2000, "96.790.240-3", date(2025, 3, 3))])
    (finding,) = only(check(snapshot), "FOLIO_CAF")
    assert finding.params["reason"] == "rut_mismatch" and finding.params["company_rut"] == "76086428-5"


def test_folio_caf_covering_caf_is_silent_whatever_the_rut_format():
    cafs = [Caf(1, 1000, "76086428-5", date(2024, 1, 5)), Caf(1001, 2000, "76.086.428-5", date(2025, 3, 3))]
    assert found(with_caf(cafs=cafs), "FOLIO_CAF") == []


def test_folio_caf_skipped_without_a_dte_module():
    findings = check(document("33"))
    assert only(findings, "FOLIO_CAF") == [] and only(findings, "CAF_VIGENCIA") == []
    (skipped,) = only(findings, SKIPPED_CODE)
    assert {"FOLIO_CAF", "CAF_VIGENCIA"} <= set(skipped.params["checks"])


# CAF_VIGENCIA


def test_caf_vigencia_caf_authorised_more_than_six_months_ago():
    snapshot = with_caf(cafs=[Caf(1001, 2000, "76086428-5", date(2024, 12, 15))])
    (finding,) = only(check(snapshot), "CAF_VIGENCIA")
    assert finding.severity == "warning" and finding.params == {"folio": 1523, "caf_date": "2024-12-15"}


def test_caf_vigencia_silent_within_six_months_and_on_exempt_invoices():
    assert found(with_caf(cafs=[Caf(1001, 2000, "76086428-5", date(2024, 12, 16))]), "CAF_VIGENCIA") == []
    old = [Caf(1001, 2000, "76086428-5", date(2023, 1, 10))]
    assert found(with_caf(cafs=old, doc="34"), "CAF_VIGENCIA") == []


# FECHA_EMISION


def test_fecha_emision_in_the_future():
    (finding,) = only(check(document("33", issue_date=date(2025, 6, 17))), "FECHA_EMISION")
    assert finding.params == {"reason": "future", "date": "2025-06-17", "today": "2025-06-16"}


def test_fecha_emision_before_the_sii_range_or_before_the_caf():
    assert found(document("33", issue_date=date(2003, 3, 31)), "FECHA_EMISION") == [("error", "range")]
    assert found(with_caf(issue_date=date(2025, 3, 2)), "FECHA_EMISION") == [("error", "before_caf")]


def test_fecha_emision_today_or_no_date_yet_is_silent():
    assert found(document("33"), "FECHA_EMISION") == []
    assert found(document("33", issue_date=None), "FECHA_EMISION") == []
    assert found(with_caf(issue_date=date(2025, 3, 3)), "FECHA_EMISION") == []


def test_fecha_emision_uses_the_given_today_not_the_clock():
    assert found(document("33", issue_date=date(2025, 6, 17), today=date(2025, 6, 17)), "FECHA_EMISION") == []


# FECHA_ANTIGUA


def test_fecha_antigua_more_than_90_days_back_is_a_warning_90_is_fine():
    (finding,) = only(check(document("33", issue_date=date(2025, 3, 17))), "FECHA_ANTIGUA")
    assert finding.severity == "warning" and finding.params["days"] == (TODAY - date(2025, 3, 17)).days == 91
    assert found(document("33", issue_date=date(2025, 3, 18)), "FECHA_ANTIGUA") == []
