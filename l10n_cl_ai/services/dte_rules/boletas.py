"""F. Boletas: BOLETA_RESTRICCION, BOLETA_RECEPTOR, BOLETA_TOTALES."""

from . import type_codes as dt
from .dte_totals import ILA_CODES, is_withholding
from .finding import ERROR, INFO
from .money import net_of_gross, plain, round_half_up, same_amount


def check(snap, amounts, out):
    code = snap.document_type
    if code not in dt.BOLETAS:
        return
    if not snap.partner.rut:
        # l10n_cl ships this partner ("Consumidor Final Anónimo", 66666666-6, taxpayer type 3). The RUT
        # comes from implementations (LibreDTE, l10n_cl_fe); the SII boleta spec was not read.
        out.add("BOLETA_RECEPTOR", INFO, "partner.rut")
    if code != dt.BOLETA:
        return
    clp = snap.currency == "CLP"
    if not clp:
        out.add("BOLETA_RESTRICCION", ERROR, "currency", reason="currency", currency=snap.currency)
    forbidden = sorted(
        {
            tax.name or str(tax.sii_code)
            for line in snap.lines
            for tax in line.taxes
            if tax.sii_code in ILA_CODES or is_withholding(tax)
        }
    )
    if forbidden:
        out.add("BOLETA_RESTRICCION", ERROR, "lines", reason="taxes", taxes=", ".join(forbidden))
    if clp:  # the split is in whole pesos; another currency is BOLETA_RESTRICCION's finding
        _boleta_totales(snap, amounts, out)


def _boleta_totales(snap, amounts, out):
    """Boleta lines are gross (no IndMntNeto=2): MntNeto = round((MntTotal - MntExe) / 1.19), IVA is the
    rest (LibreDTE ``Utils::calculateNetoIVA``)."""
    if amounts.iva is None:
        return
    dec = amounts.decimals
    total = snap.totals.amount_total
    exempt = round_half_up(amounts.exempt_gross, dec)
    net = net_of_gross(total - exempt, amounts.vat_rate, dec)
    iva = total - exempt - net
    if not same_amount(amounts.iva, iva, dec):
        out.add(
            "BOLETA_TOTALES",
            ERROR,
            "totals.amount_tax",
            total=plain(total, dec),
            exempt=plain(exempt, dec),
            expected_net=plain(net, dec),
            expected=plain(iva, dec),
            actual=plain(amounts.iva, dec),
        )
