"""Demo purchase orders for the demo company: a hardware supplier with confirmed orders, one partly
received, to try "Match purchase orders" on a vendor bill."""

from odoo import api, fields, models


class L10nClAiPurchaseDemoData(models.AbstractModel):
    _name = "l10n_cl_ai.purchase.demo.data"
    _description = "Chilean AI purchase demo data"

    @api.model
    def _create_demo_orders(self, company_ids):
        company = self.env["res.company"].browse(company_ids)
        env = self.with_company(company).with_context(allowed_company_ids=company.ids).env
        vendor = env["res.partner"].create(
            {"name": "Ferretería Industrial del Sur SpA", "is_company": True, "company_id": company.id}
        )
        orders = [
            [("Fierro estriado 12mm x 12m", 100, 8900, 100), ("Cemento Polpaico 25kg", 200, 4990, 120)],
            [("Guantes de cabritilla talla L", 50, 2490, 50), ("Casco de seguridad blanco", 20, 5990, 20)],
            [("Servicio de arriendo de andamios (mes)", 1, 350000, 0)],
        ]
        products = {
            name: env["product.product"].create(
                {
                    "name": name,
                    "type": "service" if name.startswith("Servicio") else "consu",
                    "purchase_method": "purchase",
                    "supplier_taxes_id": [],
                }
            )
            for lines in orders
            for name, *_rest in lines
        }
        created = env["purchase.order"]
        for lines in orders:
            order = env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "company_id": company.id,
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": products[name].id,
                                "name": name,
                                "product_qty": quantity,
                                "price_unit": price,
                                "tax_ids": [],
                            }
                        )
                        for name, quantity, price, _received in lines
                    ],
                }
            )
            order.button_confirm()
            for line, (_name, _quantity, _price, received) in zip(order.order_line, lines, strict=True):
                line.qty_received = received
            created |= order
        return created
