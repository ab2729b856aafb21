"""The Totales of a DTE computed from its lines, as the SII checks them, next to what Odoo reports.

Lines with a negative subtotal are global discounts (DscRcgGlobal); a line is taxed when it carries a
VAT tax (SII code 14) and exempt otherwise, as ``l10n_cl``'s ``_l10n_cl_get_amounts`` does.
"""

from dataclasses import dataclass

from .money import round_half_up

VAT_CODE = 14
VAT_RATE = 19.0
ILA_CODES = frozenset({24, 25, 26, 27, 271})
WITHHOLDING_CODES = frozenset({15, 17, 18, 19})


def is_vat(tax):
    return tax.sii_code == VAT_CODE


def is_withholding(tax):
    return tax.sii_code in WITHHOLDING_CODES or (tax.rate or 0) < 0


def additional_taxes(line):
    """Taxes sent as CodImpAdic: every SII-coded tax that is not VAT (ILA, specific taxes, withholdings)."""
    return [tax for tax in line.taxes if tax.sii_code and tax.sii_code != VAT_CODE]


def is_exempt(line):
    if line.is_exempt is not None:
        return line.is_exempt
    return not any(tax.sii_code == VAT_CODE for tax in line.taxes)


@dataclass
class DteAmounts:
    """Net figures are line subtotals; gross figures are line totals (what boletas carry)."""

    decimals: int
    items: list  # Detalle lines (subtotal >= 0), with their 1-based position: [(n, line)]
    discounts: list  # global discount lines (subtotal < 0): [(n, line)]
    taxed_items: float
    exempt_items: float
    taxed_discounts: float  # positive
    exempt_discounts: float  # positive
    gross_items: float
    gross_discounts: float  # positive
    exempt_gross: float  # exempt items minus exempt discounts, gross (= net: no VAT)
    mnt_neto: float  # MntNeto: taxed items - taxed discounts, rounded
    mnt_exe: float  # MntExe, rounded
    vat_rate: float  # TasaIVA of the lines' VAT tax (19 when none)
    iva: float | None  # VAT Odoo computed (tax groups with SII code 14); None when it cannot be told apart
    tax_groups_total: float | None  # sum of every tax group; None when the snapshot has no tax groups


def compute(snap):
    decimals = snap.decimals
    items, discounts = [], []
    taxed_items = exempt_items = taxed_discounts = exempt_discounts = 0.0
    gross_items = gross_discounts = 0.0
    vat_rate = None
    for n, line in enumerate(snap.lines, start=1):
        exempt = is_exempt(line)
        if vat_rate is None:
            vat_rate = next((tax.rate for tax in line.taxes if tax.sii_code == VAT_CODE), None)
        if line.subtotal >= 0:
            items.append((n, line))
            gross_items += line.total
            if exempt:
                exempt_items += line.subtotal
            else:
                taxed_items += line.subtotal
        else:
            discounts.append((n, line))
            gross_discounts -= line.total
            if exempt:
                exempt_discounts -= line.subtotal
            else:
                taxed_discounts -= line.subtotal
    totals = snap.totals
    if totals.tax_groups:
        iva = sum(group.amount for group in totals.tax_groups if group.sii_code == VAT_CODE)
        tax_groups_total = sum(group.amount for group in totals.tax_groups)
    else:
        tax_groups_total = None
        only_vat = not any(additional_taxes(line) for line in snap.lines)
        iva = totals.amount_tax if only_vat else None
    return DteAmounts(
        decimals=decimals,
        items=items,
        discounts=discounts,
        taxed_items=taxed_items,
        exempt_items=exempt_items,
        taxed_discounts=taxed_discounts,
        exempt_discounts=exempt_discounts,
        gross_items=gross_items,
        gross_discounts=gross_discounts,
        exempt_gross=exempt_items - exempt_discounts,
        mnt_neto=round_half_up(taxed_items - taxed_discounts, decimals),
        mnt_exe=round_half_up(exempt_items - exempt_discounts, decimals),
        vat_rate=VAT_RATE if vat_rate is None else vat_rate,
        iva=iva,
        tax_groups_total=tax_groups_total,
    )
