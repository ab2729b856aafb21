"""C. Lines: LINEAS_MAX, LINEA_DATOS, DSCRCG."""

from . import type_codes as dt
from .dte_totals import additional_taxes, is_exempt
from .finding import ERROR, WARNING
from .money import plain

MAX_LINES = 60  # FMT §2.1 p.8; XSD Detalle maxOccurs 60
MAX_LINES_BOLETA = 1000  # boletas 39/41: XSD EnvioBOLETA Detalle maxOccurs 1000
NAME_MAX = 80  # B#10 NmbItem, truncated beyond
DESCRIPTION_MAX = 1000  # B#11 DscItem, truncated beyond
ADDITIONAL_TAXES_MAX = 2  # CodImpAdic per Detalle
DISCOUNTS_MAX = 20  # DscRcgGlobal maxOccurs


def check(snap, amounts, out):
    code = snap.document_type
    limit = MAX_LINES_BOLETA if code in dt.BOLETAS else MAX_LINES
    if len(amounts.items) > limit:
        out.add("LINEAS_MAX", ERROR, "lines", count=len(amounts.items), max=limit, doc_type=code or "")
    _linea_datos(amounts, out)
    _dscrcg(amounts, out)


def _linea_datos(amounts, out):
    if not amounts.items:
        out.add("LINEA_DATOS", ERROR, "lines", reason="no_lines")
        return
    for n, line in amounts.items:
        name = (line.name or "").strip()
        if not name:
            out.add("LINEA_DATOS", ERROR, "lines", reason="name_missing", line=n)
        elif len(name) > NAME_MAX:
            out.add(
                "LINEA_DATOS",
                WARNING,
                "lines",
                reason="name_too_long",
                line=n,
                length=len(name),
                max=NAME_MAX,
            )
        if line.quantity <= 0:
            out.add("LINEA_DATOS", ERROR, "lines", reason="quantity", line=n, quantity=line.quantity)
        extra = additional_taxes(line)
        if len(extra) > ADDITIONAL_TAXES_MAX:
            out.add(
                "LINEA_DATOS",
                ERROR,
                "lines",
                reason="additional_taxes",
                line=n,
                count=len(extra),
                max=ADDITIONAL_TAXES_MAX,
            )
        if len(line.description or "") > DESCRIPTION_MAX:
            out.add(
                "LINEA_DATOS",
                WARNING,
                "lines",
                reason="description_too_long",
                line=n,
                length=len(line.description),
                max=DESCRIPTION_MAX,
            )


def _dscrcg(amounts, out):
    if not amounts.discounts:
        return
    if len(amounts.discounts) > DISCOUNTS_MAX:
        out.add("DSCRCG", ERROR, "lines", reason="too_many", count=len(amounts.discounts), max=DISCOUNTS_MAX)
    half = 0.5 * 10**-amounts.decimals
    # Surcharges are not modelled (CE has none): the base is the items of the same kind.
    if amounts.taxed_discounts > half and amounts.taxed_discounts >= amounts.taxed_items - half:
        out.add(
            "DSCRCG",
            ERROR,
            "lines",
            reason="exceeds_taxed",
            discount=plain(amounts.taxed_discounts, amounts.decimals),
            base=plain(amounts.taxed_items, amounts.decimals),
        )
    if amounts.exempt_discounts > half and amounts.exempt_discounts >= amounts.exempt_items - half:
        out.add(
            "DSCRCG",
            ERROR,
            "lines",
            reason="exceeds_exempt",
            discount=plain(amounts.exempt_discounts, amounts.decimals),
            base=plain(amounts.exempt_items, amounts.decimals),
        )
    # A DscRcgGlobal applies to every item of its kind (taxed or exempt). When those items carry different
    # additional taxes, the SII wants the discount as a percentage; the enterprise DTE sends an amount.
    for _n, discount in amounts.discounts:
        exempt = is_exempt(discount)
        tax_sets = {
            tuple(sorted(tax.sii_code for tax in additional_taxes(line)))
            for _m, line in amounts.items
            if is_exempt(line) == exempt
        }
        if len(tax_sets) > 1:
            names = sorted(
                {
                    tax.name or str(tax.sii_code)
                    for _m, line in amounts.items
                    for tax in additional_taxes(line)
                }
            )
            out.add("DSCRCG", WARNING, "lines", reason="mixed_taxes", taxes=", ".join(names))
            return
