"""H. Folios and dates: FOLIO_CAF, CAF_VIGENCIA, FECHA_EMISION, FECHA_ANTIGUA.

CAF data is EE-only (``company.caf is None`` = no module provides it): FOLIO_CAF, CAF_VIGENCIA and the
CAF-date part of FECHA_EMISION are then skipped and reported once.
"""

from datetime import date, timedelta

from ..rut import sii_rut
from .dates import add_months
from .finding import ERROR, WARNING

CAF_VIGENCIA_DOCS = frozenset({"33", "43", "46", "56", "61"})
# Res. Ex. SII 58/2017 via secondary sources (facturae.cl, bbsc.cl) and OCA l10n_cl_sii_folio; the SII FAQ
# 001.003.6422 still speaks of 24 months. Unconfirmed, hence a warning.
CAF_VALID_MONTHS = 6
ISSUE_DATE_MIN, ISSUE_DATE_MAX = date(2003, 4, 1), date(2050, 12, 31)  # FMT A#4
OLD_AFTER_DAYS = 90  # LibreDTE's configurable default: NOT an SII limit


def check(snap, amounts, out):
    code = snap.document_type
    issue = snap.issue_date
    caf = _folio_caf(snap, code, out)
    if caf is not None and code in CAF_VIGENCIA_DOCS and caf.authorised_on is not None:
        on = issue or snap.today
        if on > add_months(caf.authorised_on, CAF_VALID_MONTHS):
            out.add(
                "CAF_VIGENCIA",
                WARNING,
                "company.caf",
                folio=snap.company.caf.next_folio or "",
                caf_date=caf.authorised_on.isoformat(),
            )
    if issue is None:  # Odoo sets today's date at posting
        return
    if issue > snap.today:
        out.add(
            "FECHA_EMISION",
            ERROR,
            "issue_date",
            reason="future",
            date=issue.isoformat(),
            today=snap.today.isoformat(),
        )
    elif not ISSUE_DATE_MIN <= issue <= ISSUE_DATE_MAX:
        out.add("FECHA_EMISION", ERROR, "issue_date", reason="range", date=issue.isoformat())
    elif caf is not None and caf.authorised_on is not None and issue < caf.authorised_on:
        out.add(
            "FECHA_EMISION",
            ERROR,
            "issue_date",
            reason="before_caf",
            date=issue.isoformat(),
            caf_date=caf.authorised_on.isoformat(),
        )
    elif issue < snap.today - timedelta(days=OLD_AFTER_DAYS):
        out.add(
            "FECHA_ANTIGUA", WARNING, "issue_date", date=issue.isoformat(), days=(snap.today - issue).days
        )


def _folio_caf(snap, code, out):
    """The CAF covering the document's folio, or None (after reporting why)."""
    info = snap.company.caf
    if info is None:
        out.skip("FOLIO_CAF")
        if code in CAF_VIGENCIA_DOCS:
            out.skip("CAF_VIGENCIA")
        return None
    folio = info.next_folio
    if folio is None:
        covering = info.cafs[0] if info.cafs else None
    else:
        covering = next((c for c in info.cafs if c.folio_from <= folio <= c.folio_to), None)
    if covering is None:
        out.add("FOLIO_CAF", ERROR, "company.caf", reason="no_caf", folio=folio or "", doc_type=code or "")
        return None
    company_rut = sii_rut(snap.company.rut)
    if company_rut and sii_rut(covering.rut) != company_rut:
        out.add(
            "FOLIO_CAF",
            ERROR,
            "company.caf",
            reason="rut_mismatch",
            folio=folio or "",
            caf_rut=covering.rut or "",
            company_rut=company_rut,
        )
    return covering
