"""A. Parties and issuer: RUT_RECEPTOR, GIRO_RECEPTOR, DIR_RECEPTOR, EMISOR_CONFIG, EMAIL_DTE."""

from ..rut import sii_rut
from . import type_codes as dt
from .finding import ERROR, WARNING

GIRO_RECEPTOR_DOCS = frozenset({"33", "34", "43", "46", "52"})
STREET_DOCS = frozenset({"33", "34", "43", "46", "52", "110"})
COMUNA_DOCS = frozenset({"33", "34", "43", "46", "52"})
GIRO_RECEP_MAX = 40  # FMT A#57: longer values are truncated
STREET_MAX = 70  # FMT A#60 DirRecep
COMUNA_MAX = 20  # FMT A#61 CmnaRecep
GIRO_EMIS_MAX = 80  # FMT A#33 GiroEmis
ACTECO_MIN, ACTECO_MAX = 1, 4  # XSD Acteco 1..4


def is_foreign(partner):
    """A partner outside Chile (no country is taken as Chile, like a local customer)."""
    return bool(partner.country_code) and partner.country_code != "CL"


def check(snap, amounts, out):
    code = snap.document_type
    partner = snap.partner
    if code not in dt.BOLETAS and not is_foreign(partner):
        _rut_receptor(partner, out)
    _giro_receptor(code, partner, out)
    _dir_receptor(code, partner, out)
    _emisor_config(snap, out)
    if code not in dt.BOLETAS and code not in dt.EXPORTS:
        _email_dte(snap, out)


def _rut_receptor(partner, out):
    # Foreign receivers are sent as 55.555.555-5 (exports) and checked by DOC_EXTRANJERO / EXP_RECEPTOR.
    if not partner.rut:
        out.add("RUT_RECEPTOR", ERROR, "partner.rut", reason="missing")
    elif sii_rut(partner.rut) is None:
        out.add("RUT_RECEPTOR", ERROR, "partner.rut", reason="invalid", rut=partner.rut)


def _giro_receptor(code, partner, out):
    # The enterprise DTE also requires it on 56/61; a note to an end consumer (a boleta's credit note)
    # has no giro, so there it is required only from non-consumers.
    required = code in GIRO_RECEPTOR_DOCS or (
        code in (dt.NOTA_DEBITO, dt.NOTA_CREDITO) and partner.taxpayer_type != "3"
    )
    if not required:
        return
    giro = (partner.giro or "").strip()
    if not giro:
        out.add("GIRO_RECEPTOR", ERROR, "partner.giro", reason="missing", doc_type=code)
    elif len(giro) > GIRO_RECEP_MAX:
        out.add(
            "GIRO_RECEPTOR", WARNING, "partner.giro", reason="too_long", length=len(giro), max=GIRO_RECEP_MAX
        )


def _dir_receptor(code, partner, out):
    street = (partner.street or "").strip()
    city = (partner.city or "").strip()
    if code in STREET_DOCS:
        if not street:
            out.add("DIR_RECEPTOR", ERROR, "partner.street", reason="street_missing", doc_type=code)
        elif len(street) > STREET_MAX:
            out.add(
                "DIR_RECEPTOR",
                WARNING,
                "partner.street",
                reason="street_too_long",
                length=len(street),
                max=STREET_MAX,
            )
    if code in COMUNA_DOCS:
        if not city:
            out.add("DIR_RECEPTOR", ERROR, "partner.city", reason="comuna_missing", doc_type=code)
        elif len(city) > COMUNA_MAX:
            out.add(
                "DIR_RECEPTOR",
                WARNING,
                "partner.city",
                reason="comuna_too_long",
                length=len(city),
                max=COMUNA_MAX,
            )


def _emisor_config(snap, out):
    company = snap.company
    if sii_rut(company.rut) is None:
        out.add("EMISOR_CONFIG", ERROR, "company.rut", reason="rut")
    giro = (company.giro or "").strip()
    if not giro:
        out.add("EMISOR_CONFIG", ERROR, "company.giro", reason="giro_missing")
    elif len(giro) > GIRO_EMIS_MAX:
        out.add(
            "EMISOR_CONFIG",
            ERROR,
            "company.giro",
            reason="giro_too_long",
            length=len(giro),
            max=GIRO_EMIS_MAX,
        )
    if not (company.street or "").strip() or not (company.city or "").strip():
        out.add("EMISOR_CONFIG", ERROR, "company.street", reason="address")
    # EE-only data: None = no installed module provides it.
    if company.acteco is None:
        out.skip("EMISOR_CONFIG")
    elif not ACTECO_MIN <= len(company.acteco) <= ACTECO_MAX:
        out.add("EMISOR_CONFIG", ERROR, "company.acteco", reason="acteco", count=len(company.acteco))
    if company.resolution is None:
        out.skip("EMISOR_CONFIG")
    elif not company.resolution.number or company.resolution.date is None:
        out.add("EMISOR_CONFIG", ERROR, "company.resolution", reason="resolution")
    if company.certificate is None:
        out.skip("EMISOR_CONFIG")
    elif not company.certificate.found:
        out.add("EMISOR_CONFIG", ERROR, "company.certificate", reason="certificate_missing")
    elif company.certificate.valid_until is not None and company.certificate.valid_until < snap.today:
        out.add(
            "EMISOR_CONFIG",
            ERROR,
            "company.certificate",
            reason="certificate_expired",
            date=company.certificate.valid_until.isoformat(),
        )


def _email_dte(snap, out):
    if snap.partner.dte_email is None:
        out.skip("EMAIL_DTE")
    elif not snap.partner.dte_email.strip():
        out.add("EMAIL_DTE", WARNING, "partner.dte_email", reason="partner")
    if snap.company.dte_email is None:
        out.skip("EMAIL_DTE")
    elif not snap.company.dte_email.strip():
        out.add("EMAIL_DTE", WARNING, "company.dte_email", reason="company")
