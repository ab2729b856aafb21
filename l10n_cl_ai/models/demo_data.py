"""Demo invoices for the demo company: correct documents and documents with deliberate defects."""

from odoo import api, fields, models


class L10nClAiDemoData(models.AbstractModel):
    _name = "l10n_cl_ai.demo.data"
    _description = "Chilean AI demo data"

    @api.model
    def _create_demo_invoices(self, company_ids):
        company = self.env["res.company"].browse(company_ids)
        env = self.with_company(company).with_context(allowed_company_ids=company.ids).env
        chart = env["account.chart.template"]
        vat_19 = chart.ref("ITAX_19")
        journal = env["account.journal"].search(
            [*env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        journal.l10n_latam_use_documents = True
        doc = lambda code: env.ref(code)  # noqa: E731
        partners = {
            key: env.ref(f"l10n_cl_ai.partner_{key}")
            for key in ("los_andes", "invalid_rut", "no_giro", "consumer", "foreign")
        }
        today = fields.Date.context_today(self)

        def invoice(partner, doc_type, lines, **extra):
            return env["account.move"].create(
                {
                    "move_type": extra.pop("move_type", "out_invoice"),
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_date": today,
                    "l10n_latam_document_type_id": doc(doc_type).id,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {"name": name, "quantity": qty, "price_unit": price, "tax_ids": taxes}
                        )
                        for name, qty, price, taxes in lines
                    ],
                    **extra,
                }
            )

        taxed = [(fields.Command.set(vat_19.ids))]
        correct = invoice(
            partners["los_andes"],
            "l10n_cl.dc_a_f_dte",
            [
                ("Resma papel carta 500 hojas", 40, 3990, taxed),
                ("Archivador palanca lomo ancho", 25, 1790, taxed),
            ],
        )
        correct.action_post()
        # Draft with defects: receiver without giro, one line with an empty description.
        invoice(
            partners["no_giro"],
            "l10n_cl.dc_a_f_dte",
            [
                ("Servicio de mantención de equipos", 1, 450000, taxed),
                (" ", 2, 12500, taxed),
            ],
        )
        # Draft 33 with no VAT at all: should be a 34 (EXENTO_EN_33).
        invoice(partners["los_andes"], "l10n_cl.dc_a_f_dte", [("Asesoría contable exenta", 1, 300000, [])])
        # Draft 33 to a customer whose RUT has a wrong check digit (RUT_RECEPTOR).
        invoice(
            partners["invalid_rut"],
            "l10n_cl.dc_a_f_dte",
            [("Tornillos galvanizados caja 100", 30, 2490, taxed)],
        )
        # A correct exempt invoice (34).
        exempt = invoice(
            partners["los_andes"], "l10n_cl.dc_y_f_dte", [("Curso de capacitación SENCE", 1, 250000, [])]
        )
        exempt.action_post()
        # Credit note (61) cancelling the correct invoice, and a debit note (56) on it.
        credit_note = correct._reverse_moves(
            default_values_list=[
                {
                    "invoice_date": today,
                    "journal_id": journal.id,
                    "l10n_latam_document_type_id": doc("l10n_cl.dc_nc_f_dte").id,
                    "ref": "Anula factura por devolución total",
                }
            ]
        )
        credit_note.action_post()
        env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "journal_id": journal.id,
                "partner_id": partners["los_andes"].id,
                "invoice_date": today,
                "debit_origin_id": correct.id,
                "l10n_latam_document_type_id": doc("l10n_cl.dc_nd_f_dte").id,
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "name": "Intereses por pago atrasado",
                            "quantity": 1,
                            "price_unit": 15000,
                            "tax_ids": taxed,
                        }
                    ),
                ],
            }
        )
        return True
