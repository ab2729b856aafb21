"""Translated user messages of the deterministic DTE checks (``services/dte_rules``), each with its fix.

Like ``sms.tools.sms_api.ERROR_MESSAGES``: a table of lazily translated messages keyed by what went
wrong, and a fallback for anything unknown. A finding's message key is its ``code``, or
``code.reason`` when ``params["reason"]`` names a variant. Placeholders are named (``%(name)s``) and
filled from the finding's ``params``; a literal percent sign is written ``%%``.
"""

import logging

from odoo.tools.misc import format_date, formatLang
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

DTE_RULE_MESSAGES = {
    # A. Parties and issuer
    "RUT_RECEPTOR.missing": _lt(
        "The customer has no RUT. Enter the customer's Tax ID (RUT), for example 76086428-5."
    ),
    "RUT_RECEPTOR.invalid": _lt(
        "The customer's RUT %(rut)s is not valid (wrong check digit or format). Correct the customer's "
        "Tax ID; it must look like 76086428-5."
    ),
    "GIRO_RECEPTOR.missing": _lt(
        "The customer has no activity description (giro), which is mandatory on document type "
        "%(doc_type)s. Fill in the customer's Activity Description."
    ),
    "GIRO_RECEPTOR.too_long": _lt(
        "The customer's activity description (giro) has %(length)s characters; only the first %(max)s are "
        "sent to the SII. Shorten it."
    ),
    "DIR_RECEPTOR.street_missing": _lt(
        "The customer's street is empty; it is mandatory on document type %(doc_type)s. Complete the "
        "customer's address."
    ),
    "DIR_RECEPTOR.comuna_missing": _lt(
        "The customer's comuna is empty; it is mandatory on document type %(doc_type)s. Enter the comuna in "
        "the City field of the customer's address."
    ),
    "DIR_RECEPTOR.street_too_long": _lt(
        "The customer's street has %(length)s characters; only the first %(max)s are sent to the SII. "
        "Shorten it."
    ),
    "DIR_RECEPTOR.comuna_too_long": _lt(
        "The customer's comuna (City field) has %(length)s characters; only the first %(max)s are sent to "
        "the SII. Shorten it."
    ),
    "EMISOR_CONFIG.rut": _lt(
        "Your company's RUT is missing or invalid. Enter a valid Tax ID on the company."
    ),
    "EMISOR_CONFIG.giro_missing": _lt(
        "Your company has no activity description (giro). Fill in the company's Activity Description."
    ),
    "EMISOR_CONFIG.giro_too_long": _lt(
        "Your company's activity description (giro) has %(length)s characters; the SII accepts at most "
        "%(max)s. Shorten it."
    ),
    "EMISOR_CONFIG.address": _lt(
        "Your company's street or comuna (City field) is empty. Complete the company address."
    ),
    "EMISOR_CONFIG.acteco": _lt(
        "Your company has %(count)s economic activity codes (ACTECO); the SII requires between 1 and 4. "
        "Adjust them in the company's settings."
    ),
    "EMISOR_CONFIG.resolution": _lt(
        "Your company's SII resolution number or date is missing. Enter both in the electronic invoicing "
        "settings."
    ),
    "EMISOR_CONFIG.certificate_missing": _lt(
        "There is no digital certificate to sign the document. Upload a valid certificate."
    ),
    "EMISOR_CONFIG.certificate_expired": _lt(
        "The digital certificate expired on %(date)s. Upload a renewed certificate."
    ),
    "EMAIL_DTE.partner": _lt(
        "The customer has no DTE exchange e-mail, so they will not receive the XML. Enter the customer's "
        "DTE e-mail."
    ),
    "EMAIL_DTE.company": _lt(
        "Your company has no DTE exchange e-mail. Enter it in the electronic invoicing settings."
    ),
    # B. Document type
    "TIPO_CONTRIBUYENTE": _lt(
        "The customer has no SII taxpayer type, which is required to post document type %(doc_type)s. Set "
        "the customer's Taxpayer Type."
    ),
    "DOC_EXTRANJERO": _lt(
        "The customer is foreign (%(country)s) and document type %(doc_type)s is not allowed for them. Use "
        "an export document (110, 111, 112) with taxpayer type 4 (Foreigner), or a boleta or note (39, 41, "
        "56, 61) with taxpayer type 3 (End consumer)."
    ),
    "DOC_VS_CONTRIBUYENTE.consumer_on_invoice": _lt(
        "The customer is an end consumer (taxpayer type 3) but the document is an invoice (%(doc_type)s). "
        "Issue a boleta (39 or 41), or correct the customer's taxpayer type."
    ),
    "DOC_VS_CONTRIBUYENTE.company_on_boleta": _lt(
        "The customer is a VAT taxpayer (taxpayer type 1) but the document is a boleta (%(doc_type)s), so "
        "they cannot use the VAT credit. Issue an invoice (33 or 34), or correct the customer's taxpayer "
        "type."
    ),
    "DOC_TIPO.missing": _lt(
        "The journal uses documents but no document type is selected. Choose the document type."
    ),
    "DOC_TIPO.credit_note_on_invoice": _lt(
        "Document type %(doc_type)s is a credit note but this is an invoice. Choose an invoice or debit "
        "note type, or create a credit note instead."
    ),
    "DOC_TIPO.invoice_on_debit_note": _lt(
        "This is a debit note (it debits another document) but its type %(doc_type)s is not a debit note "
        "type. Choose a debit note type (56, or 111 for exports)."
    ),
    "DOC_TIPO.invoice_on_refund": _lt(
        "Document type %(doc_type)s is not a credit note but this is a credit note. Choose a credit note "
        "type (61, or 112 for exports)."
    ),
    # C. Lines
    "LINEAS_MAX": _lt(
        "The document has %(count)s lines; the SII accepts at most %(max)s on document type %(doc_type)s. "
        "Split it into several documents."
    ),
    "LINEA_DATOS.no_lines": _lt("The document has no product line. Add at least one line."),
    "LINEA_DATOS.name_missing": _lt("Line %(line)s has no name. Enter a product or a description."),
    "LINEA_DATOS.name_too_long": _lt(
        "The name of line %(line)s has %(length)s characters; only the first %(max)s are sent to the SII. "
        "Shorten it and put the details in the description."
    ),
    "LINEA_DATOS.quantity": _lt(
        "Line %(line)s has quantity %(quantity)s; the SII requires a quantity greater than zero. Correct "
        "the quantity (returns go in a credit note)."
    ),
    "LINEA_DATOS.additional_taxes": _lt(
        "Line %(line)s carries %(count)s additional taxes or withholdings; the SII accepts at most %(max)s "
        "per line. Remove the extra taxes or split the line."
    ),
    "LINEA_DATOS.description_too_long": _lt(
        "The description of line %(line)s has %(length)s characters; only the first %(max)s are sent to the "
        "SII. Shorten it."
    ),
    "DSCRCG.too_many": _lt(
        "The document has %(count)s global discount lines (negative lines); the SII accepts at most "
        "%(max)s. Merge them."
    ),
    "DSCRCG.exceeds_taxed": _lt(
        "The global discounts on taxed items (%(discount)s) are not lower than those items (%(base)s). "
        "Reduce the discounts, or issue a credit note instead."
    ),
    "DSCRCG.exceeds_exempt": _lt(
        "The global discounts on exempt items (%(discount)s) are not lower than those items (%(base)s). "
        "Reduce the discounts, or issue a credit note instead."
    ),
    "DSCRCG.mixed_taxes": _lt(
        "A global discount applies to items with different additional taxes (%(taxes)s); the SII expects "
        "such a discount as a percentage, but it is sent as an amount. Apply the discount on the lines "
        "instead."
    ),
    # D. Amounts and VAT
    "IVA_TASA.no_code": _lt(
        "The tax %(tax)s (line %(line)s) has no SII code, so it cannot be reported in the DTE. Use the 19%% "
        "VAT tax (SII code 14) or another tax with an SII code, or leave exempt lines without taxes."
    ),
    "IVA_TASA.rate": _lt(
        "The tax %(tax)s (line %(line)s) is VAT (SII code 14) at %(rate)s%%; VAT must be 19%% of the net "
        "amount. Use the 19%% VAT tax."
    ),
    "IVA_MONTO": _lt(
        "The VAT is %(actual)s but the SII computes %(expected)s (%(rate)s%% of the net amount %(net)s, "
        "rounded to the peso). The SII accepts the document anyway, and afterwards only a credit or debit "
        "note can fix it. Set the tax rounding method to Round Globally and recompute the taxes."
    ),
    "TOTALES.decimals": _lt(
        "Amounts in Chilean pesos must be whole pesos, but %(amount)s is not. Check that the CLP currency "
        "rounds to 1 peso and recompute the document."
    ),
    "TOTALES.net": _lt(
        "The untaxed amount is %(actual)s but the lines add up to %(expected)s (net %(net)s plus exempt "
        "%(exempt)s, after global discounts). Recompute the document before sending it."
    ),
    "TOTALES.tax": _lt(
        "The taxes amount to %(actual)s but the tax groups add up to %(expected)s. Recompute the taxes "
        "before sending the document."
    ),
    "TOTALES.total": _lt(
        "The total is %(actual)s but the untaxed amount plus taxes gives %(expected)s. Recompute the "
        "document before sending it."
    ),
    "TOTALES.boleta_total": _lt(
        "The total is %(actual)s but the boleta's lines (VAT included, after discounts) add up to "
        "%(expected)s. Use VAT-included prices with the Round Globally method and recompute."
    ),
    "REDONDEO_GLOBAL": _lt(
        "The company rounds taxes per line, but the SII computes the VAT on the document's net total, so "
        "the VAT may differ by a few pesos. Set the tax rounding method to Round Globally in the "
        "accounting settings."
    ),
    "EXENTO_EN_33": _lt(
        "No line of this electronic invoice (33) carries VAT. Use document type 34 (exempt invoice), or add "
        "the 19%% VAT to the taxed lines."
    ),
    "AFECTO_EN_EXENTO": _lt(
        "Document type %(doc_type)s is exempt but carries taxes (%(tax)s). Remove the taxes from the lines "
        "or choose a taxed document type."
    ),
    # E. References and notes
    "REF_OBLIGATORIA.missing": _lt(
        "Document type %(doc_type)s must reference the document it modifies. Create it from the original "
        "invoice (Credit Note or Debit Note button) or add a reference with its document type, folio, "
        "date and reason."
    ),
    "REF_OBLIGATORIA.export": _lt(
        "An export note (%(doc_type)s) must reference the export invoice (110) it modifies. Add that "
        "reference."
    ),
    "REF_CODREF.missing": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s has no reference code. Choose 1 "
        "(cancels the document), 2 (corrects text) or 3 (corrects amounts)."
    ),
    "REF_CODREF.invalid": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s has reference code %(codref)s. Choose 1 "
        "(cancels the document), 2 (corrects text) or 3 (corrects amounts)."
    ),
    "REF_UNICA": _lt(
        "A note with reference code %(codref)s (cancel or correct text) must reference a single document, "
        "but it references %(count)s. Issue one note per document."
    ),
    "NC_TEXTO_CERO": _lt(
        'A text correction (reference code 2) must have a single line with a zero amount ("where it says... '
        'it should say..."), but %(count)s line(s) have an amount. Set the amounts to zero, or use '
        "reference code 3 to correct amounts."
    ),
    "NC_ANULA_TOTAL": _lt(
        "This credit note cancels document %(ref_doc_type)s folio %(folio)s (reference code 1) but its total "
        "%(actual)s differs from the original's %(expected)s. For a partial credit note use reference code "
        "3 (corrects amounts); otherwise credit the full amount."
    ),
    "NC_EXCEDE": _lt(
        "Credit notes against document %(ref_doc_type)s folio %(folio)s would add up to %(credited)s, more "
        "than its total of %(expected)s. Look for a duplicated credit note or reduce the amount."
    ),
    "REF_CAMPOS.too_many": _lt(
        "The document has %(count)s references; the SII accepts at most %(max)s. Remove the unnecessary ones."
    ),
    "REF_CAMPOS.folio": _lt(
        'The reference to document %(ref_doc_type)s has folio "%(folio)s"; a folio must have 1 to %(max)s '
        "characters. Correct the reference's folio."
    ),
    "REF_CAMPOS.date_missing": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s has no date. Enter the referenced "
        "document's date."
    ),
    "REF_CAMPOS.date_range": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s is dated %(date)s, outside the range "
        "the SII accepts (2002-08-01 to 2050-12-31). Correct the date."
    ),
    "REF_CAMPOS.date_after_issue": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s is dated %(date)s, after this "
        "document's date (%(issue_date)s). A document can only reference earlier documents: correct the "
        "dates."
    ),
    "REF_CAMPOS.rut_other_doc": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s carries another taxpayer's RUT, which "
        "is only allowed on document types 46, 56, 61, 110, 111 and 112. Remove it."
    ),
    "REF_CAMPOS.rut_other_issuer": _lt(
        "The reference to document %(ref_doc_type)s folio %(folio)s gives your own company's RUT as another "
        "taxpayer's RUT. Remove it, or enter the other taxpayer's RUT."
    ),
    "REF_CAMPOS.reason_too_long": _lt(
        "The reason of the reference to document %(ref_doc_type)s folio %(folio)s has %(length)s "
        "characters; only the first %(max)s are sent to the SII. Shorten it."
    ),
    "NC_PLAZO.six_months": _lt(
        "This credit note is issued more than 6 months after document %(ref_doc_type)s folio %(folio)s "
        "(%(ref_date)s): returns credited after 6 months do not reduce the VAT debit. If it is a return, "
        "mark it as not reducing VAT (IndNoRebaja = 1)."
    ),
    "NC_PLAZO.period": _lt(
        "This amount correction is issued in %(period)s, more than one tax period after document "
        "%(ref_doc_type)s folio %(folio)s (%(ref_period)s). Credit notes for billing errors belong in the "
        "same or the next tax period: check with your accountant before sending it."
    ),
    # F. Boletas
    "BOLETA_RESTRICCION.currency": _lt(
        "An electronic boleta must be in Chilean pesos (CLP), not %(currency)s. Change the currency."
    ),
    "BOLETA_RESTRICCION.taxes": _lt(
        "An electronic boleta cannot carry ILA or withholding taxes (%(taxes)s). Remove those taxes, or "
        "issue an invoice (33) instead."
    ),
    "BOLETA_RECEPTOR": _lt(
        'The boleta has no customer RUT. For an anonymous customer use the contact "Consumidor Final '
        'Anónimo" (RUT 66.666.666-6, taxpayer type 3).'
    ),
    "BOLETA_TOTALES": _lt(
        "Boleta prices include VAT: for a total of %(total)s (exempt %(exempt)s) the SII expects a net "
        "amount of %(expected_net)s and VAT of %(expected)s, but the document has VAT of %(actual)s. Use "
        "VAT-included prices with the Round Globally method and recompute."
    ),
    # G. Exports
    "EXP_MONEDA.clp": _lt(
        "An export document (%(doc_type)s) must be in the foreign currency of the sale, not Chilean pesos. "
        "Change the currency."
    ),
    "EXP_MONEDA.unknown_name": _lt(
        'The currency %(currency)s has the customs name "%(name)s", which the SII does not accept. Correct '
        "the currency's SII short name."
    ),
    "EXP_MONEDA.other_currency": _lt(
        'The currency %(currency)s has no customs (Aduana) name and will be sent as "OTRAS MONEDAS". '
        "Check with your customs agent, or invoice in a currency Customs lists."
    ),
    "EXP_MONEDA.rate": _lt(
        "There is no exchange rate for %(currency)s on %(date)s, so the amounts in pesos cannot be "
        "computed. Enter the currency rate for that date."
    ),
    "EXP_RECEPTOR.taxpayer_type": _lt(
        "Export documents are for foreign customers (taxpayer type 4), but this customer has taxpayer "
        "type %(taxpayer_type)s. Set taxpayer type 4 (Foreigner) and the customer's country."
    ),
    "EXP_RECEPTOR.city": _lt(
        "The customer's city is empty; it is mandatory on an export invoice (110). Fill in the City field."
    ),
    "EXP_RECEPTOR.customs_code": _lt(
        "The customer's country (%(country)s) has no customs code, so it will be sent as 999 (other). "
        "Enter the customs code on the country."
    ),
    # H. Folios and dates
    "FOLIO_CAF.no_caf": _lt(
        "No CAF in use covers folio %(folio)s of document type %(doc_type)s. Download a new CAF from the SII "
        "and upload it."
    ),
    "FOLIO_CAF.rut_mismatch": _lt(
        "The CAF covering folio %(folio)s was issued for RUT %(caf_rut)s, not for your company "
        "(%(company_rut)s). Upload your company's own CAF."
    ),
    "CAF_VIGENCIA": _lt(
        "The CAF covering folio %(folio)s was authorised on %(caf_date)s, more than 6 months ago, and the "
        "SII may object to documents issued with it. Request a new CAF."
    ),
    "FECHA_EMISION.future": _lt(
        "The invoice date %(date)s is in the future (today is %(today)s in Chile). Set today's date or an "
        "earlier one."
    ),
    "FECHA_EMISION.range": _lt(
        "The invoice date %(date)s is outside the range the SII accepts (2003-04-01 to 2050-12-31). Correct "
        "the date."
    ),
    "FECHA_EMISION.before_caf": _lt(
        "The invoice date %(date)s is earlier than the authorisation of its CAF (%(caf_date)s). Correct the "
        "date."
    ),
    "FECHA_ANTIGUA": _lt(
        "The invoice date %(date)s is %(days)s days ago. Check that it is right: documents are normally "
        "sent to the SII when they are issued."
    ),
    # Checks skipped for lack of data
    "VERIFICACION_OMITIDA": _lt(
        "Some checks were skipped because they need data that only an electronic invoicing (DTE) module "
        "provides (CAF and folios, SII resolution, certificate, ACTECO codes, DTE e-mail): %(checks)s. "
        "Check these points in your DTE software or on the SII website."
    ),
}

