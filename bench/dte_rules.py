"""Deterministic DTE checks: cost per invoice of snapshot-dict -> ``dte_rules.check()`` in microseconds.

    .venv/bin/python bench/dte_rules.py [--invoices 2000] [--repeat 5] [--seed 7]

Generates realistic plain-dict snapshots (what the Odoo layer hands over: every document type the button
offers, 1-40 lines, exempt lines, global discounts, ILA, credit/debit notes with their origin, boletas with
VAT-included prices, exports in USD, with and without DTE-module data, some with mistakes) and prints the
median time per invoice of:

* ``check(dict)``: building the Snapshot from the dict and running every rule (what a validation pays);
* ``check(Snapshot)``: the rules alone, on prebuilt snapshots;
* baselines measured in the same process on the same invoices: a no-op pass that touches every value the
  rules read, and the RUT check alone (``stdnum.cl.rut`` on the customer's RUT);

and the ratios between them. ``--orm-db DB`` adds the ORM part (``bench/dte_rules_orm.py``): a batch of
generated invoices validated through ``account.move`` and the cron's path, and Claude's prompt tokens,
cache share and cost per validation against the fake Anthropic server.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))

from stdnum.cl import rut as stdnum_rut  # noqa: E402

from services.dte_rules import Snapshot, check, verdict  # noqa: E402
from services.dte_rules.money import round_half_up  # noqa: E402

TODAY = date(2025, 6, 16)
DOC_TYPES = ["33"] * 8 + ["34", "39", "39", "41", "46", "56", "61", "61", "110", "111", "112"]
PRODUCTS = [
    "Taladro percutor 850 W", "Disco de corte metal 115 mm", "Cemento especial 25 kg", "Plancha OSB 15 mm",
    "Pintura látex blanco 1 gal", "Huincha de medir 5 m", "Set de brocas 13 piezas", "Carretilla 90 L",
    "Tornillo volcanita 6x1 (caja 100)", "Guantes de cabritilla talla L", "Escalera aluminio 7 peldaños",
]  # fmt: skip
IVA = {"sii_code": 14, "amount_type": "percent", "rate": 19.0, "price_include": False, "name": "19% IVA"}
IVA_INCLUDED = dict(IVA, price_include=True)
ILA = {"sii_code": 27, "amount_type": "percent", "rate": 10.0, "price_include": False, "name": "10% ILA"}


def a_rut(rng, low=60_000_000, high=99_999_999):
    body = str(rng.randint(low, high))
    return f"{body}-{stdnum_rut.calc_check_digit(body)}"


def a_line(rng, doc, decimals):
    exempt = doc in ("34", "41", "110", "111", "112") or rng.random() < 0.1
    gross_prices = doc == "39"
    taxes = [] if exempt else [IVA_INCLUDED if gross_prices else IVA]
    if taxes and doc == "33" and rng.random() < 0.05:
        taxes = [IVA, ILA]
    quantity = rng.choice([1, 1, 2, 3, 5, 10, 24])
    price = round(rng.uniform(1, 300), 2) if decimals else rng.randint(490, 250_000)
    raw = quantity * price
    if gross_prices and taxes:
        subtotal, total = round_half_up(raw / 1.19, decimals), round_half_up(raw, decimals)
    else:
        subtotal = round_half_up(raw, decimals)
        total = round_half_up(subtotal * (1 + sum(t["rate"] for t in taxes) / 100), decimals)
    return {
        "name": rng.choice(PRODUCTS),
        "description": "",
        "quantity": quantity,
        "price_unit": price,
        "discount": 0.0,
        "subtotal": subtotal,
        "total": total,
        "taxes": taxes,
    }


def totals(lines, decimals, doc):
    if doc == "39":  # VAT-included prices: net and VAT split from the gross total, as Odoo rounds globally
        total = sum(ln["total"] for ln in lines)
        exempt = sum(ln["total"] for ln in lines if not ln["taxes"])
        net = round_half_up((total - exempt) / 1.19)
        group = {"name": "19% IVA", "sii_code": 14, "base": net, "amount": total - exempt - net}
        return {"amount_untaxed": net + exempt, "amount_tax": total - exempt - net, "amount_total": total,
                "tax_groups": [group]}  # fmt: skip
    groups = {}
    for ln in lines:
        for tax in ln["taxes"]:
            group = groups.setdefault(
                tax["sii_code"], {"name": tax["name"], "sii_code": tax["sii_code"], "base": 0.0}
            )
            group["base"] += ln["subtotal"]
            group["rate"] = tax["rate"]
    tax_groups = []
    for group in groups.values():
        rate = group.pop("rate")
        tax_groups.append(dict(group, amount=round_half_up(group["base"] * rate / 100, decimals)))
    untaxed = sum(ln["subtotal"] for ln in lines)
    tax = sum(g["amount"] for g in tax_groups)
    return {
        "amount_untaxed": untaxed,
        "amount_tax": tax,
        "amount_total": untaxed + tax,
        "tax_groups": tax_groups,
    }


def an_invoice(rng):
    doc = rng.choice(DOC_TYPES)
    export = doc in ("110", "111", "112")
    decimals = 2 if export else 0
    count = rng.randint(1, 40 if doc == "39" else 25)
    lines = [a_line(rng, doc, decimals) for _ in range(count)]
    if rng.random() < 0.15 and not export:
        taxed = [ln for ln in lines if ln["taxes"] == lines[0]["taxes"]]
        discount = round_half_up(sum(ln["subtotal"] for ln in taxed) * 0.05)
        gross = round_half_up(sum(ln["total"] for ln in taxed) * 0.05)
        lines.append(
            {"name": "Descuento 5%", "quantity": 1, "price_unit": -discount, "subtotal": -discount,
             "total": -gross, "taxes": lines[0]["taxes"]}
        )  # fmt: skip
    snapshot_totals = totals(lines, decimals, doc)
    if rng.random() < 0.1:  # a miscomputed VAT, as per-line rounding gives
        for group in snapshot_totals["tax_groups"]:
            group["amount"] += 1
        snapshot_totals["amount_tax"] += len(snapshot_totals["tax_groups"])
        snapshot_totals["amount_total"] += len(snapshot_totals["tax_groups"])
    issue = TODAY - timedelta(days=rng.choice([0, 0, 0, 1, 3, 20, 120]))
    ee = rng.random() < 0.5
    if export:
        partner = {"name": "Andes Import LLC", "rut": "", "country_code": "US", "taxpayer_type": "4",
                   "street": "1200 Brickell Ave", "city": "Miami", "customs_code": "225"}  # fmt: skip
    elif doc in ("39", "41"):
        partner = {
            "name": "Consumidor Final Anónimo",
            "rut": "66666666-6",
            "country_code": "CL",
            "taxpayer_type": "3",
        }
    else:
        partner = {"name": "Cliente", "rut": a_rut(rng), "country_code": "CL", "taxpayer_type": "1",
                   "giro": "Construcción", "street": "Los Carrera 567", "city": "Concepción",
                   "dte_email": "dte@cliente.cl" if ee else None}  # fmt: skip
    company = {
        "rut": "76086428-5",
        "name": "Ferretería Los Andes SpA",
        "giro": "Venta de artículos de ferretería",
        "street": "Av. Providencia 1234",
        "city": "Providencia",
        "tax_rounding": "round_globally",
    }
    if ee:
        company.update(
            acteco=["467300"],
            resolution={"number": "80", "date": "2014-08-22"},
            certificate={"found": True, "valid_until": "2026-03-31"},
            caf={
                "next_folio": 1523,
                "cafs": [
                    {"folio_from": 1001, "folio_to": 2000, "rut": "76086428-5", "authorised_on": "2024-12-20"}
                ],
            },  # fmt: skip
            dte_email="dte@ferreterialosandes.cl",
        )
    snapshot = {
        "today": TODAY.isoformat(),
        "document_type": doc,
        "move_type": "out_refund"
        if doc in ("61", "112")
        else ("in_invoice" if doc == "46" else "out_invoice"),
        "state": "draft",
        "issue_date": issue.isoformat(),
        "currency": "USD" if export else "CLP",
        "currency_sii_name": "DOLAR USA" if export else None,
        "exchange_rate": 943.21 if export else None,
        "company": company,
        "partner": partner,
        "lines": lines,
        "totals": snapshot_totals,
        "references": [],
    }
    if doc in ("56", "61", "111", "112"):
        snapshot["origin"] = {
            "doc_type": "110" if export else "33",
            "folio": str(rng.randint(100, 9999)),
            "date": (issue - timedelta(days=10)).isoformat(),
            "amount_total": snapshot_totals["amount_total"],
            "codref": 1 if doc in ("61", "112") else 3,
            "credited_total": 0.0,
        }
    return snapshot


def noop_pass(snapshot):
    """Touches every value the rules read, doing nothing with it: the floor of any pass over a snapshot."""
    total = 0
    for key in ("document_type", "move_type", "issue_date", "currency", "today"):
        total += snapshot.get(key) is not None
    for part in ("company", "partner", "totals"):
        for value in snapshot[part].values():
            total += value is not None
    for ln in snapshot["lines"]:
        for value in ln.values():
            total += value is not None
        for tax in ln["taxes"]:
            total += tax["sii_code"] or 0
    return total


def rut_only(snapshot):
    return stdnum_rut.is_valid(snapshot["partner"].get("rut") or "")


def median_us(function, items, repeat):
    """Median over items of the per-item time (best of ``repeat`` runs each), in microseconds."""
    samples = []
    for item in items:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            function(item)
            best = min(best, time.perf_counter() - started)
        samples.append(best * 1e6)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--orm-db", help="also run the ORM part (bench/dte_rules_orm.py) on this database")
    parser.add_argument("--orm-invoices", type=int, default=1000)
    args = parser.parse_args()

    rng = random.Random(args.seed)  # noqa: S311 (test data, not secrets)
    invoices = [an_invoice(rng) for _ in range(args.invoices)]
    snapshots = [Snapshot.from_dict(invoice) for invoice in invoices]
    for snapshot in snapshots[:50]:  # warm up
        check(snapshot)

    verdicts = [verdict(check(snapshot)) for snapshot in snapshots]
    lines = statistics.median(len(invoice["lines"]) for invoice in invoices)
    print(f"{args.invoices} generated invoices (median {lines:g} lines); verdicts:",
          {v: verdicts.count(v) for v in ("send", "review", "reject")})  # fmt: skip

    full = median_us(check, invoices, args.repeat)
    rules = median_us(check, snapshots, args.repeat)
    build = median_us(Snapshot.from_dict, invoices, args.repeat)
    noop = median_us(noop_pass, invoices, args.repeat)
    rut = median_us(rut_only, invoices, args.repeat)

    print(f"check(dict)      {full:8.1f} us/invoice  (snapshot build + every rule)")
    print(f"  from_dict      {build:8.1f} us/invoice")
    print(f"  check(Snapshot){rules:8.1f} us/invoice  (rules alone)")
    print(f"baseline no-op   {noop:8.1f} us/invoice  (touch every value once)")
    print(f"baseline RUT     {rut:8.1f} us/invoice  (stdnum.cl.rut alone)")
    print(f"ratio check(dict) / no-op pass : {full / noop:6.1f}x")
    print(f"ratio check(dict) / RUT check  : {full / rut:6.1f}x")
    print(f"ratio rules alone / RUT check  : {rules / rut:6.1f}x")
    print(f"invoices checked per second (one core): {1e6 / full:,.0f}")

    if args.orm_db:  # account.move -> snapshot, validation records, chatter; Claude's tokens and cost
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import dte_rules_orm  # noqa: PLC0415

        dte_rules_orm.run(args.orm_db, args.orm_invoices)


if __name__ == "__main__":
    main()
