"""B. Document type: TIPO_CONTRIBUYENTE, DOC_EXTRANJERO, DOC_VS_CONTRIBUYENTE, DOC_TIPO (also a debit
note, ``debit_origin_id`` set, left with an invoice type by the debit note wizard).

TIPO_CONTRIBUYENTE and DOC_EXTRANJERO mirror ``l10n_cl``'s ``_check_document_types_post`` (which refuses
posting), so users see them on drafts, with the fix.
"""

from . import type_codes as dt
from .finding import ERROR, WARNING
from .parties import is_foreign

NO_TAXPAYER_TYPE_DOCS = frozenset({"35", "38", "39", "41"})  # CE: these need no taxpayer type nor RUT
FOREIGN_ALLOWED = {"4": dt.EXPORTS, "3": frozenset({"39", "41", "56", "61"})}  # CE, per taxpayer type


def check(snap, amounts, out):
    code = snap.document_type
    if not code:
        if snap.uses_documents:
            out.add("DOC_TIPO", ERROR, "document_type", reason="missing")
        return
    _doc_tipo(snap, code, out)
    partner = snap.partner
    sale = snap.move_type.startswith("out_")
    if is_foreign(partner):
        # CE applies this to sale journals only: a purchase invoice (46) to a foreign supplier is fine.
        if sale and code not in FOREIGN_ALLOWED.get(partner.taxpayer_type, ()):
            out.add(
                "DOC_EXTRANJERO",
                ERROR,
                "document_type",
                doc_type=code,
                country=partner.country_code,
                taxpayer_type=partner.taxpayer_type or "",
            )
        return
    # A missing RUT is reported once, by RUT_RECEPTOR; this one covers the taxpayer type.
    if code not in NO_TAXPAYER_TYPE_DOCS and not partner.taxpayer_type:
        out.add("TIPO_CONTRIBUYENTE", ERROR, "partner.taxpayer_type", doc_type=code)
    if sale:
        if partner.taxpayer_type == "1" and code in dt.BOLETAS:
            out.add(
                "DOC_VS_CONTRIBUYENTE", WARNING, "document_type", reason="company_on_boleta", doc_type=code
            )
        elif partner.taxpayer_type == "3" and code in (dt.FACTURA, dt.FACTURA_EXENTA):
            out.add(
                "DOC_VS_CONTRIBUYENTE", WARNING, "document_type", reason="consumer_on_invoice", doc_type=code
            )


def _doc_tipo(snap, code, out):
    internal = snap.document_internal_type or dt.internal_type(code)
    refund = snap.move_type.endswith("_refund")
    if internal == "credit_note" and not refund:
        out.add("DOC_TIPO", ERROR, "document_type", reason="credit_note_on_invoice", doc_type=code)
    elif internal != "credit_note" and refund:
        out.add("DOC_TIPO", ERROR, "document_type", reason="invoice_on_refund", doc_type=code)
    elif snap.origin is not None and snap.origin.debit and internal != "debit_note":
        # the debit note wizard keeps the origin's type: a "debit note" still typed 33 is an invoice
        out.add("DOC_TIPO", ERROR, "document_type", reason="invoice_on_debit_note", doc_type=code)
