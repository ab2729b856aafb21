"""D. Amounts and VAT: IVA_TASA, IVA_MONTO, TOTALES, REDONDEO_GLOBAL, EXENTO_EN_33, AFECTO_EN_EXENTO.

The SII accepts a DTE whose VAT or totals are miscomputed; afterwards only a credit or debit note fixes
it. IVA_MONTO and TOTALES recompute the Totales from the lines (``dte_totals``) and compare them with
what Odoo stored. On boletas (39/41) the lines are gross: MntTotal is the sum of the gross lines and
the net/VAT split is BOLETA_TOTALES' job (``boletas.py``), so IVA_MONTO does not apply there.
"""

from . import type_codes as dt
from .dte_totals import VAT_CODE, VAT_RATE, is_exempt
from .finding import ERROR, WARNING
from .money import is_whole, percent_of, plain, round_half_up, same_amount

IVA_MONTO_DOCS = frozenset({"33", "43", "46", "56", "61"})


def check(snap, amounts, out):
    code = snap.document_type
    if code in dt.TAXED:
        _iva_tasa(snap, out)
    if code in IVA_MONTO_DOCS:
        _iva_monto(amounts, out)
    _totales(snap, amounts, out)
    if snap.company.tax_rounding != "round_globally":
        out.add("REDONDEO_GLOBAL", WARNING, "company.tax_rounding")
    if code == dt.FACTURA and amounts.items and all(is_exempt(line) for _n, line in amounts.items):
        out.add("EXENTO_EN_33", ERROR, "document_type")
    if code in dt.EXEMPT:
        totals = snap.totals
        if not same_amount(totals.amount_untaxed, totals.amount_total, amounts.decimals):
            out.add(
                "AFECTO_EN_EXENTO",
                ERROR,
                "lines",
                doc_type=code,
                tax=plain(totals.amount_total - totals.amount_untaxed, amounts.decimals),
            )


def _iva_tasa(snap, out):
    seen = set()
    for n, line in enumerate(snap.lines, start=1):
        for tax in line.taxes:
            key = (tax.name, tax.sii_code, tax.rate, tax.amount_type)
            if key in seen:
                continue
            seen.add(key)
            if not tax.sii_code:
                # A tax without SII code cannot be reported (and l10n_cl counts its line neither as taxed
                # nor as exempt): "0% exempt" taxes are the usual case.
                out.add("IVA_TASA", ERROR, "lines", reason="no_code", tax=tax.name, line=n)
            elif tax.sii_code == VAT_CODE and (tax.amount_type != "percent" or tax.rate != VAT_RATE):
                out.add("IVA_TASA", ERROR, "lines", reason="rate", tax=tax.name, line=n, rate=tax.rate)


def _iva_monto(amounts, out):
    if amounts.iva is None:  # no tax groups and additional taxes: the VAT cannot be told apart
        return
    expected = percent_of(amounts.mnt_neto, amounts.vat_rate, amounts.decimals)
    if not same_amount(amounts.iva, expected, amounts.decimals):
        out.add(
            "IVA_MONTO",
            ERROR,
            "totals.amount_tax",
            actual=plain(amounts.iva, amounts.decimals),
            expected=plain(expected, amounts.decimals),
            net=plain(amounts.mnt_neto, amounts.decimals),
            rate=plain(amounts.vat_rate, 2),
        )


def _totales(snap, amounts, out):
    """At most one TOTALES finding: the first inconsistency is the cause of the next ones."""
    totals = snap.totals
    dec = amounts.decimals
    if snap.currency == "CLP" and snap.document_type not in dt.EXPORTS:
        for value in (
            totals.amount_untaxed,
            totals.amount_tax,
            totals.amount_total,
            *(line.subtotal for line in snap.lines),
        ):
            if not is_whole(value):
                out.add("TOTALES", ERROR, "totals.amount_total", reason="decimals", amount=round(value, 6))
                return
    if snap.document_type in dt.BOLETAS:
        expected = round_half_up(amounts.gross_items - amounts.gross_discounts, dec)
        if not same_amount(totals.amount_total, expected, dec):
            out.add(
                "TOTALES",
                ERROR,
                "totals.amount_total",
                reason="boleta_total",
                actual=plain(totals.amount_total, dec),
                expected=plain(expected, dec),
            )
            return
    else:
        expected = amounts.mnt_neto + amounts.mnt_exe
        if not same_amount(totals.amount_untaxed, expected, dec):
            out.add(
                "TOTALES",
                ERROR,
                "totals.amount_untaxed",
                reason="net",
                actual=plain(totals.amount_untaxed, dec),
                expected=plain(expected, dec),
                net=plain(amounts.mnt_neto, dec),
                exempt=plain(amounts.mnt_exe, dec),
            )
            return
    if amounts.tax_groups_total is not None and not same_amount(
        totals.amount_tax, amounts.tax_groups_total, dec
    ):
        out.add(
            "TOTALES",
            ERROR,
            "totals.amount_tax",
            reason="tax",
            actual=plain(totals.amount_tax, dec),
            expected=plain(amounts.tax_groups_total, dec),
        )
        return
    # MntTotal = MntNeto + MntExe + IVA + additional taxes - withholdings (withholdings are negative groups).
    expected = totals.amount_untaxed + totals.amount_tax
    if not same_amount(totals.amount_total, expected, dec):
        out.add(
            "TOTALES",
            ERROR,
            "totals.amount_total",
            reason="total",
            actual=plain(totals.amount_total, dec),
            expected=plain(expected, dec),
        )
