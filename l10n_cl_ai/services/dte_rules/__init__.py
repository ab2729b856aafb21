"""Deterministic SII pre-send checks on a plain snapshot of a DTE (no Odoo, no network, no clock).

The catalogue is ``shared/reference/dte-rules.md``; its codes are the API (findings, tests, translated
messages in ``models/dte_rule_messages.py``). One module per catalogue section::

    findings = check(snapshot)          # Snapshot or plain dict -> [Finding]
    verdict(findings)                   # 'reject' (any error) | 'review' (any warning) | 'send'
    worse(verdict(findings), claude)    # Claude can make the recommendation worse, never better

Checks that need data Community lacks (CAF/folios, SII resolution, certificate, ACTECO, DTE e-mail) run
when the snapshot carries it, and otherwise add ONE info finding, ``VERIFICACION_OMITIDA``, whose
``params["checks"]`` lists the codes skipped: never a false error.
"""

from . import amounts, boletas, document_type, exports, folios_dates, lines, parties, references
from .dte_totals import compute
from .finding import ERROR, INFO, SKIPPED_CODE, WARNING, Collector, Finding
from .snapshot import Snapshot

__all__ = [
    "ERROR",
    "INFO",
    "RECOMMENDATIONS",
    "SKIPPED_CODE",
    "WARNING",
    "Finding",
    "Snapshot",
    "check",
    "verdict",
    "worse",
]

# Catalogue order: A parties, B document type, C lines, D amounts, E references, F boletas, G exports,
# H folios and dates.
SECTIONS = (parties, document_type, lines, amounts, references, boletas, exports, folios_dates)

RECOMMENDATIONS = ("send", "review", "reject")  # from best to worst
_RANK = {name: rank for rank, name in enumerate(RECOMMENDATIONS)}


def check(snapshot):
    """Every finding on the document, in catalogue order; the skipped-checks info comes last."""
    if not isinstance(snapshot, Snapshot):
        snapshot = Snapshot.from_dict(snapshot)
    amounts = compute(snapshot)  # DteAmounts: what every section checks against
    out = Collector()
    for section in SECTIONS:
        section.check(snapshot, amounts, out)
    return out.result()


def verdict(findings):
    """Any error -> ``reject``, any warning -> ``review``, else ``send``."""
    severities = {finding.severity for finding in findings}
    if ERROR in severities:
        return "reject"
    if WARNING in severities:
        return "review"
    return "send"


def worse(a, b):
    """The worse of two recommendations (``send`` < ``review`` < ``reject``). Unknown values raise
    ``ValueError``: a reply saying something else is not a recommendation."""
    try:
        return a if _RANK[a] >= _RANK[b] else b
    except KeyError as exc:
        raise ValueError(
            f"unknown recommendation {exc.args[0]!r}; expected one of {RECOMMENDATIONS}"
        ) from None
