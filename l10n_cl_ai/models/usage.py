"""``l10n_cl_ai.usage``: one row per Claude call outcome, successes, failures and refusals alike.

The ledger is append-only: the engine creates rows (on its own committed cursor), nobody edits or deletes
them, not even a manager over RPC, so a budget cannot be undone by editing the ledger. Budget windows
(day, month) follow the company's time zone, Chile's (``America/Santiago``) by default, never the
caller's.
"""

import json

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..services import features

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
FEATURES = features.LEDGER_SELECTION
REPLAYED_FEATURES = features.REPLAYED


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
    call_key = fields.Char(
        index=True, help="What the call served (e.g. one DTE validation): a replay reuses its reply."
    )
    reply = fields.Text(
        groups="l10n_cl_ai.group_manager",
        help="Claude's reply as received (personal data already replaced by placeholders), kept for DTE "
        "reviews and SII summaries only (a replayed call reuses it), never for the Discuss bot's answers.",
    )

    @api.depends("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    def _compute_total_tokens(self):
        for usage in self:
            usage.total_tokens = (
                usage.input_tokens + usage.output_tokens + usage.cache_read_tokens + usage.cache_write_tokens
            )

    # -- append-only ----------------------------------------------------------------------------------
    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("AI usage rows are a ledger: they cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_by_users(self):
        if not self.env.su:
            raise AccessError(self.env._("AI usage rows are a ledger: they cannot be deleted."))

    @api.model
    def _values_of_outcome(self, result=None, error=None, feature=None):
        """The figures of one call outcome: a ``ClaudeResult`` or an ``EngineError`` with its details;
        the reply only for the ``REPLAYED_FEATURES``."""
        details = getattr(error, "details", {}) or {}
        usage = result.usage if result is not None else details.get("usage")
        values = {}
        if usage is not None:
            values.update(
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cache_read_tokens=usage.cache_read_tokens,
                cache_write_tokens=usage.cache_write_tokens,
            )
        if result is not None:
            values.update(
                cost_usd=result.cost_usd,
                latency_ms=result.latency_ms,
                attempts=result.attempts,
                outcome="ok",
                model=result.model,
            )
            if feature not in REPLAYED_FEATURES:
                return values
            values["reply"] = json.dumps(
                {
                    "content": result.content,
                    "parsed": result.parsed,
                    # the calls, not their results: what a tool read stays with the user who could read it
                    "tool_calls": [{"name": c.name, "input": c.input} for c in result.tool_calls],
                },
                ensure_ascii=False,
                default=str,
            )
            return values
        outcomes = {key for key, _label in OUTCOMES}
        values.update(
            cost_usd=details.get("cost_usd", 0.0),
            latency_ms=details.get("latency_ms", 0),
            attempts=details.get("attempts", 0),
            outcome=error.kind if error.kind in outcomes else "error",
            error=f"{type(error).__name__}: {error}",
        )
        return values

    @api.model
    def _forget_unreplayed_replies(self):
        """Erase the replies stored before only the ``REPLAYED_FEATURES`` kept theirs (the chat's
        answers, readable by every AI manager). Returns the number of rows cleared."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE l10n_cl_ai_usage SET reply = NULL WHERE reply IS NOT NULL AND feature NOT IN %s",
            [tuple(REPLAYED_FEATURES)],
        )
        self.invalidate_model(["reply"])
        return self.env.cr.rowcount
