"""Payroll engine: parse time of each indicator page, and a liquidación calculated and checked (µs).

    .venv/bin/python bench/payroll.py [--repeat 50] [--runs 2000]

1. Each fixture page (the addon's ``tests/fakes/payroll_pages.py``: the real markup, ISO-8859-1), decoded and
   parsed by label, median of ``--repeat`` runs, against a naive positional parse of the same bytes in
   the same process (the baseline: lxml + fixed row/column indexes, as the community's scrapers do). The
   positional parse is then run on the second layout (same labels, other order) to show what it returns
   there; the label parse returns the same values on both.
2. ``liquidacion.calculate`` (validation, every line with its rule text) and ``liquidacion.check`` of a
   liquidación with two wrong lines, median µs of ``--runs`` calls, against the bare Decimal formulas of
   the same amounts (the baseline).
"""

import argparse
import os
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai"), os.path.join(ROOT, "l10n_cl_ai", "tests")]

from lxml import html  # noqa: E402

from fakes import payroll_pages as pp  # noqa: E402
from services.payroll import liquidacion, previred, sii_values, tax_table  # noqa: E402


def median_us(function, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def _num(text):
    text = (
        text.replace("$", "").replace("%", "").replace("R.I.", "").strip().replace(".", "").replace(",", ".")
    )
    return Decimal(text) if text and text not in ("-", "&nbsp;", "\xa0") else None


# --- naive positional parses (the baseline): fixed indexes, no labels --------------------------------


def positional_uf(raw):
    rows = html.fromstring(raw.decode("iso-8859-1")).xpath("//table")[-1].xpath(".//tbody/tr")
    return {
        (m, d): _num(row.xpath("./td")[m - 1].text_content())
        for d, row in enumerate(rows, 1)
        for m in range(1, 13)
    }


def positional_utm(raw):
    rows = html.fromstring(raw.decode("iso-8859-1")).xpath("//table//tbody/tr")
    return {
        m: (_num(r.xpath("./td")[1].text_content()), _num(r.xpath("./td")[2].text_content()))
        for m, r in enumerate(rows, 1)
    }


def positional_tax(raw):
    out = {}
    for month, table in enumerate(html.fromstring(raw.decode("iso-8859-1")).xpath("//table"), 1):
        rows = table.xpath(".//tbody/tr")[:8]
        out[month] = [[c.text_content() for c in r.xpath("./td")][-5:] for r in rows]
    return out


def positional_previred(raw):
    tables = html.fromstring(raw.decode("iso-8859-1")).xpath("//table")
    cell = lambda t, r, c: tables[t].xpath(".//tr")[r].xpath("./td")[c].text_content()  # noqa: E731
    return {
        "uf": _num(cell(0, 1, 1)),
        "utm": _num(cell(1, 1, 1)),
        "cap_afp": _num(cell(2, 1, 1)),
        "min_wage": _num(cell(3, 1, 1)),
        "afc_indefinido_worker": _num(cell(6, 3, 2)),
        "afp_capital": _num(cell(7, 4, 1)),
    }


def part1(repeat):
    uf, dollar = pp.uf_series(), pp.dollar_series()
    pages = [
        (
            "UF uf2025.htm",
            pp.daily_page(uf),
            pp.daily_page(uf, layout="other"),
            lambda raw: sii_values.parse_uf(raw, 2025),
            positional_uf,
        ),
        (
            "dólar dolar2025.htm",
            pp.daily_page(dollar, title="Dolar"),
            pp.daily_page(dollar, layout="other", title="Dolar"),
            lambda raw: sii_values.parse_dollar(raw, 2025),
            positional_uf,
        ),
        (
            "UTM/UTA utm2025.htm",
            pp.utm_page(),
            pp.utm_page(layout="other"),
            lambda raw: sii_values.parse_utm(raw, 2025),
            positional_utm,
        ),
        (
            "impuesto2025.htm",
            pp.tax_page(),
            pp.tax_page(layout="other"),
            lambda raw: tax_table.parse(raw, 2025),
            positional_tax,
        ),
        (
            "Previred indicadores",
            pp.previred_page(),
            pp.previred_page("other"),
            lambda raw: previred.parse(raw, "text/html; charset=ISO-8859-1"),
            positional_previred,
        ),
    ]
    print(f"1. parse each page ({repeat} runs, median): by label vs positional baseline")
    for name, raw, other, ours, baseline in pages:
        base_ms = median_us(lambda raw=raw, f=baseline: f(raw), repeat) / 1000
        ours_ms = median_us(lambda raw=raw, f=ours: f(raw), repeat) / 1000
        same = (
            ours(raw) == ours(other)
            if name != "Previred indicadores"
            else (ours(raw).caps == ours(other).caps and ours(raw).afc == ours(other).afc)
        )
        try:
            positional_same = baseline(raw) == baseline(other)
        except (IndexError, ArithmeticError, ValueError) as exc:
            positional_same = f"fails ({type(exc).__name__})"
        print(
            f"   {name:22} {len(raw) / 1024:6.1f} KB  positional {base_ms:7.2f} ms  "
            f"by label {ours_ms:7.2f} ms  ratio {ours_ms / base_ms:5.2f}x"
        )
        print(f"   {'':22} other layout: by label same={same}, positional same={positional_same}")


def bare(ind, brackets, base_wage, rate):
    """The baseline: the same amounts as plain Decimal formulas, no validation, no lines."""
    q = lambda v: v.quantize(Decimal(1), rounding=ROUND_HALF_UP)  # noqa: E731
    taxable = Decimal(base_wage)
    capped = min(taxable, q(ind.caps["afp"]["uf"] * ind.uf))
    afp, health = q(capped * rate / 100), q(capped * 7 / 100)
    afc = q(min(taxable, q(ind.caps["afc"]["uf"] * ind.uf)) * Decimal("0.6") / 100)
    tributable = taxable - afp - health - afc
    bracket = next(b for b in brackets if b.upper is None or tributable <= b.upper)
    tax = max(Decimal(0), q(tributable * bracket.factor - bracket.rebate))
    return taxable - afp - health - afc - tax


def part2(runs):
    ind = previred.parse(pp.previred_page())
    brackets = tax_table.parse(pp.tax_page(), 2025)[(2025, 7)]
    inputs = {
        "contract": "indefinido",
        "base_wage": 4_000_000,
        "gratificacion": "art50_monthly",
        "taxable_allowances": 150_000,
        "non_taxable_allowances": 80_000,
        "afp": "Habitat",
        "health": "isapre",
        "isapre_plan_uf": "5.2",
        "days_worked": 30,
        "family_charges": 1,
        "apv": 100_000,
    }
    result = liquidacion.calculate(inputs, ind, brackets)
    produced = {code: result[code] for code in liquidacion.AMOUNTS if code in result}
    produced["afp"] += 60_000
    produced["tax"] -= 5_000
    differences = liquidacion.check(inputs, produced, ind, brackets)
    base_us = median_us(lambda: bare(ind, brackets, 4_000_000, Decimal("11.27")), runs)
    calc_us = median_us(lambda: liquidacion.calculate(inputs, ind, brackets), runs)
    check_us = median_us(lambda: liquidacion.check(inputs, produced, ind, brackets), runs)
    print(f"2. a liquidación ({len(result['lines'])} lines; {runs} runs, median)")
    print(f"   bare Decimal formulas (baseline)   {base_us:8.1f} µs")
    print(f"   liquidacion.calculate              {calc_us:8.1f} µs   ratio {calc_us / base_us:.1f}x")
    print(
        f"   liquidacion.check (2 wrong lines)  {check_us:8.1f} µs   ratio {check_us / base_us:.1f}x"
        f"   -> {len(differences)} differences: {', '.join(d['code'] for d in differences)}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    part1(args.repeat)
    part2(args.runs)


if __name__ == "__main__":
    main()
