"""Received DTE XML: hardened parsing, the TED seal check, the buyer's checks and the claim window.

Plain Python (no Odoo, no network, no clock): the Odoo layer passes bytes, dates and a context in and
gets dataclasses and findings back::

    reception = parse.parse(data)                # bytes -> Reception(documents, errors); errors.* refusals
    findings = checks.check(doc, Context(...))   # [dte_rules.Finding] with REC_* codes
    result = ted.verify(doc, sii_keys)           # TedResult (checks.check calls it for REC_TED)
    window = claim_window.ClaimWindow(reception_day)   # deadline, days_left, tacitly_accepted
    claim_window.decide("ACD", previous, window, today) # Decision(allowed, reason)

Messages (English msgids, one table) are in :mod:`.messages`; every code and variant emitted here has
one.
"""
