"""Realistic Chilean documents for the DTE rules tests: correct by default, computed as Odoo would.

Amounts follow Odoo 19 with the l10n_cl chart: CLP without decimals, 19 % VAT (SII code 14), taxes
rounded globally unless ``rounding="per_line"``. Boleta lines carry VAT-included prices.
"""

import copy
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.dte_rules.snapshot import (
    Caf,
    CafInfo,
    Certificate,
    Company,
    Line,
    Origin,
    Partner,
    Reference,
    Resolution,
    Snapshot,
    Tax,
    TaxGroupTotal,
    Totals,
)

TODAY = date(2025, 6, 16)

COMPANY_RUT = "76.086.428-5"
CUSTOMER_RUT = "77.123.456-9"
OTHER_RUT = "96.790.240-3"
PERSON_RUT = "12.345.678-5"
CONSUMER_RUT = "66666666-6"


def iva(price_include=False):
    return Tax(sii_code=14, amount_type="percent", rate=19.0, price_include=price_include, name="19% IVA")


def ila(rate=10.0, code=27):
    return Tax(sii_code=code, amount_type="percent", rate=rate, name=f"{rate:g}% ILA")


def retencion():
    return Tax(sii_code=15, amount_type="percent", rate=-19.0, name="19% WH")


def peso(value):
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def company(**overrides):
    values = dict(
        rut=COMPANY_RUT,
        name="Ferretería Los Andes SpA",
        giro="Venta al por mayor de artículos de ferretería",
        street="Av. Providencia 1234, of. 501",
        city="Providencia",
        tax_rounding="round_globally",
    )
    values.update(overrides)
    return Company(**values)


def company_ee(**overrides):
    """A company whose DTE module provides the EE-only data, all of it correct."""
    values = dict(
        acteco=["467300", "475201"],
        resolution=Resolution(number="80", date=date(2014, 8, 22)),
        certificate=Certificate(found=True, valid_until=date(2026, 3, 31)),
        caf=CafInfo(
            next_folio=1523,
            cafs=[Caf(folio_from=1001, folio_to=2000, rut="76086428-5", authorised_on=date(2025, 3, 3))],
        ),
        dte_email="dte@ferreterialosandes.cl",
    )
    values.update(overrides)
    return company(**values)


def customer(**overrides):
    values = dict(
        name="Constructora Cordillera Ltda.",
        rut=CUSTOMER_RUT,
        country_code="CL",
        taxpayer_type="1",
        giro="Construcción de edificios completos",
        street="Los Carrera 567",
        city="Concepción",
    )
    values.update(overrides)
    return Partner(**values)


def consumer(**overrides):
    values = dict(name="Consumidor Final Anónimo", rut=CONSUMER_RUT, country_code="CL", taxpayer_type="3")
    values.update(overrides)
    return Partner(**values)


def person(**overrides):
    values = dict(
        name="María José Fuentes Rojas",
        rut=PERSON_RUT,
        country_code="CL",
        taxpayer_type="3",
        street="Pasaje Los Aromos 12",
        city="Ñuñoa",
        is_natural_person=True,
    )
    values.update(overrides)
    return Partner(**values)


def foreigner(**overrides):
    values = dict(
        name="Andes Hardware Import LLC",
        rut="",
        country_code="US",
        taxpayer_type="4",
        street="1200 Brickell Ave",
        city="Miami",
        customs_code="225",
    )
    values.update(overrides)
    return Partner(**values)


def line(name, quantity, price_unit, taxes=None, discount=0.0, description=""):
    """A line as Odoo computes it; a VAT-included price when ``taxes`` says ``price_include``."""
    taxes = [iva()] if taxes is None else taxes
    gross = price_unit * quantity * (1 - discount / 100)
    included = sum(t.rate for t in taxes if t.price_include and t.amount_type == "percent")
    excluded = sum(t.rate for t in taxes if not t.price_include and t.amount_type == "percent")
    base = gross / (1 + included / 100)
    subtotal = peso(base)
    total = peso(gross) if included else peso(base * (1 + excluded / 100))
    return Line(
        name=name,
        description=description,
        quantity=quantity,
        price_unit=price_unit,
        discount=discount,
        subtotal=subtotal,
        total=total,
        taxes=taxes,
    )


def discount_line(name, amount, taxes=None):
    """A global discount: a negative line."""
    return line(name, 1, -amount, taxes=taxes)


