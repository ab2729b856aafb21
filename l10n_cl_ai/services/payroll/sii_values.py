"""The SII's "valores y fechas" yearly pages -> values by day (UF, dólar observado) or by month (UTM, UTA).

Read by structure and labels, not by position:

* UF and dólar (``uf{year}.htm``, ``dolar{year}.htm``): one table of days × months, a header row
  "Día | Ene | Feb | … | Dic" and one row per day whose first cell is the day number. Columns are matched
  by the month written in their header, so a page listing only some months, or in another order, reads
  the same. Empty cells (``&nbsp;``: weekends and holidays for the dollar, days not yet published) are
  skipped. When the page has no such grid, the per-month tables are read instead: a table named by a
  month (an ancestor ``id="mes_julio"``, a caption or a heading "Julio") whose cells come in pairs
  day, value.
* UTM/UTA (``utm{year}.htm``): one row per month, the month's name in its first cells, the values in
  the columns whose header says "UTM" and "UTA" (and "IPC" when present).

Values published ahead (the UF is known up to the 9th of the next month) are returned like the others:
the caller stores them; ``value_on`` answers only for a published day, ``last_on_or_before`` carries a
rate forward over a weekend or holiday (Odoo's rate convention).

Numbers are Chilean ("39.485,65"); pages are ISO-8859-1 with a declared charset (``html_tables.decode``).
"""

import datetime

from . import html_tables
from .errors import PageFormatError
from .months import month_of
from .numbers import number

SII = "https://www.sii.cl/valores_y_fechas"
DEFAULT_URLS = {
    "uf": SII + "/uf/uf{year}.htm",
    "utm": SII + "/utm/utm{year}.htm",
    "dolar": SII + "/dolar/dolar{year}.htm",
}


def url(kind, year, template=None):
    """The page of ``kind`` ("uf", "utm", "dolar") for ``year``; ``template`` overrides the default and
    must hold the ``{year}`` placeholder."""
    template = template or DEFAULT_URLS[kind]
    if "{year}" not in template:
        raise ValueError(f"the URL template {template!r} has no {{year}} placeholder")
    return template.replace("{year}", str(int(year)))


def _day_month_grid(table):
    """``{day column, month columns}`` of a days × months table, else ``None``."""
    columns = table.column_labels()
    # "dia", or "dia / 1 / 2 / …" when no row holds a value yet and the day cells read as headers
    day_col = next((i for i, text in enumerate(columns) if {"dia", "dias"} & set(text.split(" / "))), None)
    if day_col is None:
        return None
    months = {}
    for index, text in enumerate(columns):
        month = month_of(text.split(" / ")[-1], abbreviations=True) if index != day_col else None
        if month:
            months[index] = month
    return (day_col, months) if months else None


def _store(values, year, month, day_text, value_text):
    value = number(value_text)
    if value is None:
        return
    try:
        day = datetime.date(year, month, int(number(day_text)))
    except (TypeError, ValueError) as exc:
        raise PageFormatError(f"a value {value_text!r} on an impossible day {day_text!r}/{month}") from exc
    values[day] = value


def _from_grid(table, grid, year):
    day_col, months = grid
    values = {}
    for row in table.data():
        if day_col >= len(row) or not row[day_col].strip().isdigit():
            continue
        for col, month in months.items():
            if col < len(row):
                _store(values, year, month, row[day_col], row[col])
    return values


def _from_month_tables(tables, year):
    values = {}
    for table in tables:
        month = month_of(table.context) or month_of(" ".join(table.header_texts()))
        if not month:
            continue
        for row in table.data():
            for index in range(0, len(row) - 1):
                day, value = row[index], row[index + 1]
                if day.strip().isdigit() and 1 <= int(day) <= 31 and not day.strip() == value.strip():
                    if value.strip() and not value.strip().isdigit():
                        _store(values, year, month, day, value)
    return values


def parse_daily(page, year, content_type=None):
    """A UF or dólar page of ``year`` -> ``{datetime.date: Decimal}`` of every published day.

    A days × months table with no value yet (a year just begun) gives ``{}``. Raises
    ``PageFormatError`` when the page has neither a days × months table nor month tables with values."""
    tables = html_tables.tables(page, content_type)
    values, grids = {}, 0
    for table in tables:
        grid = _day_month_grid(table)
        if grid:
            grids += 1
            values.update(_from_grid(table, grid, year))
    if not values:
        values = _from_month_tables(tables, year)
    if not values and grids:
        return {}  # the year's table, nothing published in it yet (the dollar on January 1)
    if not values:
        raise PageFormatError("no table of days and months with values was found on the page")
    return dict(sorted(values.items()))


parse_uf = parse_daily
parse_dollar = parse_daily


def parse_monthly(page, year, content_type=None):
    """A UTM/UTA page of ``year`` -> ``{(year, month): {"utm": Decimal, "uta": Decimal[, "ipc": …]}}``.

    Months not yet published (empty cells) are left out. Raises ``PageFormatError`` when no table has
    both a "UTM" and a "UTA" column, or when no month has values."""
    for table in html_tables.tables(page, content_type):
        columns = [text.split(" / ") for text in table.column_labels()]
        utm = next((i for i, parts in enumerate(columns) if "utm" in parts), None)
        uta = next((i for i, parts in enumerate(columns) if "uta" in parts), None)
        if utm is None or uta is None:
            continue
        ipc = next(
            (
                i
                for i, parts in enumerate(columns)
                if parts and parts[0].startswith("ipc") and (len(parts) == 1 or "indice" in parts[-1])
            ),
            None,
        )
        values = {}
        for row in table.data():
            month = next((month_of(cell) for cell in row[: min(utm, uta)] if month_of(cell)), None)
            if not month or max(utm, uta) >= len(row):
                continue
            utm_value, uta_value = number(row[utm]), number(row[uta])
            if utm_value is None or uta_value is None:
                continue
            entry = {"utm": utm_value, "uta": uta_value}
            if ipc is not None and ipc < len(row) and number(row[ipc]) is not None:
                entry["ipc"] = number(row[ipc])
            values[(int(year), month)] = entry
        if values:
            return values
    raise PageFormatError("no table with UTM and UTA columns and published months was found")


parse_utm = parse_monthly


def value_on(values, day):
    """The value published for ``day`` exactly, else ``None`` (the UF exists for every day)."""
    return values.get(day)


def last_on_or_before(values, day):
    """``(date, value)`` of the last published day on or before ``day`` (the dollar over a weekend or a
    holiday keeps Friday's value), else ``None``."""
    earlier = [d for d in values if d <= day]
    if not earlier:
        return None
    latest = max(earlier)
    return latest, values[latest]


def published_until(values):
    """The last day with a value (for the UF, up to the 9th of the month after the latest IPC)."""
    return max(values) if values else None


__all__ = [
    "DEFAULT_URLS",
    "last_on_or_before",
    "parse_daily",
    "parse_dollar",
    "parse_monthly",
    "parse_uf",
    "parse_utm",
    "published_until",
    "url",
    "value_on",
]
