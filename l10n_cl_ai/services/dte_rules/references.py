"""E. References and notes: REF_OBLIGATORIA, REF_CODREF, REF_UNICA, NC_TEXTO_CERO, NC_ANULA_TOTAL,
NC_EXCEDE, REF_CAMPOS, NC_PLAZO.

Community has no reference model: the snapshot carries the user's own references plus the origin link
(``reversed_entry_id`` / ``debit_origin_id``), which counts as a reference when none points at it.
"""

import datetime
from dataclasses import dataclass

from ..rut import sii_rut
from . import type_codes as dt
from .dates import add_months, month_index
from .finding import ERROR, WARNING
from .money import plain, same_amount

CODREFS = (1, 2, 3)  # 1 cancels the document, 2 corrects text, 3 corrects amounts
REFS_MAX = 40  # FMT §E NroLinRef 1-40 (DTE_v10.xsd allows 99: the stricter one is used)
FOLIO_MAX = 18
REF_DATE_MIN, REF_DATE_MAX = datetime.date(2002, 8, 1), datetime.date(2050, 12, 31)
RUT_OTR_DOCS = frozenset({"46", "56", "61", "110", "111", "112"})
RAZON_MAX = 90
RETURN_MONTHS = 6  # DL 825 art. 70 inc. 2 / art. 21 N°2, 6 months since Ley 21.398 (2022-03-24)


@dataclass
class _Ref:
    doc_type: str | None
    folio: str | None
    date: datetime.date | None
    codref: int | None
    reason: str
    rut_other: str | None
    field: str  # "references" (user entered) or "origin" (derived from the origin link)
    total: float | None = None  # the referenced document's total, known for the origin only


def _same_folio(a, b):
    return str(a or "").strip().lstrip("0") == str(b or "").strip().lstrip("0")


def effective_references(snap):
    refs = [
        _Ref(r.doc_type, r.folio, r.date, r.codref, r.reason or "", r.rut_other, "references")
        for r in snap.references
    ]
    origin = snap.origin
    if origin is not None:
        match = next(
            (r for r in refs if r.doc_type == origin.doc_type and _same_folio(r.folio, origin.folio)), None
        )
        if match is None:
            refs.append(
                _Ref(
                    origin.doc_type,
                    origin.folio,
                    origin.date,
                    origin.codref,
                    "",
                    None,
                    "origin",
                    origin.amount_total,
                )
            )
        else:
            match.total = origin.amount_total
            if match.codref is None:
                match.codref = origin.codref
    return refs


def check(snap, amounts, out):
    code = snap.document_type
    refs = effective_references(snap)
    tax_refs = [r for r in refs if dt.is_tax_reference(r.doc_type)]
    if code in dt.NOTES:
        _obligatoria_codref(code, tax_refs, out)
    _unica_texto_cero(snap, amounts, tax_refs, out)
    if code == dt.NOTA_CREDITO:
        _anula_total(snap, amounts, tax_refs, out)
        _plazo(snap, tax_refs, out)
    if code in (dt.NOTA_CREDITO, dt.NOTA_CREDITO_EXPORTACION):
        _excede(snap, amounts, out)
    _campos(snap, refs, out)


def _ref_params(ref):
    return {"ref_doc_type": ref.doc_type or "", "folio": str(ref.folio or "")}


def _obligatoria_codref(code, tax_refs, out):
    if not tax_refs:
        out.add("REF_OBLIGATORIA", ERROR, "references", reason="missing", doc_type=code)
        return
    # The catalogue says 111/112 reference a 110; a 112 crediting a 111 is accepted too (no false error).
    if code in (dt.NOTA_DEBITO_EXPORTACION, dt.NOTA_CREDITO_EXPORTACION) and not any(
        r.doc_type in dt.EXPORTS for r in tax_refs
    ):
        out.add("REF_OBLIGATORIA", ERROR, "references", reason="export", doc_type=code)
    for ref in tax_refs:
        if ref.codref is None:
            out.add("REF_CODREF", ERROR, ref.field, reason="missing", **_ref_params(ref))
        elif ref.codref not in CODREFS:
            out.add("REF_CODREF", ERROR, ref.field, reason="invalid", codref=ref.codref, **_ref_params(ref))


