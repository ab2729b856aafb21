"""Translated messages of the reception codes: the engine's English table (``services/reception/
messages.py``) wrapped for translation, plus the Odoo layer's own codes (``REC_BILL_TOTAL``: the bill's total
differs from the XML's; ``REC_SIN_XML``: a bill typed by hand). A test keeps the texts equal to the engine's.
"""

from odoo.tools.misc import format_date, formatLang
from odoo.tools.translate import LazyTranslate

from .dte_rule_messages import fill

_lt = LazyTranslate(__name__)

UNKNOWN_RECEPTION = _lt("The received document could not be processed (%(code)s).")

RECEPTION_MESSAGES = {
    "REC_FILE_TOO_LARGE": _lt(
        "The file has %(size)s bytes; received DTE files are limited to %(limit)s bytes. Ask the "
        "supplier for the XML of each document."
    ),
    "REC_XML_FORBIDDEN": _lt(
        "The file contains a %(construct)s declaration, which an SII document never has; it was "
        "refused without being read. Ask the supplier for the original XML."
    ),
    "REC_XML_MALFORMED": _lt(
        "The file is not valid XML (%(detail)s). Ask the supplier for the original XML of the document."
    ),
    "REC_NOT_DTE": _lt(
        "The file is XML but not an SII electronic tax document (its root is %(root)s, expected "
        "EnvioDTE or DTE)."
    ),
    "REC_NOT_DTE.empty": _lt("The SII envelope (EnvioDTE) contains no document."),
    "REC_DTE_INVALID.missing": _lt(
        "Document type %(doc_type)s folio %(folio)s lacks the mandatory tag %(tag)s; it was not "
        "imported. Ask the supplier to send it again."
    ),
    "REC_DTE_INVALID.bad_value": _lt(
        "Document type %(doc_type)s folio %(folio)s has an invalid value in %(tag)s (%(value)s); it "
        "was not imported. Ask the supplier to send it again."
    ),
    "REC_DTE_INVALID.no_document": _lt(
        "A DTE of the file (type %(doc_type)s folio %(folio)s) has no document header; it was not imported."
    ),
    "REC_RECEPTOR": _lt(
        "The document is addressed to RUT %(receiver_rut)s, not to your company (%(company_rut)s): it "
        "gives you no VAT credit. Claim it (RCD) so the supplier cancels it."
    ),
    "REC_EMISOR.invalid": _lt(
        "The issuer's RUT %(rut)s has a wrong check digit. The document cannot be genuine: claim it (RCD)."
    ),
    "REC_EMISOR.partner_mismatch": _lt(
        "The document was issued by RUT %(rut)s but the bill's vendor has RUT %(partner_rut)s. Set "
        "the right vendor on the bill."
    ),
    "REC_TIPO.boleta": _lt(
        "Document type %(doc_type)s is a boleta: it gives no VAT credit and is not recorded as a "
        "vendor bill. Ask the supplier for a factura."
    ),
    "REC_TIPO.guia": _lt(
        "Document type %(doc_type)s is a dispatch guide (guía de despacho), not a bill. Record the "
        "goods and wait for the supplier's factura."
    ),
    "REC_TIPO.self_issued": _lt(
        "Document type %(doc_type)s is a purchase invoice (factura de compra), which the buyer issues "
        "itself; it is not received from a supplier."
    ),
    "REC_TIPO.export": _lt(
        "Document type %(doc_type)s is an export document issued to a foreign buyer; it is not a "
        "vendor bill of your company."
    ),
    "REC_TIPO.other": _lt(
        "Document type %(doc_type)s cannot be recorded as a vendor bill (receivable types: 33, 34, "
        "43, 56, 61)."
    ),
    "REC_FOLIO_DUPLICADO": _lt(
        "Document type %(doc_type)s folio %(folio)s from RUT %(rut)s is already recorded as a bill of "
        "your company. Do not record it twice."
    ),
    "REC_TOTALES.total": _lt(
        "The total (MntTotal) is %(total)s but net + exempt + VAT + other taxes - retentions is "
        "%(expected)s. Claim the content (RCD)."
    ),
    "REC_TOTALES.line": _lt(
        "Line %(line)s amounts to %(amount)s but quantity x price - discount + surcharge is "
        "%(expected)s. Claim the content (RCD)."
    ),
    "REC_TOTALES.net": _lt(
        "The taxed lines sum to %(lines)s after global discounts, but the net amount (MntNeto) is "
        "%(net)s. Claim the content (RCD)."
    ),
    "REC_TOTALES.exempt": _lt(
        "The exempt lines sum to %(lines)s after global discounts, but the exempt amount (MntExe) is "
        "%(exempt)s. Claim the content (RCD)."
    ),
    "REC_IVA.rate": _lt(
        "The VAT rate (TasaIVA) is %(rate)s%%; Chilean VAT is 19%%. Claim the content (RCD)."
    ),
    "REC_IVA.amount": _lt(
        "The VAT is %(vat)s but 19%% of the net amount %(net)s is %(expected)s. Claim the content (RCD)."
    ),
    "REC_FECHA.future": _lt(
        "The issue date %(date)s is after today (%(today)s). Claim the content (RCD) or ask the supplier."
    ),
    "REC_FECHA.vat_credit": _lt(
        "The document was issued on %(date)s: its VAT credit could only be used until the "
        "%(last_period)s period (the issue month and %(months)s more). Check with your accountant "
        "before recording it."
    ),
    "REC_TED.missing": _lt(
        "The document has no electronic seal (TED), which every DTE must carry. Claim the content (RCD)."
    ),
    "REC_TED.mismatch": _lt(
        "The electronic seal says %(tag)s = %(stamped)s but the document says %(document)s: the "
        "document was changed after it was stamped. Claim the content (RCD)."
    ),
    "REC_TED.no_caf": _lt(
        "The electronic seal carries no folio authorisation (CAF), so it cannot be verified. Claim "
        "the content (RCD)."
    ),
    "REC_TED.caf_mismatch": _lt(
        "The folio authorisation (CAF) in the seal has %(tag)s = %(caf)s but the document has "
        "%(document)s. Claim the content (RCD)."
    ),
    "REC_TED.folio_range": _lt(
        "Folio %(folio)s is outside the range the SII authorised in the seal's CAF (%(from)s to "
        "%(to)s). Claim the content (RCD)."
    ),
    "REC_TED.key_invalid": _lt(
        "The public key of the seal's folio authorisation (CAF, key %(key_id)s) is unreadable, so the "
        "seal cannot be verified. Claim the content (RCD)."
    ),
    "REC_TED.signature": _lt(
        "The electronic seal's signature does not match the document (folio %(folio)s): it was "
        "altered after the supplier stamped it. Claim the content (RCD)."
    ),
    "REC_TED.caf_signature": _lt(
        "The folio authorisation (CAF) in the seal is not signed by the SII (key %(key_id)s): the "
        "folio was not authorised. Claim the content (RCD)."
    ),
    "REC_TED.caf_not_checked": _lt(
        "The SII's signature of the folio authorisation (key %(key_id)s) was not checked: no SII "
        "public key is configured for it."
    ),
    "REC_DECISION.deadline_passed": _lt(
        "%(decision)s cannot be recorded: the eight-day window closed on %(deadline)s and the invoice "
        "is tacitly accepted (Ley 19.983 art. 3)."
    ),
    "REC_DECISION.already_recorded": _lt("%(decision)s is already recorded on this document."),
    "REC_DECISION.claimed": _lt("%(decision)s cannot be recorded: the document was claimed (%(claim)s)."),
    "REC_DECISION.goods_received": _lt(
        "%(decision)s cannot be recorded: the receipt of the goods or services (ERM) is already "
        "recorded, which makes the invoice irrevocably accepted (Ley 19.983 art. 4)."
    ),
    "REC_DECISION.content_accepted": _lt(
        "%(decision)s cannot be recorded: the content was already accepted (ACD)."
    ),
    "REC_DECISION.unknown": _lt("%(decision)s is not a decision (ACD, ERM, RCD, RFP or RFT)."),
    "REC_BILL_TOTAL": _lt(
        "The bill's total is %(bill_total)s but the document's total (MntTotal) is %(total)s "
        "(difference %(difference)s). The import never adjusts amounts: check the lines and taxes "
        "against the XML."
    ),
    "REC_SIN_XML": _lt(
        "The bill has no SII XML attached: the receiver, totals, VAT and electronic seal (TED) checks "
        "need it. Attach the supplier's XML to check them."
    ),
}