def totals_for(lines, rounding="globally"):
    """Totals as Odoo computes them, per tax group (VAT, ILA, withholdings)."""
    groups = {}
    for ln in lines:
        for tax in ln.taxes:
            base = ln.subtotal
            key = (tax.sii_code, tax.name)
            group = groups.setdefault(key, {"base": 0.0, "raw": Decimal(0), "per_line": 0.0})
            tax_amount = (
                Decimal(repr(base)) * Decimal(repr(tax.rate)) / 100
            )  # Odoo's float_round is exact here
            group["base"] += base
            group["raw"] += tax_amount
            group["per_line"] += peso(tax_amount)
    tax_groups = []
    for (code, name), group in groups.items():
        amount = peso(group["raw"]) if rounding == "globally" else group["per_line"]
        tax_groups.append(TaxGroupTotal(name=name, sii_code=code, base=group["base"], amount=amount))
    untaxed = sum(ln.subtotal for ln in lines)
    tax = sum(g.amount for g in tax_groups)
    return Totals(amount_untaxed=untaxed, amount_tax=tax, amount_total=untaxed + tax, tax_groups=tax_groups)


def boleta_totals(lines, rounding="globally"):
    """A boleta with VAT-included prices: Odoo keeps the gross total. Globally: net and VAT from the
    total (as the SII does); per line: the VAT of each line, summed."""
    total = sum(ln.total for ln in lines)
    exempt = sum(ln.total for ln in lines if not any(t.sii_code == 14 for t in ln.taxes))
    if rounding == "globally":
        net = peso((total - exempt) / 1.19)
    else:
        net = sum(peso(ln.total / 1.19) for ln in lines if any(t.sii_code == 14 for t in ln.taxes))
    vat = total - exempt - net
    groups = [TaxGroupTotal(name="19% IVA", sii_code=14, base=net, amount=vat)] if vat or net else []
    return Totals(amount_untaxed=net + exempt, amount_tax=vat, amount_total=total, tax_groups=groups)


def document(doc_type="33", lines=None, partner=None, rounding="globally", **overrides):
    """A correct document of ``doc_type`` (CE data only unless ``company=company_ee()``)."""
    if lines is None:
        lines = default_lines(doc_type)
    if partner is None:
        partner = default_partner(doc_type)
    totals = boleta_totals(lines, rounding) if doc_type == "39" else totals_for(lines, rounding)
    values = dict(
        today=TODAY,
        document_type=doc_type,
        move_type="out_refund" if doc_type in ("61", "112") else "out_invoice",
        issue_date=TODAY,
        company=company(),
        partner=partner,
        lines=lines,
        totals=totals,
    )
    if doc_type in ("110", "111", "112"):
        values.update(currency="USD", currency_sii_name="DOLAR USA", exchange_rate=943.21)
    if doc_type in ("56", "61", "111", "112"):
        values["origin"] = default_origin(doc_type, totals)
    values.update(overrides)
    return Snapshot(**values)


def default_partner(doc_type):
    if doc_type in ("39", "41"):
        return consumer()
    if doc_type in ("110", "111", "112"):
        return foreigner()
    return customer()


def default_lines(doc_type):
    if doc_type == "39":
        return [
            line("Martillo carpintero 16 oz", 2, 8990, taxes=[iva(price_include=True)]),
            line("Caja tornillos 100 u.", 1, 3490, taxes=[iva(price_include=True)]),
        ]
    if doc_type in ("34", "41"):
        return [line("Curso de soldadura al arco (exento)", 1, 180000, taxes=[])]
    if doc_type in ("110", "111", "112"):
        return [line("Anchor bolts M16 (box of 50)", 40, 125.5, taxes=[])]
    return [
        line("Taladro percutor 850 W", 3, 54990),
        line("Disco de corte metal 115 mm", 25, 1290),
        line("Servicio de despacho", 1, 15000),
    ]


def default_origin(doc_type, totals):
    origin_type = "110" if doc_type in ("111", "112") else "33"
    return Origin(
        doc_type=origin_type,
        folio="1498",
        date=date(2025, 6, 2),
        amount_total=totals.amount_total,
        codref=1 if doc_type in ("61", "112") else 3,
        credited_total=0.0,
        debit=doc_type in ("56", "111"),
    )


def reference(doc_type="33", folio="1498", ref_date=date(2025, 6, 2), codref=3, reason="Corrige montos"):
    return Reference(doc_type=doc_type, folio=folio, date=ref_date, codref=codref, reason=reason)


def modified(snapshot, **changes):
    """A deep copy of ``snapshot`` with ``changes`` applied; ``partner__giro=""`` reaches nested fields."""
    copy_ = copy.deepcopy(snapshot)
    for key, value in changes.items():
        target = copy_
        *path, attr = key.split("__")
        for part in path:
            target = getattr(target, part)
        setattr(target, attr, value)
    return copy_


def codes(findings):
    return [f.code for f in findings]


def only(findings, code):
    """The findings of ``code``."""
    return [f for f in findings if f.code == code]
