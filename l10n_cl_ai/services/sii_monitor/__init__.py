"""The SII publication monitor's plain parts: fetch a listing page, decode it, parse it into publications,
and the contract of Claude's summary. Plain Python: no odoo import.

- ``urls``: the pages followed (a setting with a ``{year}`` placeholder, filled each run);
- ``fetch``: one conditional GET with a timeout, a size cap and a content hash;
- ``decoding``: bytes -> text by the HTTP charset, then the ``<meta>`` charset, then cp1252 / ISO-8859-1;
- ``parse``: a listing's HTML -> :class:`parse.Publication` items, by what an entry contains;
- ``summary``: the Spanish prompt, the reply's JSON schema and checks, the area -> plugin map.
"""
