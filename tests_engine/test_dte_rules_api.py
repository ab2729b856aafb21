"""The public API: check() on every document type, the skipped-checks info, verdict(), worse(),
Snapshot.from_dict() (what the Odoo layer and the bench pass)."""

import dataclasses
import json
from datetime import date

import pytest

from dte_rules_factory import (
    Caf,
    CafInfo,
    company,
    company_ee,
    customer,
    default_partner,
    document,
    modified,
    only,
)
from services.dte_rules import RECOMMENDATIONS, SKIPPED_CODE, Finding, Snapshot, check, verdict, worse

DOC_TYPES = ["33", "34", "39", "41", "46", "56", "61", "110", "111", "112"]


def correct(doc, **overrides):
    if doc == "46":
        overrides.setdefault("move_type", "in_invoice")
    return document(doc, **overrides)


@pytest.mark.parametrize("doc", DOC_TYPES)
def test_a_correct_document_with_community_data_only_gets_just_the_skipped_info(doc):
    findings = check(correct(doc))
    assert [f.code for f in findings] == [SKIPPED_CODE]
    assert findings[0].severity == "info"
    assert verdict(findings) == "send"


@pytest.mark.parametrize("doc", DOC_TYPES)
def test_a_correct_document_with_dte_module_data_gets_no_finding_at_all(doc):
    partner = dataclasses.replace(default_partner(doc), dte_email="dte@cliente.cl")
    assert check(correct(doc, company=company_ee(), partner=partner)) == []


def test_skipped_checks_are_one_info_listing_each_code_once():
    findings = check(document("33"))
    skipped = only(findings, SKIPPED_CODE)
    assert len(skipped) == 1 and findings[-1] is skipped[0]
    assert skipped[0].params == {"checks": ["EMISOR_CONFIG", "EMAIL_DTE", "FOLIO_CAF", "CAF_VIGENCIA"]}


def test_skipped_checks_list_only_what_is_really_missing():
    partial = company_ee(acteco=None, dte_email=None)  # CAF, resolution and certificate are there
    findings = check(document("33", company=partial, partner=customer(dte_email="dte@cordillera.cl")))
    assert only(findings, SKIPPED_CODE)[0].params["checks"] == ["EMISOR_CONFIG", "EMAIL_DTE"]


def test_skipped_checks_never_hide_community_errors():
    findings = check(document("33", company=company(giro=""), partner=customer(rut="")))
    assert {"EMISOR_CONFIG", "RUT_RECEPTOR", SKIPPED_CODE} <= {f.code for f in findings}
    assert verdict(findings) == "reject"


def test_findings_are_plain_serializable_values():
    findings = check(
        document("33", issue_date=date(2025, 1, 2), company=company(tax_rounding="round_per_line"))
    )
    payload = json.loads(json.dumps([f.as_dict() for f in findings]))
    assert {
        "code": "FECHA_ANTIGUA",
        "severity": "warning",
        "field": "issue_date",
        "params": {"date": "2025-01-02", "days": 165},
    } in payload


# verdict / worse


def finding(severity):
    return Finding("X", severity)


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ([], "send"),
        (["info"], "send"),
        (["info", "warning"], "review"),
        (["warning", "error", "info"], "reject"),
        (["error"], "reject"),
    ],
)
def test_verdict_error_rejects_warning_reviews_otherwise_send(severities, expected):
    assert verdict([finding(s) for s in severities]) == expected


@pytest.mark.parametrize("a", RECOMMENDATIONS)
@pytest.mark.parametrize("b", RECOMMENDATIONS)
def test_worse_takes_the_worst_in_either_order(a, b):
    expected = max(a, b, key=RECOMMENDATIONS.index)
    assert worse(a, b) == worse(b, a) == expected


def test_claude_cannot_make_a_rejection_better():
    deterministic = verdict(check(document("33", partner=customer(rut=""))))
    assert worse(deterministic, "send") == "reject"
    assert worse("send", "review") == "review"


@pytest.mark.parametrize("bad", ["approve", "", None, "SEND"])
def test_worse_refuses_anything_that_is_not_a_recommendation(bad):
    with pytest.raises(ValueError):
        worse("send", bad)


# from_dict


def to_plain(snapshot):
    return json.loads(json.dumps(dataclasses.asdict(snapshot), default=date.isoformat))


@pytest.mark.parametrize("doc", ["33", "39", "61", "110"])
def test_a_json_snapshot_gives_the_same_findings_as_the_dataclasses(doc):
    snapshot = correct(doc, company=company_ee(), issue_date=date(2025, 2, 3))
    assert check(to_plain(snapshot)) == check(snapshot) != []


def test_from_dict_reads_odoo_false_as_empty_not_as_unavailable():
    plain = to_plain(document("33", company=company_ee()))
    plain["partner"]["giro"] = False
    plain["partner"]["dte_email"] = False  # the DTE module is there, the field is empty
    plain["company"]["caf"]["cafs"][0]["authorised_on"] = False
    snapshot = Snapshot.from_dict(plain)
    assert snapshot.partner.giro == "" and snapshot.partner.dte_email == ""
    assert snapshot.company.caf.cafs[0].authorised_on is None
    codes = {f.code for f in check(plain)}
    assert {"GIRO_RECEPTOR", "EMAIL_DTE"} <= codes and SKIPPED_CODE not in codes


def test_from_dict_fills_defaults_and_nested_types():
    snapshot = Snapshot.from_dict(
        {
            "today": "2025-06-16T03:00:00",
            "document_type": "33",
            "lines": [{"name": "Clavos", "taxes": [{"sii_code": 14}]}],
        }
    )
    assert snapshot.today == date(2025, 6, 16)
    assert snapshot.lines[0].taxes[0].rate == 0.0 and snapshot.company.caf is None


def test_check_does_not_modify_the_snapshot():
    snapshot = document(
        "61", company=company_ee(caf=CafInfo(1523, [Caf(1001, 2000, "76086428-5", date(2025, 3, 3))]))
    )
    before = modified(snapshot)
    check(snapshot)
    assert snapshot == before
