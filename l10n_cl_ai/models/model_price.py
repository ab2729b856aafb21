"""``l10n_cl_ai.model.price``: what a Claude model costs, per million tokens.

Prices are what every budget and the per-request ceiling count with, so they are written by system
administrators only (AI managers read them), a price of 0 for a model that has a non-zero price is
refused (it would make every call free for the budgets), and a row is never deleted: a wrong or outdated
row is archived, and the history stays.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..services.claude import model_catalog, pricing

DEFAULT_PRICES_SOURCE = "Anthropic published pricing, read 2026-11-25 (see services/pricing.py)"
# price field -> attribute of services.pricing.PriceRow
PRICE_FIELDS = {
    "input_per_mtok": "input",
    "output_per_mtok": "output",
    "cache_write_5m_per_mtok": "cache_write_5m",
    "cache_write_1h_per_mtok": "cache_write_1h",
    "cache_read_per_mtok": "cache_read",
}


class L10nClAiModelPrice(models.Model):
    """Every change of a price is tracked in its chatter (who, when, old and new value)."""

    _name = "l10n_cl_ai.model.price"
    _inherit = ["mail.thread"]
    _description = "Claude model price"
    _order = "model, valid_from desc"

    model = fields.Char(string="Model id", required=True, index=True, tracking=True)
    valid_from = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    input_per_mtok = fields.Float(string="Input (USD/MTok)", digits=(12, 4), required=True, tracking=True)
    output_per_mtok = fields.Float(string="Output (USD/MTok)", digits=(12, 4), required=True, tracking=True)
    cache_write_5m_per_mtok = fields.Float(
        string="Cache write 5 min (USD/MTok)", digits=(12, 4), tracking=True
    )
    cache_write_1h_per_mtok = fields.Float(string="Cache write 1 h (USD/MTok)", digits=(12, 4), tracking=True)
    cache_read_per_mtok = fields.Float(string="Cache hit (USD/MTok)", digits=(12, 4), tracking=True)
    long_prompt_threshold = fields.Integer(
        help="Prompt size (input tokens, cached or not) above which every token of the request is billed "
        "with the multipliers below. 0: no long-prompt tier.",
        tracking=True,
    )
    long_input_multiplier = fields.Float(default=1.0, digits=(6, 3), tracking=True)
    long_output_multiplier = fields.Float(default=1.0, digits=(6, 3), tracking=True)
    min_cacheable_tokens = fields.Integer(
        string="Minimum cacheable prompt (tokens)",
        help="Prompt prefixes shorter than this are not cached by the API.",
    )
    source = fields.Char(help="Where the figures come from, with the date they were read.")
    active = fields.Boolean(default=True, tracking=True)

    _model_valid_from_unique = models.Constraint(
        "UNIQUE(model, valid_from)", "A model has one price per start date."
    )

    @api.constrains("model", *PRICE_FIELDS)
    def _check_no_zero_price(self):
        """A price of 0 where the model (or the alias a dated snapshot falls back to) has a non-zero one,
        in another row or in the shipped defaults, is refused: it would make its calls free."""
        for price in self:
            zero = [name for name in PRICE_FIELDS if not price[name]]
            if not zero:
                continue
            names = list(dict.fromkeys((price.model, model_catalog.base_model_id(price.model))))
            others = (
                self.sudo()
                .with_context(active_test=False)
                .search([("model", "in", names), ("id", "!=", price.id)])
            )
            defaults = [
                pricing.DEFAULT_PRICES_BY_MODEL[name]
                for name in names
                if name in pricing.DEFAULT_PRICES_BY_MODEL
            ]
            for name in zero:
                if any(other[name] for other in others) or any(
                    getattr(row, PRICE_FIELDS[name]) for row in defaults
                ):
                    raise ValidationError(
                        self.env._(
                            'The price "%(price)s" of %(model)s cannot be 0: this model has a non-zero '
                            "price, and a price of 0 would make its calls free for the budgets. Archive a "
                            "wrong row instead.",
                            price=price._fields[name].get_description(self.env)["string"],
                            model=price.model,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Claude prices are never deleted, so that the history of costs stays: archive them instead."
            )
        )

    @api.model
    def _price_row(self, model_id, on_date=None):
        """The :class:`PriceRow` of ``model_id`` valid on ``on_date`` (today by default), or ``None``."""
        on_date = on_date or fields.Date.context_today(self)
        price = self.sudo().search(
            [("model", "=", model_id), ("valid_from", "<=", on_date)], order="valid_from desc", limit=1
        )
        if not price:
            return None
        return pricing.PriceRow(
            model=price.model,
            input=price.input_per_mtok,
            output=price.output_per_mtok,
            cache_write_5m=price.cache_write_5m_per_mtok,
            cache_write_1h=price.cache_write_1h_per_mtok,
            cache_read=price.cache_read_per_mtok,
            long_prompt_threshold=price.long_prompt_threshold or None,
            long_input_multiplier=price.long_input_multiplier or 1.0,
            long_output_multiplier=price.long_output_multiplier or 1.0,
        )

    @api.model
    def _load_default_prices(self):
        """Create the shipped default prices that are missing (run at install; never overwrites edits)."""
        existing = {
            (price.model, price.valid_from) for price in self.with_context(active_test=False).search([])
        }
        values = []
        for row in pricing.DEFAULT_PRICES:
            valid_from = fields.Date.to_date(getattr(row, "valid_from", None) or "2026-01-01")
            if (row.model, valid_from) in existing:
                continue
            values.append(
                {
                    "model": row.model,
                    "valid_from": valid_from,
                    "input_per_mtok": row.input,
                    "output_per_mtok": row.output,
                    "cache_write_5m_per_mtok": row.cache_write_5m,
                    "cache_write_1h_per_mtok": row.cache_write_1h,
                    "cache_read_per_mtok": row.cache_read,
                    "long_prompt_threshold": row.long_prompt_threshold or 0,
                    "long_input_multiplier": row.long_input_multiplier,
                    "long_output_multiplier": row.long_output_multiplier,
                    "min_cacheable_tokens": model_catalog.min_cacheable_tokens(row.model),
                    "source": DEFAULT_PRICES_SOURCE,
                }
            )
        return self.create(values)
