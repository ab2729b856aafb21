"""``l10n_cl_ai.payroll.rates``: daily values of the SII written as Odoo currency rates.

Odoo's convention: a ``res.currency.rate`` holds the units of the currency per unit of the company's
currency, so one UF of 39.485,65 pesos is a CLF rate of 1 / 39.485,65 in a company whose currency is CLP.
Written for every root company whose currency is CLP (branches read their root's), in one query to
read what is there and one ``create`` for what is missing; a day whose value did not change is not
written again. Days without a value (the dollar on weekends and holidays) get no rate: Odoo takes the
last rate on or before a date. Values published ahead (the UF up to the 9th of the next month) are
written like the others.
"""

from odoo import api, models


class L10nClAiPayrollRates(models.AbstractModel):
    _name = "l10n_cl_ai.payroll.rates"
    _description = "Chilean AI: SII values as currency rates"

    @api.model
    def _clp_companies(self):
        """Root companies whose currency is CLP: Odoo keeps rates on root companies, branches read
        their root's."""
        return (
            self.env["res.company"]
            .sudo()
            .search([("currency_id.name", "=", "CLP"), ("parent_id", "=", False)])
        )

    @api.model
    def _write_rates(self, currency_code, values):
        """Write ``values`` (``{date: pesos per unit}``) as rates of ``currency_code`` in every CLP company,
        activating the currency when needed. Returns ``(created, updated)``."""
        companies = self._clp_companies()
        currency = (
            self.env["res.currency"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "=", currency_code)], limit=1)
        )
        if not companies or not currency or not values:
            return 0, 0
        if not currency.active:
            currency.active = True
        Rate = self.env["res.currency.rate"].sudo()
        existing = Rate.search_fetch(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "in", companies.ids),
                ("name", ">=", min(values)),
                ("name", "<=", max(values)),
            ],
            ["name", "company_id", "rate"],
        )
        found = {(rate.company_id.id, rate.name): rate for rate in existing}
        to_create, updated = [], 0
        for company in companies:
            for day, pesos in values.items():
                rate = 1.0 / float(pesos)
                current = found.get((company.id, day))
                if current is None:
                    to_create.append(
                        {"name": day, "rate": rate, "currency_id": currency.id, "company_id": company.id}
                    )
                elif abs(current.rate - rate) > rate * 1e-9:
                    current.rate = rate
                    updated += 1
        Rate.create(to_create)
        return len(to_create), updated
