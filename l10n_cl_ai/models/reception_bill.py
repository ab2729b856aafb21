"""``l10n_cl_ai.reception.bill``: a received DTE (plain ``ReceivedDte``) written onto a draft vendor bill.

Partner by ``RUTEmisor`` (created as a company when missing), document type and folio, dates, lines
(``IndExe`` lines without tax, the others with the company's 19 % purchase VAT), line discounts (as a
percentage when it gives the same amount to the peso, else as their own line), global discounts and
surcharges (``DscRcgGlobal``) as lines, references, the reception date and the XML. Amounts are never
adjusted to reach ``MntTotal``: a difference is the ``REC_BILL_TOTAL`` finding of the checks.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo import Command, api, fields, models

from ..services.reception import claim_window
from ..services.reception.checks import EXEMPT_DOCUMENTS
from ..services.rut import rut_variants, sii_rut

CREDIT_NOTE = "61"
DISCOUNT_DIGITS = 2  # account.move.line.discount ("Discount" precision)


def _peso(value):
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class L10nClAiReceptionBill(models.AbstractModel):
    _name = "l10n_cl_ai.reception.bill"
    _description = "Received DTE -> vendor bill"

    @api.model
    def _fill(self, invoice, doc, file_data):
        """Write ``doc`` on the draft ``invoice`` (no lines yet); ``file_data`` is the mixin's dict."""
        company = invoice.company_id
        vat = self._purchase_vat(company)
        partner = self._partner(doc, company)
        doc_type = self.env["l10n_latam.document.type"].search(
            [("code", "=", doc.doc_type), ("country_id.code", "=", "CL")], limit=1
        )
        attachment = file_data.get("attachment")
        if attachment:
            attachment.sudo().write({"res_model": "account.move", "res_id": invoice.id})
        values = {
            "partner_id": partner.id,
            "invoice_date": doc.issue_date,
            "currency_id": self._currency(doc, company).id,
            "invoice_line_ids": [Command.create(vals) for vals in self._line_values(doc, vat)],
            "l10n_cl_ai_reference_ids": [
                Command.create(vals) for vals in self._reference_values(doc) if vals
            ],
            "l10n_cl_ai_reception_date": claim_window.santiago_day(self._received_at(invoice)),
            "l10n_cl_ai_dte_attachment_id": attachment.id if attachment else False,
            "l10n_cl_ai_dte_key": f"{doc.doc_type}/{doc.folio}",
        }
        if doc.doc_type == CREDIT_NOTE and invoice.move_type == "in_invoice":
            values["move_type"] = "in_refund"
        if doc.due_date:
            values.update(invoice_payment_term_id=False, invoice_date_due=doc.due_date)
        if invoice.l10n_latam_use_documents and doc_type:
            values["l10n_latam_document_type_id"] = doc_type.id
            values["l10n_latam_document_number"] = str(doc.folio)
        invoice.write(values)  # one write: each one re-synchronises the bill's accounting lines
        return invoice

    # -- parts ---------------------------------------------------------------------------------------
    @api.model
    def _received_at(self, invoice):
        """The e-mail's date when the bill came from a journal alias, else now (the upload)."""
        mails = invoice.message_ids.filtered(lambda message: message.message_type == "email")
        return mails[:1].date or fields.Datetime.now()

    @api.model
    def _purchase_vat(self, company):
        """The company's 19 % purchase VAT (SII code 14), the default purchase tax when it is one."""
        default = company.account_purchase_tax_id
        if default.amount == 19 and default.amount_type == "percent" and default.l10n_cl_sii_code == 14:
            return default
        return self.env["account.tax"].search(
            [
                *self.env["account.tax"]._check_company_domain(company),
                ("type_tax_use", "=", "purchase"),
                ("amount_type", "=", "percent"),
                ("amount", "=", 19),
                ("l10n_cl_sii_code", "=", 14),
                ("price_include", "=", False),
            ],
            order="sequence, id",
            limit=1,
        )

    @api.model
    def _partner(self, doc, company):
        """The supplier by RUT (any spelling), created as a company when missing. An issuer RUT with a
        wrong check digit finds and creates nobody (REC_EMISOR says so)."""
        rut = sii_rut(doc.issuer_rut)
        if not rut:
            return self.env["res.partner"]
        partners = self.env["res.partner"]
        found = partners.search(
            [
                ("vat", "in", rut_variants(rut)),
                ("company_id", "in", [False, company.id]),
            ],
            order="is_company desc, parent_id desc, id",
            limit=1,
        )
        if found:
            return found.commercial_partner_id
        return partners.create(
            {
                "name": doc.issuer_name or rut,
                "is_company": True,
                "vat": rut,
                "country_id": self.env.ref("base.cl").id,
                "l10n_latam_identification_type_id": self.env.ref("l10n_cl.it_RUT").id,
                "l10n_cl_sii_taxpayer_type": "1",
                "l10n_cl_activity_description": (doc.issuer_giro or "")[:80] or False,
                "street": doc.issuer_street or False,
                "city": doc.issuer_comuna or doc.issuer_city or False,
            }
        )

    @api.model
    def _currency(self, doc, company):
        """Pesos (received documents are domestic); a foreign ``TpoMoneda`` by the SII's short name."""
        if doc.currency:
            currency = self.env["res.currency"].search(
                [("l10n_cl_short_name", "=ilike", doc.currency)], limit=1
            )
            if currency:
                return currency
        return self.env.ref("base.CLP", raise_if_not_found=False) or company.currency_id

    @api.model
    def _line_values(self, doc, vat):
        all_exempt = doc.doc_type in EXEMPT_DOCUMENTS
        out = []
        for line in doc.lines:
            name = "\n".join(part for part in (line.name, line.description) if part)
            if not (line.taxed or line.exempt):  # IndExe 2-6: not billable, kept as a note
                out.append(
                    {"display_type": "line_note", "name": f"{name} ({line.amount})", "sequence": len(out)}
                )
                continue
            taxes = [] if (line.exempt or all_exempt) else vat.ids
            out += self._item_values(line, name, taxes, len(out))
        out += self._global_values(doc, vat, all_exempt, len(out))
        return out

    @api.model
    def _item_values(self, line, name, taxes, sequence):
        quantity = line.quantity if line.quantity else Decimal(1)
        price = line.unit_price if line.unit_price is not None else line.amount / quantity
        gross = _peso(quantity * price)
        vals = {
            "name": name,
            "quantity": float(quantity),
            "price_unit": float(price),
            "tax_ids": [Command.set(taxes)],
            "sequence": sequence,
        }
        adjustment = line.surcharge_amount - line.discount_amount
        if line.discount_pct and not line.surcharge_amount:
            pct = line.discount_pct
        elif gross and line.discount_amount and not line.surcharge_amount:
            pct = (line.discount_amount * 100 / gross).quantize(Decimal(10) ** -DISCOUNT_DIGITS)
        else:
            pct = None
        if pct is not None and _peso(gross * (1 - pct / 100)) == line.amount:
            return [{**vals, "discount": float(pct)}]
        if gross + adjustment != line.amount:  # price x quantity is not what the line says: keep the line
            vals.update(quantity=1.0, price_unit=float(line.amount))
            return [vals]
        extra = []
        if adjustment:
            label = self.env._("Discount on line %(line)s", line=line.number)
            if adjustment > 0:
                label = self.env._("Surcharge on line %(line)s", line=line.number)
            extra.append(
                {
                    "name": label,
                    "quantity": 1.0,
                    "price_unit": float(adjustment),
                    "tax_ids": [Command.set(taxes)],
                    "sequence": sequence + 1,
                }
            )
        return [vals, *extra]

    @api.model
    def _global_values(self, doc, vat, all_exempt, sequence):
        """``DscRcgGlobal`` as lines, applied in order (a percentage on what is left), like the checks."""
        sums = {"taxed": Decimal(0), "exempt": Decimal(0)}
        for line in doc.lines:
            if line.exempt or (all_exempt and line.taxed):
                sums["exempt"] += line.amount
            elif line.taxed:
                sums["taxed"] += line.amount
        out = []
        for discount in doc.global_discounts:
            if discount.ind_exe == 2:
                continue
            target = "exempt" if discount.ind_exe == 1 or all_exempt else "taxed"
            amount = (
                Decimal(_peso(sums[target] * discount.value / 100))
                if discount.value_type == "%"
                else discount.value
            )
            signed = -amount if discount.kind == "D" else amount
            sums[target] += signed
            default = (
                self.env._("Global discount") if discount.kind == "D" else self.env._("Global surcharge")
            )
            out.append(
                {
                    "name": discount.description or default,
                    "quantity": 1.0,
                    "price_unit": float(signed),
                    "tax_ids": [Command.set([] if target == "exempt" else vat.ids)],
                    "sequence": sequence + len(out),
                }
            )
        return out

    @api.model
    def _reference_values(self, doc):
        """``Referencia`` rows for ``l10n_cl_ai.dte.reference`` (type, folio, date, CodRef, reason). The
        type is Odoo's document type of that code when there is one (33, 801, HES, HEM...) and the code as
        written in any case, so a type Odoo does not know is kept too; a reference without folio or date
        (a global one) is not kept."""
        types = self.env["l10n_latam.document.type"]
        out = []
        for ref in doc.references:
            code = (ref.doc_type or "").strip()
            if not (code and ref.folio and ref.date):
                out.append(None)
                continue
            doc_type = types.search([("code", "=", code), ("country_id.code", "=", "CL")], limit=1)
            out.append(
                {
                    "sequence": ref.number,
                    "document_type_id": doc_type.id or False,
                    "reference_code": code,
                    "folio": ref.folio,
                    "date": ref.date,
                    "codref": str(ref.code) if ref.code in (1, 2, 3) else False,
                    "reason": (ref.reason or "")[:90] or False,
                }
            )
        return out
