"""Rounding as the SII does it: half-up to the currency's decimals (the peso for CLP).

Half-up to the peso is LibreDTE's practice; no SII text stating it was found (catalogue: "figures not
confirmed"). Python's ``round`` is half-even and binary floats misround halves, hence ``Decimal``.
"""

from decimal import ROUND_HALF_UP, Decimal

_QUANTS = {}


def round_half_up(value, decimals=0):
    quant = _QUANTS.get(decimals)
    if quant is None:
        quant = _QUANTS[decimals] = Decimal(1).scaleb(-decimals)
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = exact.quantize(quant, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def same_amount(a, b, decimals=0):
    """Equal once rounded to the currency (differences below half a unit are float noise)."""
    return abs(a - b) < 0.5 * 10**-decimals


def is_whole(value):
    return abs(value - round(value)) < 1e-6


def plain(value, decimals=0):
    """An amount as a message parameter: an int for whole pesos, else a float at the currency decimals."""
    rounded = round_half_up(value, decimals)
    return int(rounded) if decimals == 0 or float(rounded).is_integer() else rounded


def _decimal(value):
    return Decimal(repr(float(value)))


def percent_of(amount, rate, decimals=0):
    """``rate`` % of ``amount``, computed in decimal (19 % of 1150 is 218.5, not 218.49999999999997)."""
    return round_half_up(_decimal(amount) * _decimal(rate) / 100, decimals)


def net_of_gross(gross, rate, decimals=0):
    """The net amount inside a VAT-included ``gross`` amount: ``gross / (1 + rate/100)``, rounded."""
    return round_half_up(_decimal(gross) * 100 / (100 + _decimal(rate)), decimals)
