"""Chilean payroll numbers, plain Python (never imports odoo): indicator pages read by label, and a
monthly liquidación calculated and checked to the peso.

* ``sii_values``: the SII's UF / dólar (by day) and UTM / UTA (by month) yearly pages.
* ``tax_table``: the SII's monthly impuesto único brackets, ``tax_for(taxable, brackets)``.
* ``previred``: Previred's "Indicadores Previsionales" page -> ``Indicators``; ``verify`` and ``status``.
* ``liquidacion``: ``calculate(inputs, indicators, brackets)`` and ``check(inputs, produced, …)``.
* ``messages``: every user-facing text, in Spanish, keyed by code (the Odoo layer translates them).

Money and rates are ``Decimal`` (rates in percent, as published); amounts a liquidación returns are whole
pesos rounded half up. Nothing here touches the network or the clock: the caller fetches the pages and
passes their bytes (with the HTTP ``Content-Type``), and fills the source URL and fetch time.
"""
