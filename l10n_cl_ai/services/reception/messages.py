"""English messages (msgids) of every reception code and variant, each with what to do.

One table, keyed like ``dte_rules``' messages: ``CODE`` or ``CODE.reason`` (see ``message_key`` on
findings, exceptions, ``DteError`` and ``Decision``). Placeholders are named (``%(name)s``) and filled
from the ``params``; a literal percent sign is ``%%``. Plain strings on purpose (``services`` never
imports Odoo): the Odoo layer wraps each one in its lazy translation table (like
``models/dte_rule_messages.py``) so they are extracted and translated to es_CL, and falls back to
``UNKNOWN`` for a key it does not know.
"""

UNKNOWN = "The received document could not be processed (%(code)s)."

MESSAGES = {
    # Files refused as a whole (errors.py)
    "REC_FILE_TOO_LARGE": (
        "The file has %(size)s bytes; received DTE files are limited to %(limit)s bytes. Ask the supplier "
        "for the XML of each document."
    ),
    "REC_XML_FORBIDDEN": (
        "The file contains a %(construct)s declaration, which an SII document never has; it was refused "
        "without being read. Ask the supplier for the original XML."
    ),
    "REC_XML_MALFORMED": (
        "The file is not valid XML (%(detail)s). Ask the supplier for the original XML of the document."
    ),
    "REC_NOT_DTE": (
        "The file is XML but not an SII electronic tax document (its root is %(root)s, expected EnvioDTE or "
        "DTE)."
    ),
    "REC_NOT_DTE.empty": "The SII envelope (EnvioDTE) contains no document.",
    # One DTE of a file (errors.DteError)
    "REC_DTE_INVALID.missing": (
        "Document type %(doc_type)s folio %(folio)s lacks the mandatory tag %(tag)s; it was not imported. "
        "Ask the supplier to send it again."
    ),
    "REC_DTE_INVALID.bad_value": (
        "Document type %(doc_type)s folio %(folio)s has an invalid value in %(tag)s (%(value)s); it was not "
        "imported. Ask the supplier to send it again."
    ),
    "REC_DTE_INVALID.no_document": (
        "A DTE of the file (type %(doc_type)s folio %(folio)s) has no document header; it was not imported."
    ),
    # Buyer's checks (checks.py)
    "REC_RECEPTOR": (
        "The document is addressed to RUT %(receiver_rut)s, not to your company (%(company_rut)s): it gives "
        "you no VAT credit. Claim it (RCD) so the supplier cancels it."
    ),
    "REC_EMISOR.invalid": (
        "The issuer's RUT %(rut)s has a wrong check digit. The document cannot be genuine: claim it (RCD)."
    ),
    "REC_EMISOR.partner_mismatch": (
        "The document was issued by RUT %(rut)s but the bill's vendor has RUT %(partner_rut)s. Set the right "
        "vendor on the bill."
    ),
    "REC_TIPO.boleta": (
        "Document type %(doc_type)s is a boleta: it gives no VAT credit and is not recorded as a vendor "
        "bill. Ask the supplier for a factura."
    ),
    "REC_TIPO.guia": (
        "Document type %(doc_type)s is a dispatch guide (guía de despacho), not a bill. Record the goods "
        "and wait for the supplier's factura."
    ),
    "REC_TIPO.self_issued": (
        "Document type %(doc_type)s is a purchase invoice (factura de compra), which the buyer issues "
        "itself; it is not received from a supplier."
    ),
    "REC_TIPO.export": (
        "Document type %(doc_type)s is an export document issued to a foreign buyer; it is not a vendor "
        "bill of your company."
    ),
    "REC_TIPO.other": (
        "Document type %(doc_type)s cannot be recorded as a vendor bill (receivable types: 33, 34, 43, 56, "
        "61)."
    ),
    "REC_FOLIO_DUPLICADO": (
        "Document type %(doc_type)s folio %(folio)s from RUT %(rut)s is already recorded as a bill of your "
        "company. Do not record it twice."
    ),
    "REC_TOTALES.total": (
        "The total (MntTotal) is %(total)s but net + exempt + VAT + other taxes - retentions is "
        "%(expected)s. Claim the content (RCD)."
    ),
    "REC_TOTALES.line": (
        "Line %(line)s amounts to %(amount)s but quantity x price - discount + surcharge is %(expected)s. "
        "Claim the content (RCD)."
    ),
    "REC_TOTALES.net": (
        "The taxed lines sum to %(lines)s after global discounts, but the net amount (MntNeto) is %(net)s. "
        "Claim the content (RCD)."
    ),
    "REC_TOTALES.exempt": (
        "The exempt lines sum to %(lines)s after global discounts, but the exempt amount (MntExe) is "
        "%(exempt)s. Claim the content (RCD)."
    ),
    "REC_IVA.rate": "The VAT rate (TasaIVA) is %(rate)s%%; Chilean VAT is 19%%. Claim the content (RCD).",
    "REC_IVA.amount": (
        "The VAT is %(vat)s but 19%% of the net amount %(net)s is %(expected)s. Claim the content (RCD)."
    ),
    "REC_FECHA.future": (
        "The issue date %(date)s is after today (%(today)s). Claim the content (RCD) or ask the supplier."
    ),
    "REC_FECHA.vat_credit": (
        "The document was issued on %(date)s: its VAT credit could only be used until the %(last_period)s "
        "period (the issue month and %(months)s more). Check with your accountant before recording it."
    ),
    "REC_TED.missing": (
        "The document has no electronic seal (TED), which every DTE must carry. Claim the content (RCD)."
    ),
    "REC_TED.mismatch": (
        "The electronic seal says %(tag)s = %(stamped)s but the document says %(document)s: the document was "
        "changed after it was stamped. Claim the content (RCD)."
    ),
    "REC_TED.no_caf": (
        "The electronic seal carries no folio authorisation (CAF), so it cannot be verified. Claim the "
        "content (RCD)."
    ),
    "REC_TED.caf_mismatch": (
        "The folio authorisation (CAF) in the seal has %(tag)s = %(caf)s but the document has %(document)s. "
        "Claim the content (RCD)."
    ),
    "REC_TED.folio_range": (
        "Folio %(folio)s is outside the range the SII authorised in the seal's CAF (%(from)s to %(to)s). "
        "Claim the content (RCD)."
    ),
    "REC_TED.key_invalid": (
        "The public key of the seal's folio authorisation (CAF, key %(key_id)s) is unreadable, so the seal "
        "cannot be verified. Claim the content (RCD)."
    ),
    "REC_TED.signature": (
        "The electronic seal's signature does not match the document (folio %(folio)s): it was altered after "
        "the supplier stamped it. Claim the content (RCD)."
    ),
    "REC_TED.caf_signature": (
        "The folio authorisation (CAF) in the seal is not signed by the SII (key %(key_id)s): the folio was "
        "not authorised. Claim the content (RCD)."
    ),
    "REC_TED.caf_not_checked": (
        "The SII's signature of the folio authorisation (key %(key_id)s) was not checked: no SII public key "
        "is configured for it."
    ),
    # Decisions (claim_window.py)
    "REC_DECISION.deadline_passed": (
        "%(decision)s cannot be recorded: the eight-day window closed on %(deadline)s and the invoice is "
        "tacitly accepted (Ley 19.983 art. 3)."
    ),
    "REC_DECISION.already_recorded": "%(decision)s is already recorded on this document.",
    "REC_DECISION.claimed": ("%(decision)s cannot be recorded: the document was claimed (%(claim)s)."),
    "REC_DECISION.goods_received": (
        "%(decision)s cannot be recorded: the receipt of the goods or services (ERM) is already recorded, "
        "which makes the invoice irrevocably accepted (Ley 19.983 art. 4)."
    ),
    "REC_DECISION.content_accepted": (
        "%(decision)s cannot be recorded: the content was already accepted (ACD)."
    ),
    "REC_DECISION.unknown": "%(decision)s is not a decision (ACD, ERM, RCD, RFP or RFT).",
}


def render(key, params):
    """The English message of ``key`` filled with ``params`` (tests, logs); the Odoo layer translates."""
    template = MESSAGES.get(key)
    if template is None:
        return UNKNOWN % {"code": key}
    return template % params
