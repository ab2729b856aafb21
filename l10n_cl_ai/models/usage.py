"""``l10n_cl_ai.usage``: one row per Claude call outcome, successes, failures and refusals alike."""

import pytz

from odoo import api, fields, models


def _to_utc_naive(moment):
    return moment.astimezone(pytz.utc).replace(tzinfo=None)


OUTCOMES = [
    ("ok", "Success"),
    ("error", "Error"),
    ("unavailable", "Claude unavailable"),
    ("bad_request", "Request refused by Claude"),
    ("spend_limit", "Anthropic spend limit reached"),
    ("invalid_reply", "Invalid reply"),
    ("rate_limited", "Rate limited"),
    ("budget_exceeded", "Budget exceeded"),
    ("cost_ceiling", "Cost ceiling"),
    ("circuit_open", "Circuit open"),
    ("configuration", "Configuration error"),
    ("price_missing", "Model without price"),
]
FEATURES = [
    ("dte_validation", "DTE validation"),
    ("chat", "Discuss bot"),
    ("sii_scraper", "SII publications"),
    ("other", "Other"),
]


class L10nClAiUsage(models.Model):
    _name = "l10n_cl_ai.usage"
    _description = "AI usage (one row per Claude call)"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    feature = fields.Selection(FEATURES, required=True, default="other", index=True)
    plugin = fields.Char(index=True)
    model = fields.Char(string="Claude model", index=True)
    input_tokens = fields.Integer(help="Input tokens billed at the full input price.")
    output_tokens = fields.Integer()
    cache_read_tokens = fields.Integer(help="Input tokens served from the prompt cache.")
    cache_write_tokens = fields.Integer(help="Input tokens written to the prompt cache.")
    total_tokens = fields.Integer(compute="_compute_total_tokens", store=True)
    cost_usd = fields.Float(string="Cost (USD)", digits=(12, 6), aggregator="sum")
    latency_ms = fields.Integer(string="Latency (ms)", aggregator="avg")
    attempts = fields.Integer(default=1)
    outcome = fields.Selection(OUTCOMES, required=True, default="ok", index=True)
    error = fields.Text(string="Error details")
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, index=True, ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, ondelete="cascade"
    )
    res_model = fields.Char(string="Related model")
    res_id = fields.Many2oneReference(string="Related record", model_field="res_model")

    @api.depends("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    def _compute_total_tokens(self):
        for usage in self:
            usage.total_tokens = (
                usage.input_tokens + usage.output_tokens + usage.cache_read_tokens + usage.cache_write_tokens
            )

    @api.model
    def _spent_usd(self, company, since):
        """What ``company`` spent since ``since`` (a datetime, UTC), all users together."""
        groups = self.sudo()._read_group(
            [("company_id", "=", company.id), ("create_date", ">=", since)], [], ["cost_usd:sum"]
        )
        return groups[0][0] or 0.0

    @api.model
    def _spent_today_and_month(self, company):
        """(spent today, spent this month) in USD for ``company``, days counted in the user's timezone."""
        now = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        month_start = day_start.replace(day=1)
        return (
            self._spent_usd(company, _to_utc_naive(day_start)),
            self._spent_usd(company, _to_utc_naive(month_start)),
        )
