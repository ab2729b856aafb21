"""``account.move`` -> the plain snapshot dict ``services/dte_rules`` checks (format: ``snapshot.py``).

One AbstractModel so that a module providing the enterprise-only data (CAF/folios, SII resolution,
certificate, ACTECO codes, DTE e-mail) can override one hook. In Community those values are ``None``:
the rules then skip their checks and say so once, as info, instead of reporting false errors.
"""

import datetime
import hashlib
import json

import pytz

from odoo import api, fields, models

from ..services.rut import is_natural_person

SANTIAGO = pytz.timezone("America/Santiago")
FINGERPRINT_LANG = "en_US"  # the fingerprint's reading language: the source text of translated values


class L10nClAiDteSnapshot(models.AbstractModel):
    _name = "l10n_cl_ai.dte.snapshot"
    _description = "DTE snapshot builder (account.move -> plain dict)"

    @api.model
    def _today(self):
        """Today in Chile (the SII's calendar), whatever the user's or the server's timezone."""
        return datetime.datetime.now(SANTIAGO).date()

    @api.model
    def _snapshot(self, move, today=None):
        """The snapshot of one move as a plain dict (dates as ``datetime.date``)."""
        move.ensure_one()
        doc_type = move.l10n_latam_document_type_id
        currency = move.currency_id
        return {
            "today": today or self._today(),
            "document_type": doc_type.code or None,
            "document_internal_type": doc_type.internal_type or None,
            "uses_documents": bool(move.l10n_latam_use_documents),
            "move_type": move.move_type,
            "state": move.state,
            "issue_date": move.invoice_date or None,
            "currency": currency.name,
            "currency_decimals": currency.decimal_places,
            "currency_sii_name": currency.l10n_cl_short_name or None,
            "exchange_rate": self._exchange_rate(move),
            "company": self._company(move.company_id),
            "partner": self._partner(move),
            "lines": [self._line(line) for line in move.invoice_line_ids if line.display_type == "product"],
            "totals": self._totals(move),
            "references": [self._reference(ref) for ref in move.l10n_cl_ai_reference_ids],
            "origin": self._origin(move),
        }

    @api.model
    def _fingerprint(self, move, snapshot=None):
        """A hash of what a validation looks at: the snapshot without today's date and the move's state,
        plus the accounting date. It changes when an amount, the partner, a date, the type, a line or a
        reference does, never with the language it is read in (tax, tax group and product names are
        translated): the snapshot is read in ``FINGERPRINT_LANG``; ``snapshot``, when already built from
        ``move`` in that language, is reused."""
        if snapshot is None or move.env.lang != FINGERPRINT_LANG:
            move = move.with_context(lang=FINGERPRINT_LANG)
            snapshot = self.with_context(lang=FINGERPRINT_LANG)._snapshot(move, today=datetime.date.min)
        values = dict(snapshot)
        values.pop("today", None)
        values.pop("state", None)
        values["accounting_date"] = move.date
        text = json.dumps(values, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @api.model
    def _is_person(self, partner):
        """A natural person (Ley 21.719): not a company, or a company with a person's RUT."""
        return is_natural_person(partner.is_company, partner.vat)

    # -- parts -----------------------------------------------------------------------------------------
    @api.model
    def _exchange_rate(self, move):
        """CLP per unit of a foreign document currency (TpoCambio); ``None`` in the company currency."""
        if move.currency_id == move.company_id.currency_id:
            return None
        if move.invoice_currency_rate:
            return 1 / move.invoice_currency_rate
        return None

    @api.model
    def _company(self, company):
        values = {
            "rut": company.vat or None,
            "name": company.name or "",
            "giro": company.l10n_cl_activity_description or "",
            "street": company.street or "",
            "city": company.city or "",
            "tax_rounding": company.tax_calculation_rounding_method or "round_per_line",
        }
        values.update(self._company_dte_data(company))
        return values

    @api.model
    def _company_dte_data(self, company):
        """The enterprise-only issuer data, read where an installed module provides the field.

        Returns ``acteco``, ``resolution``, ``certificate``, ``caf`` and ``dte_email``; ``None`` for each
        value no installed module provides. Certificates and CAFs have no field this addon can read with
        confidence: an electronic-invoicing bridge module overrides this method to supply them.
        """
        fields_ = company._fields
        acteco = None
        if "l10n_cl_company_activity_ids" in fields_:
            acteco = [activity.code for activity in company.l10n_cl_company_activity_ids]
        resolution = None
        if "l10n_cl_dte_resolution_number" in fields_:
            resolution = {
                "number": company.l10n_cl_dte_resolution_number or None,
                "date": company["l10n_cl_dte_resolution_date"]
                if "l10n_cl_dte_resolution_date" in fields_
                else None,
            }
        dte_email = (company.l10n_cl_dte_email or "") if "l10n_cl_dte_email" in fields_ else None
        return {
            "acteco": acteco,
            "resolution": resolution,
            "certificate": None,
            "caf": None,
            "dte_email": dte_email,
        }

    @api.model
    def _partner(self, move):
        commercial = move.commercial_partner_id
        address = move.partner_id if move.partner_id.street else commercial
        country = commercial.country_id
        return {
            "name": commercial.name or "",
            "rut": commercial.vat or None,
            "country_code": country.code or None,
            "taxpayer_type": commercial.l10n_cl_sii_taxpayer_type or None,
            "giro": commercial.l10n_cl_activity_description or "",
            "street": address.street or "",
            "city": address.city or "",
            "is_natural_person": self._is_person(commercial),
            "dte_email": (commercial.l10n_cl_dte_email or "")
            if "l10n_cl_dte_email" in commercial._fields
            else None,
            "customs_code": country.l10n_cl_customs_code or None,
        }

    @api.model
    def _line(self, line):
        product_name = line.product_id.name or ""
        label = (line.name or "").strip()
        if product_name:
            name = product_name
            description = "" if label in (product_name, line.product_id.display_name) else label
        else:
            name, description = label, ""
        return {
            "name": name,
            "description": description,
            "quantity": line.quantity,
            "price_unit": line.price_unit,
            "discount": line.discount,
            "subtotal": line.price_subtotal,
            "total": line.price_total,
            "taxes": [self._tax(tax) for tax in line.tax_ids.flatten_taxes_hierarchy()],
        }

    @api.model
    def _tax(self, tax):
        return {
            "sii_code": tax.l10n_cl_sii_code or None,
            "amount_type": tax.amount_type,
            "rate": tax.amount,
            "price_include": bool(tax.price_include),
            "name": tax.name or "",
        }

    @api.model
    def _totals(self, move):
        """Amounts as Odoo stores them, and one entry per tax group from the tax lines (signed:
        withholdings are negative), with the base of the product lines carrying that group's taxes."""
        groups = {}
        for line in move.line_ids:
            tax = line.tax_line_id
            if not tax:
                continue
            group = groups.setdefault(
                line.tax_group_id.id,
                {"name": line.tax_group_id.name or tax.name, "codes": set(), "base": 0.0, "amount": 0.0},
            )
            group["codes"].add(tax.l10n_cl_sii_code or None)
            group["amount"] += line.amount_currency * move.direction_sign
        for line in move.invoice_line_ids:
            if line.display_type != "product":
                continue
            for group_id in set(line.tax_ids.flatten_taxes_hierarchy().tax_group_id.ids):
                if group_id in groups:
                    groups[group_id]["base"] += line.price_subtotal
        round_ = move.currency_id.round
        return {
            "amount_untaxed": move.amount_untaxed,
            "amount_tax": move.amount_tax,
            "amount_total": move.amount_total,
            "tax_groups": [
                {
                    "name": group["name"],
                    "sii_code": next(iter(group["codes"])) if len(group["codes"]) == 1 else None,
                    "base": round_(group["base"]),
                    "amount": round_(group["amount"]),
                }
                for group in groups.values()
            ],
        }

    @api.model
    def _reference(self, ref):
        return {
            "doc_type": ref.document_type_id.code or ref.reference_code or None,
            "folio": ref.folio or None,
            "date": ref.date or None,
            "codref": int(ref.codref) if ref.codref else None,
            "reason": ref.reason or "",
            "rut_other": ref.rut_other or None,
        }

    @api.model
    def _origin(self, move):
        """The modified document: ``reversed_entry_id`` (credit notes) or ``debit_origin_id``."""
        origin = move.reversed_entry_id
        debit = False
        if not origin and "debit_origin_id" in move._fields:
            origin = move.debit_origin_id
            debit = bool(origin)
        if not origin:
            return None
        credited = 0.0
        if move.move_type == "out_refund":
            others = self.env["account.move"].search(
                [
                    ("reversed_entry_id", "=", origin.id),
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("id", "!=", move.id),
                ]
            )
            credited = sum(others.mapped("amount_total"))
        return {
            "doc_type": origin.l10n_latam_document_type_id.code or None,
            "folio": origin.l10n_latam_document_number or None,
            "date": origin.invoice_date or None,
            "amount_total": origin.amount_total,
            "codref": int(move.l10n_cl_ai_origin_codref) if move.l10n_cl_ai_origin_codref else None,
            "credited_total": credited,
            "debit": debit,
        }


def json_safe(value):
    """A snapshot (or any plain value) with dates as ISO strings, for prompts and stored JSON."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return fields.Date.to_string(value) if type(value) is datetime.date else value.isoformat()
    return value