# Parameters shown as amounts / dates in the user's language (the others as written).
AMOUNT_PARAMS = frozenset(
    {"amount", "bill_total", "difference", "exempt", "expected", "lines", "net", "total", "vat"}
)
DATE_PARAMS = frozenset({"date", "today", "deadline"})


def reception_template(code, params=None):
    """The lazy message of ``code`` (its ``code.reason`` variant first), or ``None``."""
    reason = (params or {}).get("reason")
    if reason and f"{code}.{reason}" in RECEPTION_MESSAGES:
        return RECEPTION_MESSAGES[f"{code}.{reason}"]
    return RECEPTION_MESSAGES.get(code)


def reception_message(env, code, params):
    """The message of a reception code (a finding's, a refused file's, a refused decision's) in
    ``env``'s language; an unknown code falls back to a message naming it."""
    template = reception_template(code, params)
    if template is None:
        reason = (params or {}).get("reason")
        template, params = UNKNOWN_RECEPTION, {"code": f"{code}.{reason}" if reason else code}
    values = {}
    for key, value in (params or {}).items():
        if key in AMOUNT_PARAMS and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[key] = formatLang(env, value, digits=0 if float(value).is_integer() else 2)
        elif key in DATE_PARAMS and isinstance(value, str) and value:
            try:
                values[key] = format_date(env, value)
            except ValueError:
                values[key] = value
        else:
            values[key] = "" if value is None else value
    english = env(context=dict(env.context, lang="en_US"))._(template)
    return fill(env._(template), values, english)
