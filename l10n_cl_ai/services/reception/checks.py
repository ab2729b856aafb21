"""The buyer's deterministic checks on a received DTE: pure functions over the document and a context.

    findings = check(doc, Context(company_rut="76086428-5", today=date(2025, 6, 16)))

Findings are ``services.dte_rules.Finding`` (same shape, severities and ``code.reason`` message keys as
the pre-send rules, so the Odoo layer shows them with the same validation record and badge); the English
messages are in :mod:`.messages`. Codes and their sources:

* ``REC_RECEPTOR`` (error): ``RUTRecep`` is not the company's RUT. FMT A#50 (RUTRecep); a document
  addressed to another taxpayer gives the company no VAT credit (DL 825 art. 23 N°1: the credit is the VAT
  "recargado en las facturas ... recibidas").
* ``REC_EMISOR`` (error): the issuer's RUT fails its mod-11 check digit (FMT A#32, SiiTypes RUTType), or
  differs from the bill's partner.
* ``REC_TIPO`` (error): not a type the buyer records as a vendor bill. Receivable: 33, 34, 43, 56, 61.
  39/41 boletas give no VAT credit (DL 825 art. 23 N°1 requires a factura); a 52 guía de despacho is a
  transport document, not a bill (FMT type table); a 46 factura de compra is issued by the buyer itself
  (FMT type table; Res. Ex. SII 45/2003); 110-112 are export documents to foreign buyers.
* ``REC_FOLIO_DUPLICADO`` (error): the same issuer, type and folio is already a bill of the company. A
  folio is used once per issuer and type (FMT A#2; CAF ranges).
* ``REC_TOTALES`` (error): ``MntNeto + MntExe + IVA + additional taxes - retentions != MntTotal``
  (FMT A#124), a line's ``MontoItem != round(QtyItem x PrcItem) - DescuentoMonto + RecargoMonto``
  (FMT B#34), or the lines after global discounts (FMT §D) do not sum to ``MntNeto`` / ``MntExe``
  (FMT A#107, A#108). Exact to the peso: no tolerance (no rule states one).
* ``REC_IVA`` (error): ``TasaIVA != 19`` (DL 825 art. 14), or ``IVA != round(MntNeto x TasaIVA / 100)``
  (FMT A#111-112; half-up rounding as LibreDTE, unconfirmed by an SII text).
* ``REC_FECHA``: error when ``FchEmis`` is after today (America/Santiago); warning when the VAT credit's
  period is over: the credit is used in the document's month or, if received late, in the two following
  periods (DL 825 art. 24; SII FAQ 001.130.0628), so ``vat_credit_months`` defaults to 2.
* ``REC_TED`` (error): the seal, see :mod:`.ted`; info ``REC_TED.caf_not_checked`` when no SII key was
  given to verify the CAF's signature.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..dte_rules.dates import month_index
from ..dte_rules.finding import ERROR, INFO, WARNING, Finding
from ..dte_rules.money import round_half_up
from ..rut import sii_rut
from . import ted as ted_module

RECEIVABLE = frozenset({"33", "34", "43", "56", "61"})
_REFUSED = {"39": "boleta", "41": "boleta", "52": "guia", "46": "self_issued"}
_EXPORTS = frozenset({"110", "111", "112"})
# Types refused as vendor bills that a user may still type by hand on one (a boleta, a guía, an export
# document): the checks say why. 46 is the buyer's own document (checked as one it sends).
REFUSED_AS_BILL = frozenset({"39", "41", "52"}) | _EXPORTS
# Documents whose items are all exempt even without IndExe (factura exenta).
EXEMPT_DOCUMENTS = frozenset({"34", "41", "110", "111", "112"})
VAT_RATE = Decimal(19)
VAT_CREDIT_MONTHS = 2


@dataclass(frozen=True)
class Context:
    """What the checks need to know besides the document.

    ``company_rut``: the buyer company's RUT; ``today``: the date in America/Santiago (the caller reads the
    clock); ``partner_rut``: the vendor bill's partner RUT, or ``None`` before a partner is set;
    ``existing``: :func:`folio_key` of the company's bills (not cancelled), excluding the bill being
    checked; ``vat_credit_months``: periods after the issue month in which the VAT credit may still be
    used; ``sii_keys``: ``{IDK: SII public key}`` for the CAF signature (see :func:`.ted.verify`).
    """

    company_rut: str
    today: date
    partner_rut: str | None = None
    existing: frozenset = frozenset()
    vat_credit_months: int = VAT_CREDIT_MONTHS
    sii_keys: dict | None = field(default=None, hash=False)


def folio_key(issuer_rut, doc_type, folio):
    """(issuer RUT in SII form, type, folio): how ``Context.existing`` names a document, whatever the RUT's
    formatting (``96.790.240-3`` and ``96790240-3`` are the same issuer)."""
    rut = sii_rut(issuer_rut) or (issuer_rut or "").strip().upper()
    return (rut, str(doc_type), int(folio))


def plain(value):
    """A Decimal as a JSON-safe message parameter: an int for whole amounts, else a float."""
    if value is None:
        return 0
    return int(value) if value == value.to_integral_value() else float(value)


def check(doc, ctx):
    """Every finding on ``doc`` (a :class:`~.document.ReceivedDte`), in the order of the codes above."""
    out = []
    receptor(doc, ctx, out)
    emisor(doc, ctx, out)
    tipo(doc, out)
    folio_duplicado(doc, ctx, out)
    totales(doc, out)
    iva(doc, out)
    fecha(doc, ctx, out)
    ted_findings(doc, ctx, out)
    return out


def receptor(doc, ctx, out):
    receiver, company = sii_rut(doc.receiver_rut), sii_rut(ctx.company_rut)
    if receiver is None or receiver != company:
        out.append(
            Finding(
                "REC_RECEPTOR",
                ERROR,
                "receiver_rut",
                {"receiver_rut": doc.receiver_rut, "company_rut": company or ctx.company_rut or ""},
            )
        )


def emisor(doc, ctx, out):
    issuer = sii_rut(doc.issuer_rut)
    if issuer is None:
        out.append(Finding("REC_EMISOR", ERROR, "issuer_rut", {"reason": "invalid", "rut": doc.issuer_rut}))
    elif ctx.partner_rut and sii_rut(ctx.partner_rut) != issuer:
        out.append(
            Finding(
                "REC_EMISOR",
                ERROR,
                "issuer_rut",
                {"reason": "partner_mismatch", "rut": issuer, "partner_rut": ctx.partner_rut},
            )
        )


def tipo(doc, out):
    if doc.doc_type in RECEIVABLE:
        return
    reason = _REFUSED.get(doc.doc_type) or ("export" if doc.doc_type in _EXPORTS else "other")
    out.append(Finding("REC_TIPO", ERROR, "doc_type", {"reason": reason, "doc_type": doc.doc_type}))


def folio_duplicado(doc, ctx, out):
    if folio_key(doc.issuer_rut, doc.doc_type, doc.folio) in ctx.existing:
        out.append(
            Finding(
                "REC_FOLIO_DUPLICADO",
                ERROR,
                "folio",
                {
                    "rut": sii_rut(doc.issuer_rut) or doc.issuer_rut,
                    "doc_type": doc.doc_type,
                    "folio": doc.folio,
                },
            )
        )


def _line_sums(doc):
    """(taxed, exempt) sums of MontoItem, then after the global discounts and surcharges (FMT §D; IndExeDR
    1 = exempt items, 2 = non-billable ones). They apply in their order, a percentage on the amount left
    by the previous ones, rounded half-up to the peso: LibreDTE ``lib/Sii/Dte.php``
    ``normalizar_aplicar_descuentos_recargos`` (the SII's text does not say more)."""
    all_exempt = doc.doc_type in EXEMPT_DOCUMENTS
    taxed = exempt = Decimal(0)
    for line in doc.lines:
        if line.exempt or (all_exempt and line.taxed):
            exempt += line.amount
        elif line.taxed:
            taxed += line.amount
    sums = {"taxed": taxed, "exempt": exempt}
    for discount in doc.global_discounts:
        if discount.ind_exe == 2:
            continue
        target = "exempt" if discount.ind_exe == 1 or all_exempt else "taxed"
        if discount.value_type == "%":
            amount = Decimal(round_half_up(sums[target] * discount.value / 100))
        else:
            amount = discount.value
        sums[target] += -amount if discount.kind == "D" else amount
    return sums["taxed"], sums["exempt"]


def totales(doc, out):
    t = doc.totals
    net, exempt, vat = t.net or 0, t.exempt or 0, t.vat or 0
    expected = net + exempt + vat + t.additional_taxes - t.retained
    if expected != t.total:
        out.append(
            Finding(
                "REC_TOTALES",
                ERROR,
                "totals.total",
                {"reason": "total", "expected": plain(expected), "total": plain(t.total)},
            )
        )
    for line in doc.lines:
        if line.quantity is None or line.unit_price is None:
            continue
        computed = (
            round_half_up(line.quantity * line.unit_price) - line.discount_amount + line.surcharge_amount
        )
        if computed != line.amount:
            out.append(
                Finding(
                    "REC_TOTALES",
                    ERROR,
                    "lines",
                    {
                        "reason": "line",
                        "line": line.number,
                        "expected": plain(Decimal(computed)),
                        "amount": plain(line.amount),
                    },
                )
            )
    taxed, exempt_lines = _line_sums(doc)
    if taxed != net:
        out.append(
            Finding(
                "REC_TOTALES",
                ERROR,
                "totals.net",
                {"reason": "net", "lines": plain(taxed), "net": plain(Decimal(net))},
            )
        )
    if exempt_lines != exempt:
        out.append(
            Finding(
                "REC_TOTALES",
                ERROR,
                "totals.exempt",
                {"reason": "exempt", "lines": plain(exempt_lines), "exempt": plain(Decimal(exempt))},
            )
        )


def iva(doc, out):
    t = doc.totals
    if not t.net and not t.vat:
        return
    rate = t.vat_rate
    if rate != VAT_RATE:
        out.append(Finding("REC_IVA", ERROR, "totals.vat_rate", {"reason": "rate", "rate": plain(rate)}))
    expected = round_half_up((t.net or 0) * (rate if rate is not None else VAT_RATE) / 100)
    if expected != (t.vat or 0):
        out.append(
            Finding(
                "REC_IVA",
                ERROR,
                "totals.vat",
                {"reason": "amount", "expected": expected, "vat": plain(t.vat), "net": plain(t.net)},
            )
        )


def fecha(doc, ctx, out):
    issued = doc.issue_date
    if issued > ctx.today:
        out.append(
            Finding(
                "REC_FECHA",
                ERROR,
                "issue_date",
                {"reason": "future", "date": issued.isoformat(), "today": ctx.today.isoformat()},
            )
        )
    elif (doc.totals.vat or 0) > 0 and month_index(ctx.today) - month_index(issued) > ctx.vat_credit_months:
        last = month_index(issued) + ctx.vat_credit_months
        out.append(
            Finding(
                "REC_FECHA",
                WARNING,
                "issue_date",
                {
                    "reason": "vat_credit",
                    "date": issued.isoformat(),
                    "months": ctx.vat_credit_months,
                    "last_period": f"{last // 12:04d}-{last % 12 + 1:02d}",
                },
            )
        )


def ted_findings(doc, ctx, out, result=None):
    """REC_TED from :func:`.ted.verify` (or a ``result`` the caller already computed)."""
    result = result or ted_module.verify(doc, ctx.sii_keys)
    for problem in result.problems:
        out.append(Finding("REC_TED", ERROR, "ted", {"reason": problem.reason, **problem.params}))
    if doc.ted is not None and doc.ted.caf is not None and result.caf_signature == ted_module.NOT_CHECKED:
        out.append(Finding("REC_TED", INFO, "ted", {"reason": "caf_not_checked", "key_id": result.key_id}))
