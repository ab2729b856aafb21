"""G. Exports (110-112): EXP_MONEDA, EXP_RECEPTOR."""

from . import type_codes as dt
from .finding import ERROR, WARNING
from .parties import is_foreign

# Customs (Aduana) currency names accepted by the SII (SiiTypes_v10.xsd TipMonType).
TIPMON = frozenset(
    {
        "BOLIVAR",
        "BOLIVIANO",
        "CHELIN",
        "CORONA DIN",
        "CORONA NOR",
        "CORONA SC",
        "CRUZEIRO REAL",
        "DIRHAM",
        "DOLAR AUST",
        "DOLAR CAN",
        "DOLAR HK",
        "DOLAR NZ",
        "DOLAR SIN",
        "DOLAR TAI",
        "DOLAR USA",
        "DRACMA",
        "ESCUDO",
        "EURO",
        "FLORIN",
        "FRANCO BEL",
        "FRANCO FR",
        "FRANCO SZ",
        "GUARANI",
        "LIBRA EST",
        "LIRA",
        "MARCO AL",
        "MARCO FIN",
        "NUEVO SOL",
        "OTRAS MONEDAS",
        "PESETA",
        "PESO",
        "PESO CL",
        "PESO COL",
        "PESO MEX",
        "PESO URUG",
        "RAND",
        "RENMINBI",
        "RUPIA",
        "SUCRE",
        "YEN",
    }
)
# ISO code -> customs name, as l10n_cl ships it (data/res.currency.csv, l10n_cl_short_name): used when
# the snapshot does not carry the currency's own SII name.
ADUANA_NAMES = {
    "AED": "DIRHAM",
    "ARS": "PESO",
    "AUD": "DOLAR AUST",
    "BOB": "BOLIVIANO",
    "BRL": "CRUZEIRO REAL",
    "CAD": "DOLAR CAN",
    "CHF": "FRANCO SZ",
    "CLP": "PESO CL",
    "CNY": "RENMINBI",
    "COP": "PESO COL",
    "EUR": "EURO",
    "GBP": "LIBRA EST",
    "HKD": "DOLAR HK",
    "INR": "RUPIA",
    "JPY": "YEN",
    "MXN": "PESO MEX",
    "NOK": "CORONA NOR",
    "NZD": "DOLAR NZ",
    "PEN": "NUEVO SOL",
    "PYG": "GUARANI",
    "SEK": "CORONA SC",
    "SGD": "DOLAR SIN",
    "TWD": "DOLAR TAI",
    "USD": "DOLAR USA",
    "UYU": "PESO URUG",
    "VEF": "BOLIVAR",
    "ZAR": "RAND",
}


def check(snap, amounts, out):
    code = snap.document_type
    if code not in dt.EXPORTS:
        return
    _exp_moneda(snap, code, out)
    _exp_receptor(snap, code, out)


def _exp_moneda(snap, code, out):
    currency = snap.currency
    if currency == "CLP":
        out.add("EXP_MONEDA", ERROR, "currency", reason="clp", doc_type=code)
        return
    name = snap.currency_sii_name or ADUANA_NAMES.get(currency)
    if not name:
        out.add("EXP_MONEDA", WARNING, "currency", reason="other_currency", currency=currency)
    elif name not in TIPMON:
        out.add("EXP_MONEDA", ERROR, "currency", reason="unknown_name", currency=currency, name=name)
    # OtraMoneda (TpoCambio, MntExeOtrMnda, MntTotOtrMnda) is mandatory. Odoo falls back to a rate of
    # exactly 1.0 when the currency has no rate: no real currency is worth exactly one peso.
    rate = snap.exchange_rate
    if rate is None or rate <= 0 or rate == 1.0:
        issue = snap.issue_date or snap.today
        out.add("EXP_MONEDA", ERROR, "currency", reason="rate", currency=currency, date=issue.isoformat())


def _exp_receptor(snap, code, out):
    partner = snap.partner
    # For a foreign partner a wrong taxpayer type is DOC_EXTRANJERO's finding (reported once).
    if partner.taxpayer_type != "4" and not is_foreign(partner):
        out.add(
            "EXP_RECEPTOR",
            ERROR,
            "partner.taxpayer_type",
            reason="taxpayer_type",
            taxpayer_type=partner.taxpayer_type or "",
        )
    if code == dt.FACTURA_EXPORTACION and not (partner.city or "").strip():
        out.add("EXP_RECEPTOR", ERROR, "partner.city", reason="city")
    if not partner.customs_code:
        out.add(
            "EXP_RECEPTOR",
            WARNING,
            "partner.customs_code",
            reason="customs_code",
            country=partner.country_code or "",
        )