def _unica_texto_cero(snap, amounts, tax_refs, out):
    codrefs = {r.codref for r in tax_refs}
    single = next((c for c in (1, 2) if c in codrefs), None)
    if single is not None and len(tax_refs) > 1:
        out.add("REF_UNICA", ERROR, "references", codref=single, count=len(tax_refs))
    if 2 in codrefs:
        with_amount = [
            n for n, line in enumerate(snap.lines, start=1) if not same_amount(line.subtotal, 0, 2)
        ]
        if with_amount or not same_amount(snap.totals.amount_total, 0, amounts.decimals):
            out.add("NC_TEXTO_CERO", ERROR, "lines", count=len(with_amount))


def _anula_total(snap, amounts, tax_refs, out):
    for ref in tax_refs:
        if (
            ref.codref == 1
            and ref.total is not None
            and not same_amount(snap.totals.amount_total, ref.total, amounts.decimals)
        ):
            out.add(
                "NC_ANULA_TOTAL",
                WARNING,
                "totals.amount_total",
                actual=plain(snap.totals.amount_total, amounts.decimals),
                expected=plain(ref.total, amounts.decimals),
                **_ref_params(ref),
            )


def _excede(snap, amounts, out):
    # No SII source: a business sanity check (catalogue "figures not confirmed").
    origin = snap.origin
    if origin is None or origin.amount_total <= 0:
        return
    credited = origin.credited_total + snap.totals.amount_total
    if credited > origin.amount_total + 0.5 * 10**-amounts.decimals:
        out.add(
            "NC_EXCEDE",
            WARNING,
            "totals.amount_total",
            credited=plain(credited, amounts.decimals),
            expected=plain(origin.amount_total, amounts.decimals),
            ref_doc_type=origin.doc_type or "",
            folio=str(origin.folio or ""),
        )


def _plazo(snap, tax_refs, out):
    issue = snap.issue_date or snap.today
    dated = [r for r in tax_refs if r.date is not None]
    ref = next((r for r in dated if r.field == "origin" or r.total is not None), dated[0] if dated else None)
    if ref is None or ref.codref == 2:  # a text correction has no VAT effect
        return
    if issue > add_months(ref.date, RETURN_MONTHS):
        out.add(
            "NC_PLAZO",
            WARNING,
            "issue_date",
            reason="six_months",
            ref_date=ref.date.isoformat(),
            **_ref_params(ref),
        )
    elif ref.codref == 3 and month_index(issue) - month_index(ref.date) > 1:
        # Billing-error corrections belong in the same or the next tax period (SII Oficio 3263/2021).
        out.add(
            "NC_PLAZO",
            WARNING,
            "issue_date",
            reason="period",
            period=issue.strftime("%Y-%m"),
            ref_period=ref.date.strftime("%Y-%m"),
            **_ref_params(ref),
        )


def _campos(snap, refs, out):
    if len(refs) > REFS_MAX:
        out.add("REF_CAMPOS", ERROR, "references", reason="too_many", count=len(refs), max=REFS_MAX)
    issue = snap.issue_date or snap.today
    for ref in refs:
        params = _ref_params(ref)
        folio = str(ref.folio or "").strip()
        if not 1 <= len(folio) <= FOLIO_MAX:
            out.add("REF_CAMPOS", ERROR, ref.field, reason="folio", max=FOLIO_MAX, **params)
        if ref.date is None:
            out.add("REF_CAMPOS", ERROR, ref.field, reason="date_missing", **params)
        elif not REF_DATE_MIN <= ref.date <= REF_DATE_MAX:
            out.add("REF_CAMPOS", ERROR, ref.field, reason="date_range", date=ref.date.isoformat(), **params)
        elif ref.date > issue:  # derived: a document cannot reference a later one
            out.add(
                "REF_CAMPOS",
                ERROR,
                ref.field,
                reason="date_after_issue",
                date=ref.date.isoformat(),
                issue_date=issue.isoformat(),
                **params,
            )
        if ref.rut_other:
            if snap.document_type not in RUT_OTR_DOCS:
                out.add("REF_CAMPOS", ERROR, ref.field, reason="rut_other_doc", **params)
            elif sii_rut(snap.company.rut) and sii_rut(ref.rut_other) == sii_rut(snap.company.rut):
                out.add("REF_CAMPOS", ERROR, ref.field, reason="rut_other_issuer", **params)
        if len(ref.reason) > RAZON_MAX:
            out.add(
                "REF_CAMPOS",
                WARNING,
                ref.field,
                reason="reason_too_long",
                length=len(ref.reason),
                max=RAZON_MAX,
                **params,
            )