UNKNOWN_FINDING = _lt("The check %(code)s found a problem. Review the document before sending it to the SII.")

# Parameters rendered as amounts (grouped digits) and as dates, in the user's language.
AMOUNT_PARAMS = frozenset(
    {
        "actual",
        "amount",
        "base",
        "credited",
        "discount",
        "exempt",
        "expected",
        "expected_net",
        "net",
        "tax",
        "total",
    }
)
DATE_PARAMS = frozenset({"caf_date", "date", "issue_date", "ref_date", "today"})


def message_template(code, params):
    """The lazy message of a finding, or ``None`` for an unknown code."""
    reason = (params or {}).get("reason")
    if reason and f"{code}.{reason}" in DTE_RULE_MESSAGES:
        return DTE_RULE_MESSAGES[f"{code}.{reason}"]
    return DTE_RULE_MESSAGES.get(code)


def display_params(params, format_amount, format_day):
    """Params as text: amounts and dates through the given formatters, lists joined by commas."""
    values = {}
    for key, value in (params or {}).items():
        if isinstance(value, (list, tuple)):
            values[key] = ", ".join(str(v) for v in value)
        elif key in AMOUNT_PARAMS and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[key] = format_amount(value)
        elif key in DATE_PARAMS and isinstance(value, str) and value:
            values[key] = format_day(value)
        else:
            values[key] = "" if value is None else value
    return values


def fill(template_text, values, fallback_text):
    """``template_text % values``; a broken translation falls back to ``fallback_text`` (English)."""
    try:
        return template_text % values
    except (KeyError, TypeError, ValueError):
        _logger.warning("Bad DTE rule message %r for params %r", template_text, sorted(values))
    try:
        return fallback_text % values
    except (KeyError, TypeError, ValueError):
        return fallback_text


def finding_message(env, code, params):
    """The message of a finding (``code`` + ``params``) in the language of ``env``, with its fix."""
    template = message_template(code, params)
    if template is None:
        template, params = UNKNOWN_FINDING, {"code": code}

    def format_amount(value):
        digits = 0 if float(value).is_integer() else 2
        return formatLang(env, value, digits=digits)

    def format_day(value):
        try:
            return format_date(env, value)
        except ValueError:
            return value

    values = display_params(params, format_amount, format_day)
    english = env(context=dict(env.context, lang="en_US"))._(template)
    return fill(env._(template), values, english)
