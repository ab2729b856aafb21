"""PO matching with Odoo's REAL matcher, in a scratch copy of a database (part of ``bench/bill_coding.py``
when ``--db`` is given).

The 300 bills of ``bill_coding_po.generate`` are replayed in a fresh company of ``<db>_bench_po`` (a
``createdb -T`` copy, dropped at the end; ``l10n_cl_ai_purchase`` must be installed in ``<db>``): each
purchase order is created and confirmed just before the first bill that sees it, each bill is created as
a draft vendor bill (``ref`` = the order's name when the generated bill references it) and matched twice,
each time on a fresh copy of the bill:

* Odoo alone: ``_find_and_set_purchase_orders([ref], vendor, total)``, Odoo 19's own code (references,
  then the vendor and the total; it replaces the bill's lines by the order's on a total match);
* Odoo then ours: ``_l10n_cl_ai_match_purchase_orders()`` of ``l10n_cl_ai_purchase`` (Odoo's call first,
  then ``po_match`` on the lines left; Claude off);

each run rolled back to a savepoint; then the bill is billed as the generator says (a draft bill linked to
the true order lines), so the next bill sees the order state the generator assumed. A bill line counts as
linked correctly when it ends up on its true order line (a line Odoo replaced: when the true order line is
on the bill), falsely linked when it ends up on another order line (or its bill on the wrong order), not
linked otherwise.
"""

import logging
import time

from bill_coding_po import MISS_AMBIGUOUS, MISS_UNDECIDABLE, MISS_WORDING, generate, miss_cause, undecidable
from scratch_db import scratch_registry

from services.bill_coding.po_match import DEFAULT_MATCH_PARAMS


def _score(bill, move, line_ids, po_lines):
    """(correct, false, missed) over the generated bill's lines, after a matcher ran on ``move``;
    ``missed``: the generated lines on an order left unlinked; ``po_lines``: generated order line id ->
    database order line id."""
    move.invalidate_recordset()
    linked_on_bill = set(move.invoice_line_ids.purchase_line_id.ids)
    correct = false = 0
    missed = []
    for generated, line_id in zip(bill.lines, line_ids, strict=True):
        truth = po_lines.get(bill.truth[generated.line_id])
        line = move.invoice_line_ids.filtered(lambda item, line_id=line_id: item.id == line_id)
        if line:
            linked = line.purchase_line_id.id
            if linked:
                correct += linked == truth
                false += linked != truth
            elif truth is not None:
                missed.append(generated)
        elif truth is not None and linked_on_bill:  # replaced by order lines: its own, or another order's
            correct += truth in linked_on_bill
            false += truth not in linked_on_bill
        elif truth is not None:
            missed.append(generated)
    return correct, false, missed


class Replay:
    """The generated world in one company of the scratch database."""

    def __init__(self, env):
        self.env = env
        company = env["res.company"].create({"name": "Bench PO matching SpA"})
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        self.env = env = env(context=dict(env.context, allowed_company_ids=company.ids))
        self.company = company
        self.journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "purchase")], limit=1
        )
        self.partners, self.products, self.orders, self.po_lines = {}, {}, {}, {}
        env["ir.config_parameter"].sudo().set_param("l10n_cl_ai.bill_coding_claude", "False")

    def partner(self, vendor_id):
        if vendor_id not in self.partners:
            self.partners[vendor_id] = self.env["res.partner"].create(
                {"name": f"Proveedor bench {vendor_id}", "is_company": True}
            )
        return self.partners[vendor_id]

    def product(self, product_id):
        if product_id not in self.products:
            self.products[product_id] = self.env["product.product"].create(
                {"name": f"Producto {product_id}", "type": "consu", "purchase_method": "purchase"}
            )
        return self.products[product_id]

    def ensure_orders(self, bill):
        """Create (confirmed) the orders of ``bill``'s snapshot not created yet."""
        new = {}
        for line in bill.snapshot:
            if line.order_id not in self.orders:
                new.setdefault(line.order_id, []).append(line)
        for order_id, lines in sorted(new.items()):
            order = self.env["purchase.order"].create(
                {
                    "partner_id": self.partner(lines[0].vendor_id).id,
                    "company_id": self.company.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product(line.product_id).id,
                                "name": line.description,
                                "product_qty": line.quantity_ordered,
                                "price_unit": line.price_unit,
                                "tax_ids": [(5,)],
                            },
                        )
                        for line in lines
                    ],
                }
            )
            order.button_confirm()
            self.orders[order_id] = order
            for line, po_line in zip(lines, order.order_line, strict=True):
                self.po_lines[line.po_line_id] = po_line.id

    def draft(self, bill, truth=False):
        order = self.orders.get(bill.reference)
        return self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.partner(bill.vendor_id).id,
                "journal_id": self.journal.id,
                "invoice_date": "2026-11-10",
                "ref": order.name if order and not truth else False,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": line.description,
                            "quantity": line.quantity,
                            "price_unit": line.price_unit,
                            "tax_ids": [(5,)],
                            **({"product_id": self.product(line.product_id).id} if line.product_id else {}),
                            **(
                                {"purchase_line_id": self.po_lines[bill.truth[line.line_id]]}
                                if truth and bill.truth[line.line_id]
                                else {}
                            ),
                        },
                    )
                    for line in bill.lines
                ],
            }
        )


