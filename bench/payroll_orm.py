"""A full year of UF values written as Odoo currency rates, on a database with l10n_cl_ai installed.

    .venv/bin/python bench/payroll_orm.py DB [--conf .run/odoo.conf] [--repeat 3]

Everything happens in one transaction, each run inside a savepoint rolled back after it: the database is
left unchanged. The year's UF (365 days, the fixture series of ``tests/fakes/payroll_pages.py``) is
written as CLF rates of every company whose currency is CLP:

1. ``l10n_cl_ai.payroll.rates._write_rates`` (what the daily action does): one read of the rates in the
   year's range, one ``create`` of the missing ones; then the same call again, when nothing changed.
2. Baseline, in the same process on the same values: the naive way, per day and company a ``search`` for
   the day's rate and a ``create`` of one record (or a ``write``).

Printed: the median of ``--repeat`` runs in ms for each, and the ratio.

3. A liquidación through the model (``calculate_liquidacion`` and ``check_liquidacion``: the period's
   record and tax table read, the engine, the rules translated), the fixture's July 2025 indicators stored
   in the rolled-back transaction, against the engine's ``liquidacion.calculate`` alone (µs, median).
"""

import argparse
import datetime
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai"), os.path.join(ROOT, "l10n_cl_ai", "tests")]

from fakes import payroll_pages as pp  # noqa: E402


def _env(db, conf):
    import odoo  # noqa: PLC0415 - only this part needs Odoo
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", conf, "-d", db])
    cr = Registry(db).cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), cr


def _naive(env, values, companies, currency):
    Rate = env["res.currency.rate"]
    for company in companies:
        for day, pesos in values.items():
            rate = 1.0 / float(pesos)
            found = Rate.search(
                [("currency_id", "=", currency.id), ("company_id", "=", company.id), ("name", "=", day)],
                limit=1,
            )
            if found:
                found.rate = rate
            else:
                Rate.create({"name": day, "rate": rate, "currency_id": currency.id, "company_id": company.id})
    env.flush_all()


def _timed(env, function):
    with env.cr.savepoint(flush=False) as savepoint:
        started = time.perf_counter()
        function()
        env.flush_all()
        elapsed = (time.perf_counter() - started) * 1000
        savepoint.rollback()
    env.invalidate_all(flush=False)
    return elapsed


def _liquidacion(env, runs):
    from services.payroll import liquidacion, previred, tax_table  # noqa: PLC0415

    indicators = previred.parse(pp.previred_page())
    brackets = tax_table.parse(pp.tax_page(), 2025)[(2025, 7)]
    Indicators = env["l10n_cl_ai.payroll.indicators"]
    Indicators.search([("period", "=", "2025-07")]).unlink()
    env["l10n_cl_ai.payroll.month"].search([("period", "=", "2025-07")]).unlink()
    Indicators._store(indicators, "ok", "")
    env["l10n_cl_ai.payroll.month"]._upsert("2025-07", {"tax_brackets": [b.as_dict() for b in brackets]})
    env.flush_all()
    inputs = {
        "contract": "indefinido",
        "base_wage": 5000000,
        "gratificacion": "art50_monthly",
        "afp": "Habitat",
        "health": "isapre",
        "isapre_plan_uf": 4.5,
        "mutual_rate": 0.93,
    }
    produced = dict(Indicators.calculate_liquidacion("2025-07", inputs), afp=563500)
    produced.pop("lines")

    def median_us(function):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1e6)
        return statistics.median(times)

    engine = median_us(lambda: liquidacion.calculate(inputs, indicators, brackets))
    model = median_us(lambda: Indicators.calculate_liquidacion("2025-07", inputs))
    check = median_us(lambda: Indicators.check_liquidacion("2025-07", inputs, produced))
    print(f"a liquidación ({runs} runs, median)")
    print(f"   liquidacion.calculate, engine only (baseline) {engine:8.1f} µs")
    print(f"   calculate_liquidacion through the model       {model:8.1f} µs   {model / engine:5.1f}x")
    print(f"   check_liquidacion through the model           {check:8.1f} µs   {check / engine:5.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2031, help="a year with no rate stored yet")
    args = parser.parse_args()
    env, cr = _env(args.db, args.conf)
    try:
        values = pp.uf_series(args.year, until=datetime.date(args.year, 12, 31))
        Rates = env["l10n_cl_ai.payroll.rates"]
        companies = Rates._clp_companies()
        currency = env.ref("base.CLF")
        currency.active = True
        env.flush_all()
        batched, again, naive = [], [], []
        for _run in range(args.repeat):
            batched.append(_timed(env, lambda: Rates._write_rates("CLF", values)))

            def twice():
                Rates._write_rates("CLF", values)
                env.flush_all()
                started = time.perf_counter()
                Rates._write_rates("CLF", values)
                env.flush_all()
                again.append((time.perf_counter() - started) * 1000)

            _timed(env, twice)
            naive.append(_timed(env, lambda: _naive(env, values, companies, currency)))
        rows = len(values) * len(companies)
        b, a, n = (statistics.median(x) for x in (batched, again, naive))
        print(f"a full year of UF rates: {len(values)} days x {len(companies)} CLP companies = {rows} rates")
        print(f"   naive search + create per rate (baseline) {n:9.1f} ms")
        print(f"   _write_rates (one read, one create)       {b:9.1f} ms   {n / b:5.1f}x faster")
        print(f"   _write_rates again, nothing changed       {a:9.1f} ms")
        _liquidacion(env, args.repeat * 100)
    finally:
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    main()
