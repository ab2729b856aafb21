"""Vendor-bill coding engine: account and analytic suggestions from a company's own posted lines, and bill
lines matched to open purchase-order lines. Plain Python (numpy, faiss, the knowledge base's embedder):
dataclasses in, dataclasses out; no Odoo, no Claude (the Odoo layer queues Claude for the lines this
engine leaves without a confident answer).

Modules (import them where used; this package imports nothing heavy):

- ``records``: the plain values the Odoo layer passes in (posted lines, feedback, queries) and gets back.
- ``text``: how a supplier's description is normalised before it is embedded.
- ``history``: ``CompanyHistory``, one company's posted lines and their FAISS index (per company by
  construction: it holds no other company's line and refuses another company's query).
- ``suggest``: the weighted nearest-neighbour vote that turns neighbours into a ``Suggestion``.
- ``po_match``: bill lines to open PO lines of the same vendor, by product then by description.
"""