def run(db, conf, seed=7):
    """Print linked share and false links of Odoo's real matcher alone and with ours added."""
    import odoo  # noqa: PLC0415

    bills = generate(seed)
    half = len(bills) // 2
    totals = {"odoo alone": [0, 0, 0, 0, 0], "odoo then ours": [0, 0, 0, 0, 0]}  # correct, false x2 halves
    linkable = [0, 0]
    seconds = {name: 0.0 for name in totals}
    causes = [dict.fromkeys((MISS_WORDING, MISS_AMBIGUOUS, MISS_UNDECIDABLE), 0) for _part in range(2)]
    decidable = [[0, 0], [0, 0]]  # correct, linkable over the bills that are not undecidable
    with scratch_registry(db, conf, "po") as registry, registry.cursor() as cr:
        logging.getLogger("odoo").setLevel(logging.WARNING)
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if "l10n_cl_ai.po.proposal" not in env:
            raise SystemExit(f"l10n_cl_ai_purchase is not installed in {db}")
        replay = Replay(env)
        env = replay.env
        for index, bill in enumerate(bills):
            part = 0 if index < half else 1
            replay.ensure_orders(bill)
            replay.partner(bill.vendor_id)  # created outside the savepoints below, kept in the maps
            for line in bill.lines:
                if line.product_id:
                    replay.product(line.product_id)
            linkable[part] += sum(1 for truth in bill.truth.values() if truth is not None)
            for name in totals:
                # rolled back, not unlinked: Odoo keeps the billed quantity of an order line whose last
                # bill line was deleted (``_compute_qty_invoiced``), the next bills would see it billed
                savepoint = cr.savepoint()
                move = replay.draft(bill)
                line_ids = move.invoice_line_ids.ids
                started = time.perf_counter()
                if name == "odoo alone":
                    move._find_and_set_purchase_orders(
                        [move.ref] if move.ref else [], move.commercial_partner_id.id, move.amount_total
                    )
                else:
                    move._l10n_cl_ai_match_purchase_orders()
                env.flush_all()
                seconds[name] += time.perf_counter() - started
                correct, false, missed = _score(bill, move, line_ids, replay.po_lines)
                totals[name][2 * part] += correct
                totals[name][2 * part + 1] += false
                if name == "odoo then ours":
                    for line in missed:
                        cause = miss_cause(bill, line, DEFAULT_MATCH_PARAMS)
                        causes[part][cause] = causes[part].get(cause, 0) + 1
                    if not undecidable(bill):
                        decidable[part][0] += correct
                        decidable[part][1] += sum(1 for truth in bill.truth.values() if truth is not None)
                savepoint.close(rollback=True)
                env.invalidate_all(flush=False)
            replay.draft(bill, truth=True)
            if index % 50 == 49:
                print(f"  ... {index + 1} bills replayed")
        cr.rollback()
    print(f"\nPO matching with Odoo's real matcher ({len(bills)} bills, scratch copy of {db}):")
    print("  linked correctly / linkable lines, false links (tuning half | test half | all)")
    for name, (c0, f0, c1, f1, _unused) in totals.items():
        print(
            f"    {name:<16} {c0:>4} / {linkable[0]:<4} = {c0 / max(1, linkable[0]):.3f} false {f0} | "
            f"{c1:>4} / {linkable[1]:<4} = {c1 / max(1, linkable[1]):.3f} false {f1} | "
            f"{c0 + c1:>4} / {sum(linkable):<4} = {(c0 + c1) / max(1, sum(linkable)):.3f} false {f0 + f1}"
            f"   ({1000 * seconds[name] / len(bills):.0f} ms per bill)"
        )
    print("  odoo then ours, missed lines by cause (read from the generated bill; test half | all):")
    for cause in dict.fromkeys([*causes[0], *causes[1]]):
        test, tuning = causes[1].get(cause, 0), causes[0].get(cause, 0)
        print(f"    {cause:<58} {test:>4} | {test + tuning:>4}")
    for label, (correct, count) in (
        ("test half", decidable[1]),
        ("all", (decidable[0][0] + decidable[1][0], decidable[0][1] + decidable[1][1])),
    ):
        share = correct / max(1, count)
        print(f"    linked among the decidable bills' lines, {label}: {correct} / {count} = {share:.3f}")
