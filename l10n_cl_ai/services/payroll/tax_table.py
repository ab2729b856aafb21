"""The SII's "Impuesto Único de Segunda Categoría" yearly page -> the monthly brackets of each month.

``impuesto{year}.htm`` holds one table per month (inside ``<div id="mes_julio">``, or named by a caption
or heading with the month), each with the rows of every period (MENSUAL, QUINCENAL, SEMANAL, DIARIO).
Columns are found by their header labels: "Desde", "Hasta" (under "Monto de la renta líquida
imponible"), "Factor", "Cantidad a rebajar" and the period; only the MENSUAL rows are kept. The SII
writes "-.-" for nothing, "Exento" for a zero factor and "Y MÁS" for the open top bracket.

    brackets = parse(page, 2025)[(2025, 7)]
    tax_for(Decimal("2500000"), brackets)      # whole pesos, half up, never negative
"""

import dataclasses
from decimal import Decimal

from . import html_tables
from .errors import PageFormatError
from .months import month_of
from .numbers import is_empty, label, number, pesos

DEFAULT_URL = "https://www.sii.cl/valores_y_fechas/impuesto_2da_categoria/impuesto{year}.htm"


@dataclasses.dataclass(frozen=True)
class Bracket:
    """One monthly bracket: taxable income from ``lower`` to ``upper`` pesos (``None``: no top), tax =
    income × ``factor`` − ``rebate`` ("cantidad a rebajar", pesos)."""

    lower: Decimal
    upper: Decimal | None
    factor: Decimal
    rebate: Decimal

    def as_dict(self):
        return {
            "lower": str(self.lower),
            "upper": None if self.upper is None else str(self.upper),
            "factor": str(self.factor),
            "rebate": str(self.rebate),
        }

    @classmethod
    def from_dict(cls, data):
        upper = data.get("upper")
        return cls(
            Decimal(str(data["lower"])),
            None if upper in (None, "") else Decimal(str(upper)),
            Decimal(str(data["factor"])),
            Decimal(str(data["rebate"])),
        )


def url(year, template=None):
    template = template or DEFAULT_URL
    if "{year}" not in template:
        raise ValueError(f"the URL template {template!r} has no {{year}} placeholder")
    return template.replace("{year}", str(int(year)))


def _columns(table):
    found = {
        "lower": table.column("desde"),
        "upper": table.column("hasta"),
        "factor": table.column("factor"),
        "rebate": table.column("rebajar"),
    }
    if None in found.values():
        return None
    found["period"] = table.column("period")
    return found


def _period(row, columns):
    if columns["period"] is not None and columns["period"] < len(row):
        return label(row[columns["period"]])
    return " ".join(label(cell) for cell in row)


def _bracket(row, columns):
    cells = {
        name: row[index] if index is not None and index < len(row) else "" for name, index in columns.items()
    }
    upper_label = label(cells["upper"])
    factor = Decimal(0) if label(cells["factor"]).startswith("exento") else number(cells["factor"])
    return Bracket(
        lower=number(cells["lower"]) or Decimal(0),
        upper=None if is_empty(cells["upper"]) or "mas" in upper_label.split() else number(cells["upper"]),
        factor=factor if factor is not None else Decimal(0),
        rebate=number(cells["rebate"]) or Decimal(0),
    )


def _check(brackets, month):
    if len(brackets) < 2:
        raise PageFormatError(f"month {month}: fewer than two monthly brackets")
    for before, after in zip(brackets, brackets[1:], strict=False):
        if before.upper is None or after.lower <= before.lower or before.upper > after.lower:
            raise PageFormatError(f"month {month}: brackets out of order at {after.lower}")


def parse(page, year, content_type=None):
    """``{(year, month): [Bracket, …]}`` of every month with a monthly table, brackets ascending.

    Raises ``PageFormatError`` when no table has the Desde/Hasta/Factor/Cantidad a rebajar columns, or
    when a month's brackets do not follow each other."""
    result = {}
    for table in html_tables.tables(page, content_type):
        columns = _columns(table)
        if columns is None:
            continue
        month = month_of(table.context) or month_of(" ".join(table.header_texts()))
        if not month:
            continue
        brackets = [_bracket(row, columns) for row in table.data() if "mensual" in _period(row, columns)]
        if brackets:
            _check(brackets, month)
            result[(int(year), month)] = brackets
    if not result:
        raise PageFormatError("no monthly table of the impuesto único was found on the page")
    return dict(sorted(result.items()))


def bracket_for(taxable, brackets):
    """``(index, Bracket)`` (index from 1, as the SII counts) of the bracket holding ``taxable``."""
    taxable = Decimal(taxable)
    for index, bracket in enumerate(brackets, start=1):
        if bracket.upper is None or taxable <= bracket.upper:
            return index, bracket
    raise ValueError("the brackets have no open top bracket")


def tax_for(taxable, brackets):
    """The monthly impuesto único of ``taxable`` pesos: income × factor − rebate, whole pesos half up,
    never below zero."""
    if Decimal(taxable) <= 0:
        return 0
    _index, bracket = bracket_for(taxable, brackets)
    return max(0, pesos(Decimal(taxable) * bracket.factor - bracket.rebate))
