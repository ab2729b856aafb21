"""Vendor bills matched to purchase orders (Odoo's matcher, then ours) and their three-way findings."""

import datetime

from odoo import Command
from odoo.tests import tagged

from odoo.addons.l10n_cl_ai.tests.bill_coding_common import RENT, BillCodingCommon


@tagged("post_install", "-at_install")
class TestPoMatching(BillCodingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Ferretería Industrial del Sur SpA", "is_company": True}
        )

        def product(name, kind="consu"):
            return cls.env["product.product"].create(
                {"name": name, "type": kind, "purchase_method": "purchase", "supplier_taxes_id": []}
            )

        cls.rebar = product("Fierro estriado 12mm x 12m")
        cls.cement = product("Cemento Polpaico 25kg")
        cls.scaffold = product("Servicio arriendo de andamios mensual", "service")
        cls.order = cls.purchase_order([(cls.rebar, 100, 8900, 60), (cls.cement, 200, 4990, 200)])
        cls.service_order = cls.purchase_order([(cls.scaffold, 1, 350000, 0)])

    @classmethod
    def purchase_order(cls, lines, vendor=None):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": (vendor or cls.vendor).id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": qty, "price_unit": price, "tax_ids": []}
                    )
                    for product, qty, price, _received in lines
                ],
            }
        )
        order.button_confirm()
        for line, (_product, _qty, _price, received) in zip(order.order_line, lines, strict=True):
            line.qty_received = received
        return order

    def setUp(self):
        super().setUp()
        self.set_engine_params(bill_coding_claude="False", po_price_tolerance_pct="0")

    def _bill(self, lines, **values):
        return self.bill(self.vendor, [(name, qty, price, None) for name, qty, price in lines], **values)

    def _codes(self, bill):
        return set(bill.l10n_cl_ai_last_validation_id.finding_ids.mapped("code"))

    def test_a_bill_without_reference_is_matched_by_its_lines(self):
        bill = self._bill(
            [("FIERRO ESTRIADO 12 MM X 12 M", 60, 8900), ("Cemento Polpaico saco 25 kg", 200, 4990)]
        )
        bill.action_l10n_cl_ai_match_purchase_orders()
        rebar, cement = bill.invoice_line_ids
        self.assertEqual(rebar.purchase_line_id.product_id, self.rebar)
        self.assertEqual(cement.purchase_line_id.product_id, self.cement)
        self.assertEqual(
            (rebar.l10n_cl_ai_po_link, cement.l10n_cl_ai_po_link), ("description", "description")
        )
        self.assertGreater(rebar.l10n_cl_ai_po_score, 0.5)
        self.assertEqual(self._codes(bill), set())
        self.assertEqual(bill.l10n_cl_ai_state, "ok")

    def test_odoo_matches_an_801_reference_and_total_first(self):
        number = "".join(ch for ch in self.service_order.name if ch.isdigit())
        bill = self._bill(
            [("Arriendo andamios", 1, 350000)],
            l10n_cl_ai_reference_ids=[
                Command.create(
                    {
                        "document_type_id": self.env.ref("l10n_cl.dc_odc").id,
                        "folio": str(int(number)),
                        "date": datetime.date(2026, 7, 1),
                    }
                )
            ],
        )
        bill.action_l10n_cl_ai_match_purchase_orders()
        linked = bill.invoice_line_ids.filtered("purchase_line_id")
        self.assertEqual(linked.purchase_line_id, self.service_order.order_line)
        self.assertEqual(set(linked.mapped("l10n_cl_ai_po_link")), {"odoo"})

    def test_partial_delivery_is_flagged(self):
        bill = self._bill([("Fierro estriado 12mm x 12m", 100, 8900)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertEqual(bill.invoice_line_ids.purchase_line_id.product_id, self.rebar)
        self.assertEqual(self._codes(bill), {"OC_CANTIDAD"})
        self.assertEqual(bill.l10n_cl_ai_state, "error")
        self.assertIn("60", bill.l10n_cl_ai_last_validation_id.finding_ids.message)

    def test_price_above_the_order_by_more_than_the_tolerance(self):
        bill = self._bill([("Cemento Polpaico 25kg", 200, 5290)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertEqual(bill.invoice_line_ids.purchase_line_id.product_id, self.cement)
        self.assertEqual(self._codes(bill), {"OC_PRECIO"})
        self.set_engine_params(po_price_tolerance_pct="10")
        bill._l10n_cl_ai_three_way()
        self.assertEqual(self._codes(bill), set())

    def test_a_service_billed_above_what_was_ordered(self):
        bill = self._bill([("Arriendo andamios dos meses", 2, 350000)])
        bill.invoice_line_ids.purchase_line_id = self.service_order.order_line
        bill._l10n_cl_ai_three_way()
        self.assertEqual(self._codes(bill), {"OC_CANTIDAD"})

    def test_an_order_line_already_fully_billed(self):
        first = self._bill([("Arriendo andamios", 1, 350000)])
        first.invoice_line_ids.purchase_line_id = self.service_order.order_line
        first.action_post()
        second = self._bill([("Arriendo andamios", 1, 350000)])
        second.invoice_line_ids.purchase_line_id = self.service_order.order_line
        second._l10n_cl_ai_three_way()
        self.assertEqual(self._codes(second), {"OC_YA_FACTURADA"})

    def test_a_vendor_that_bills_against_orders_without_one(self):
        for _index in range(3):
            order = self.purchase_order([(self.cement, 10, 4990, 10)])
            posted = self._bill([("Cemento Polpaico 25kg", 10, 4990)])
            posted.invoice_line_ids.purchase_line_id = order.order_line
            posted.action_post()
        bill = self._bill([("Flete especial a obra Temuco", 1, 180000)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertFalse(bill.invoice_line_ids.purchase_line_id)
        self.assertEqual(self._codes(bill), {"OC_SIN_OC"})

    def test_a_different_size_is_not_linked(self):
        bill = self._bill([("Fierro estriado 16mm x 12m", 60, 8900)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertFalse(bill.invoice_line_ids.purchase_line_id)

    def test_claude_down_leaves_an_unmatched_line_unlinked_with_the_reason(self):
        self.set_engine_params(bill_coding_claude="True")
        bill = self._bill([("Material de obra varios", 1, 40000)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        line = bill.invoice_line_ids
        self.assertEqual(line.l10n_cl_ai_po_proposal_state, "queued")
        for _attempt in range(3):
            self.anthropic.server_error()
        self.env.flush_all()
        self.env.ref("l10n_cl_ai_purchase.ir_cron_po_proposal_queue").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(line.l10n_cl_ai_po_proposal_state, "unavailable")
        self.assertFalse(line.purchase_line_id)
        self.assertIn("Claude could not propose", line.l10n_cl_ai_po_note)

    def test_claudes_proposal_is_linked_only_when_accepted(self):
        self.set_engine_params(bill_coding_claude="True")
        bill = self._bill([("Material de obra varios", 1, 340000)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        line = bill.invoice_line_ids
        candidates, _billed = bill._l10n_cl_ai_open_po_lines()
        number = list(candidates).index(self.service_order.order_line) + 1
        self.anthropic.reply_json({"candidate": number, "confidence": 60, "reason": "Mismo monto."})
        self.env.flush_all()
        self.env.ref("l10n_cl_ai_purchase.ir_cron_po_proposal_queue").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(line.l10n_cl_ai_po_proposal_state, "proposed")
        self.assertFalse(line.purchase_line_id)
        line.action_l10n_cl_ai_accept_po_proposal()
        self.assertEqual(line.purchase_line_id, self.service_order.order_line)
        self.assertEqual(line.l10n_cl_ai_po_link, "claude")

    def test_a_referenced_order_line_odoo_added_then_removed_stays_open(self):
        """Odoo's subset match adds every line of the referenced order and removes those it did not
        match; their billed quantity (``qty_invoiced``) is not reset then. Ours must still see them open
        and link the price-changed line to the referenced order, not to another order of the vendor."""
        other = self.purchase_order([(self.cement, 200, 4990, 200)])
        bill = self._bill(
            [("Fierro estriado 12mm x 12m", 60, 8900), ("Cemento Polpaico 25kg", 200, 5100)],
            ref=self.order.name,
        )
        bill.action_l10n_cl_ai_match_purchase_orders()
        lines = bill.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        cement = lines.filtered(lambda line: line.purchase_line_id.product_id == self.cement)
        self.assertEqual(cement.purchase_line_id.order_id, self.order)
        self.assertNotIn(other, lines.purchase_line_id.order_id)

    def test_an_imported_bill_is_matched_then_its_other_lines_coded(self):
        self.set_engine_params(bill_coding_threshold="0.5")
        bill = self.bill(
            self.landlord,
            [("Cemento Polpaico 25kg", 200, 4990, None), (RENT.format(month="julio"), 1, 950000, None)],
        )
        bill.partner_id = self.vendor
        bill._l10n_cl_ai_after_import()
        cement, rent = bill.invoice_line_ids
        self.assertEqual(cement.purchase_line_id.product_id, self.cement)
        self.assertFalse(cement.l10n_cl_ai_suggestion_id, "a line on an order takes the order's account")
        self.assertTrue(rent.l10n_cl_ai_suggestion_id)

    def test_a_billing_user_matches_and_codes_a_bill(self):
        user = self.company_user("billing_only", "account.group_account_invoice", self.company)
        bill = self._bill(
            [("Fierro estriado 12mm x 12m", 100, 8900), (RENT.format(month="julio"), 1, 950000)]
        )
        bill.with_user(user).action_l10n_cl_ai_match_purchase_orders()
        bill.with_user(user).action_l10n_cl_ai_suggest_coding()
        rebar, rent = bill.invoice_line_ids
        self.assertEqual(rebar.purchase_line_id.product_id, self.rebar)
        self.assertEqual(self._codes(bill), {"OC_CANTIDAD"})
        self.assertTrue(rent.l10n_cl_ai_suggestion_id)
        self.assertEqual(rent.l10n_cl_ai_suggestion_id.user_id, user)

    def test_the_vendors_invoice_number_is_not_read_as_an_order_number(self):
        number = str(int("".join(ch for ch in self.service_order.name if ch.isdigit())))
        bill = self._bill([("Material de obra varios", 1, 340000)], ref=number)
        self.assertFalse(bill._l10n_cl_ai_referenced_orders(*bill._l10n_cl_ai_po_references()))
        bill.l10n_cl_ai_reference_ids = [
            Command.create(
                {"document_type_id": self.env.ref("l10n_cl.dc_odc").id, "folio": number, "date": "2026-07-01"}
            )
        ]
        self.assertEqual(
            bill._l10n_cl_ai_referenced_orders(*bill._l10n_cl_ai_po_references()), self.service_order
        )

    def test_the_findings_join_the_bills_current_dte_check(self):
        bill = self._bill([("Fierro estriado 12mm x 12m", 100, 8900)])
        check = self.env["l10n_cl_ai.validation"]._create_for(bill, "done")
        check.sudo().write(
            {
                "finding_ids": [
                    Command.create(
                        {
                            "code": "TED_FIRMA",
                            "severity": "warning",
                            "message": "x",
                            "source": "deterministic",
                        }
                    )
                ],
                "deterministic_recommendation": "review",
                "recommendation": "review",
                "result_state": "review",
            }
        )
        bill._l10n_cl_ai_store_result(check, self.env["l10n_cl_ai.dte.snapshot"]._snapshot(bill))
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertEqual(bill.l10n_cl_ai_last_validation_id, check)
        self.assertEqual(self._codes(bill), {"TED_FIRMA", "OC_CANTIDAD"})
        self.assertEqual((check.recommendation, bill.l10n_cl_ai_state), ("reject", "error"))
        bill.invoice_line_ids.purchase_line_id.qty_received = 100  # received since: checked again
        bill._l10n_cl_ai_three_way()
        self.assertEqual(bill.l10n_cl_ai_last_validation_id, check)
        self.assertEqual(self._codes(bill), {"TED_FIRMA"})
        self.assertEqual((check.recommendation, bill.l10n_cl_ai_state), ("review", "review"))

    def test_a_bill_on_two_open_orders_goes_to_the_order_its_other_lines_name(self):
        """No reference, no products, the vendor's wording; the cement is open on both orders at the
        same price, the rebar only on ``self.order``: the whole bill is for ``self.order``."""
        other = self.purchase_order([(self.cement, 300, 4990, 0)])
        bill = self._bill(
            [("COD 48213 FIERRO ESTRIADO 12 MM X 12 M", 60, 8900), ("CEMENTO POLPAICO SACO 25 KG", 50, 4990)]
        )
        bill.action_l10n_cl_ai_match_purchase_orders()
        rebar, cement = bill.invoice_line_ids
        self.assertEqual(rebar.purchase_line_id.order_id, self.order)
        self.assertEqual(
            cement.purchase_line_id,
            self.order.order_line.filtered(lambda line: line.product_id == self.cement),
        )
        self.assertEqual(cement.l10n_cl_ai_po_link, "order")
        self.assertNotIn(other, bill.invoice_line_ids.purchase_line_id.order_id)

    def test_a_bill_on_two_open_orders_goes_to_the_order_whose_rest_it_is(self):
        """Every line fits both orders (same products and prices, enough left on each); a price change
        keeps Odoo's vendor + total match out. The quantities are all that ``self.order`` has left."""
        other = self.purchase_order([(self.rebar, 150, 8900, 0), (self.cement, 300, 4990, 0)])
        bill = self._bill(
            [("FIERRO ESTRIADO 12MM X 12M", 100, 8900), ("CEMENTO POLPAICO SACO 25 KG", 200, 5100)]
        )
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertEqual(bill.invoice_line_ids.purchase_line_id, self.order.order_line)
        self.assertEqual(set(bill.invoice_line_ids.mapped("l10n_cl_ai_po_link")), {"order"})
        self.assertNotIn(other, bill.invoice_line_ids.purchase_line_id.order_id)

    def test_a_bill_on_two_open_orders_goes_to_the_order_that_received_it(self):
        """200 bags received on ``self.order`` and not billed yet, none on the other order."""
        self.purchase_order([(self.cement, 300, 4990, 0)])
        bill = self._bill([("CEMENTO POLPAICO SACO 25 KG", 200, 4990)])
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertEqual(bill.invoice_line_ids.purchase_line_id.order_id, self.order)
        self.assertEqual(bill.invoice_line_ids.l10n_cl_ai_po_link, "order")

    def test_a_bill_that_fits_two_open_orders_equally_is_not_linked(self):
        """The other order has rebar and cement too, 200 bags received on both orders. 100 bars are all
        the rebar ``self.order`` has left (60 received), but it still has cement open, and 100 of the other
        order's 150 is as likely a partial delivery; 200 bags are what each order received: nothing
        decides, no link."""
        self.purchase_order([(self.rebar, 150, 8900, 0), (self.cement, 300, 4990, 200)])
        for name, quantity, price in (
            ("FIERRO ESTRIADO 12MM X 12M", 100, 8900),
            ("CEMENTO POLPAICO 25KG", 200, 4990),
        ):
            bill = self._bill([(name, quantity, price)])
            bill.action_l10n_cl_ai_match_purchase_orders()
            self.assertFalse(bill.invoice_line_ids.purchase_line_id, name)

    def test_a_line_on_two_open_orders_follows_the_line_a_user_linked(self):
        other = self.purchase_order([(self.cement, 300, 4990, 0)])
        bill = self._bill([("Varios fierro", 60, 8900), ("CEMENTO POLPAICO SACO 25 KG", 50, 4990)])
        rebar, cement = bill.invoice_line_ids
        rebar.purchase_line_id = self.order.order_line.filtered(lambda line: line.product_id == self.rebar)
        bill.action_l10n_cl_ai_match_purchase_orders()
        self.assertEqual(cement.purchase_line_id.order_id, self.order)
        self.assertEqual(cement.l10n_cl_ai_po_link, "order")
        self.assertNotIn(other, bill.invoice_line_ids.purchase_line_id.order_id)
