"""The "Chilean AI" block of Settings.

Every value lives in ``ir.config_parameter`` (``l10n_cl_ai.<name>``).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from ..services import settings as engine_settings
from ..services.claude import model_catalog

_lt = LazyTranslate(__name__)

SETTING_PROBLEMS = {
    "negative": _lt("%(field)s cannot be negative."),
    "not_positive": _lt("%(field)s must be greater than zero."),
    "fail_mode": _lt("Unknown limiter fail mode %(value)s: use 'open' or 'closed'."),
    "post_policy": _lt("Unknown posting rule %(value)s: use 'off', 'errors' or 'require'."),
    "redis_url": _lt(
        "Malformed Redis URL %(value)s: use redis://host:port/db, rediss://host:port/db or unix:///path."
    ),
    "sentinels": _lt("Malformed Redis Sentinel list: %(value)s. Use host:port, separated by commas."),
    "sentinel_master": _lt("Redis Sentinel needs the name of the master (for example mymaster)."),
    "base_url": _lt("Malformed API base URL %(value)s: it must start with http:// or https://."),
    "model": _lt("Choose a Claude model."),
    "range": _lt("%(field)s must be between %(min)s and %(max)s."),
    "priority": _lt("%(field)s must be between 1 and 5 (got %(value)s)."),
    "sii_urls": _lt(
        "These SII pages are not http(s) addresses or use a placeholder other than {year}: %(value)s."
    ),
    "sii_values_urls": _lt(
        "These SII values pages are not http(s) addresses with the {year} placeholder, or are more than "
        "the four pages (UF, UTM, dollar, impuesto único): %(value)s."
    ),
    "url": _lt("%(field)s is not an http(s) address: %(value)s."),
    "sii_keys": _lt(
        "%(field)s: write one block per key, the key id (IDK) of the CAF, a colon and the SII's PEM public "
        "key or certificate (%(value)s)."
    ),
}

param_key = engine_settings.param_key  # "model" -> "l10n_cl_ai.model"
DEFAULTS = engine_settings.EngineSettings()  # the one place defaults are written


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_cl_ai_api_key = fields.Char(
        string="Anthropic API key",
        config_parameter=param_key("api_key"),
        groups="base.group_system",
        help="Secret key of your Anthropic organisation. Only system administrators can read or change it.",
    )
    l10n_cl_ai_model_preset = fields.Selection(
        selection=[(model_id, label) for model_id, label in model_catalog.KNOWN_MODELS]
        + [("other", "Other")],
        string="Claude model preset",
        compute="_compute_l10n_cl_ai_model_preset",
        inverse="_inverse_l10n_cl_ai_model_preset",
    )
    l10n_cl_ai_model = fields.Char(
        string="Claude model",
        config_parameter=param_key("model"),
        default=DEFAULTS.model,
        help="Model id used for every AI feature. Pick a preset or type any model id.",
    )
    l10n_cl_ai_model_warning = fields.Char(
        string="Model warning", compute="_compute_l10n_cl_ai_model_warning"
    )
    l10n_cl_ai_redis_in_force = fields.Char(
        string="Redis in force",
        compute="_compute_l10n_cl_ai_redis_in_force",
        help="Where the Redis address comes from: these settings when set, else the server's environment "
        "(L10N_CL_AI_REDIS_URL...) or its configuration file (l10n_cl_ai_redis_url...).",
    )
    l10n_cl_ai_dte_model = fields.Char(
        string="Model for DTE reviews",
        config_parameter=param_key("dte_model"),
        default=DEFAULTS.dte_model,
        help="DTE reviews are short structured checks: a cheaper model keeps their cost low. "
        "Empty: the main model.",
    )
    l10n_cl_ai_base_url = fields.Char(
        string="API base URL",
        config_parameter=param_key("base_url"),
        help="Leave empty to use Anthropic's API. Set it for a proxy or a gateway.",
    )
    l10n_cl_ai_timeout_s = fields.Float(
        string="Request timeout (s)",
        config_parameter=param_key("timeout_s"),
        default=DEFAULTS.timeout_s,
        help="Seconds to wait for one Claude reply before the attempt counts as failed.",
    )
    l10n_cl_ai_max_cost_per_request_usd = fields.Float(
        string="Maximum cost per request (USD)",
        config_parameter=param_key("max_cost_per_request_usd"),
        default=DEFAULTS.max_cost_per_request_usd,
        digits=(12, 4),
        help="A request whose worst-case cost is above this is refused before anything is sent. "
        "0: no ceiling.",
    )
    l10n_cl_ai_daily_budget_usd = fields.Float(
        string="Daily budget (USD)",
        config_parameter=param_key("daily_budget_usd"),
        digits=(12, 2),
        help="Spend of the company per day. 0: no daily budget.",
    )
    l10n_cl_ai_monthly_budget_usd = fields.Float(
        string="Monthly budget (USD)",
        config_parameter=param_key("monthly_budget_usd"),
        digits=(12, 2),
        help="Spend of the company per calendar month. 0: no monthly budget.",
    )
    l10n_cl_ai_budget_hard_stop = fields.Boolean(
        string="Stop at budget",
        config_parameter=param_key("budget_hard_stop"),
        help="Refuse AI calls once a budget is spent. Otherwise administrators are only alerted.",
    )
    l10n_cl_ai_validate_rate_per_minute = fields.Integer(
        string="Validations per minute and user",
        config_parameter=param_key("validate_rate_per_minute"),
        default=DEFAULTS.validate_rate_per_minute,
    )
    l10n_cl_ai_chat_rate_per_minute = fields.Integer(
        string="Chat questions per minute and user",
        config_parameter=param_key("chat_rate_per_minute"),
        default=DEFAULTS.chat_rate_per_minute,
    )
    l10n_cl_ai_limiter_fail_mode = fields.Selection(
        [("open", "Open: limit per worker"), ("closed", "Closed: refuse")],
        string="When Redis is down",
        config_parameter=param_key("limiter_fail_mode"),
        default=DEFAULTS.limiter_fail_mode,
        help="Open: each worker keeps counting on its own until Redis returns. Closed: AI calls are refused.",
    )
    l10n_cl_ai_redis_url = fields.Char(
        string="Redis URL",
        config_parameter=param_key("redis_url"),
        help="For example redis://127.0.0.1:6379/0. Leave empty when using Sentinel.",
    )
    l10n_cl_ai_redis_sentinels = fields.Char(
        string="Redis Sentinels",
        config_parameter=param_key("redis_sentinels"),
        help="host:port of each sentinel, separated by commas. Takes precedence over the Redis URL.",
    )
    l10n_cl_ai_redis_sentinel_master = fields.Char(
        string="Sentinel master name",
        config_parameter=param_key("redis_sentinel_master"),
    )
    l10n_cl_ai_embedding_model = fields.Char(
        string="Embedding model",
        config_parameter=param_key("embedding_model"),
        default=DEFAULTS.embedding_model,
        help="Embedding model of the knowledge search and plugin routing, exported offline by the set-up: "
        "intfloat/multilingual-e5-small (multilingual, the default) or "
        "sentence-transformers/all-MiniLM-L6-v2.",
    )
    l10n_cl_ai_metrics_token = fields.Char(
        string="Metrics token",
        config_parameter=param_key("metrics_token"),
        groups="base.group_system",
        help="Bearer token Prometheus must send to /metrics. Empty: /metrics is disabled.",
    )
    l10n_cl_ai_sii_urls = fields.Char(
        string="SII pages to follow",
        config_parameter=param_key("sii_urls"),
        help="Addresses of SII publication pages, separated by commas or spaces; {year} is replaced by "
        "the current year on each run. Empty: this year's circulars, resolutions and news.",
    )
    l10n_cl_ai_sii_model = fields.Char(
        string="Model for SII summaries",
        config_parameter=param_key("sii_model"),
        default=DEFAULTS.sii_model,
        help="Summaries of SII publications are short structured replies: a cheaper model keeps them "
        "cheap. Empty: the main model.",
    )
    l10n_cl_ai_sii_priority_threshold = fields.Integer(
        string="Alert from priority",
        config_parameter=param_key("sii_priority_threshold"),
        default=DEFAULTS.sii_priority_threshold,
        help="SII publications whose priority (1-5, given by Claude) is at least this are posted to the "
        "alert channel.",
    )
    l10n_cl_ai_sii_knowledge = fields.Boolean(
        string="Publications become knowledge documents",
        config_parameter=param_key("sii_knowledge"),
        default=DEFAULTS.sii_knowledge,
        help="A summarized SII publication is added to the knowledge base, so the bot and the reviews "
        "can cite it.",
    )
    l10n_cl_ai_bill_coding_threshold = fields.Float(
        string="Apply account suggestions from",
        config_parameter=param_key("bill_coding_threshold"),
        default=DEFAULTS.bill_coding_threshold,
        help="A vendor-bill line's account suggestion (learned from the company's posted bills) whose "
        "confidence (0-1) is at least this is applied to the draft line and marked as suggested; a lower "
        "one is shown for one-click acceptance.",
    )
    l10n_cl_ai_bill_coding_claude = fields.Boolean(
        string="Claude codes lines without history",
        config_parameter=param_key("bill_coding_claude"),
        default=DEFAULTS.bill_coding_claude,
        help="Vendor-bill lines that no posted line resembles are sent to Claude in the background for "
        "an account suggestion (never applied without a click).",
    )
    l10n_cl_ai_po_price_tolerance_pct = fields.Float(
        string="Purchase price tolerance (%)",
        config_parameter=param_key("po_price_tolerance_pct"),
        default=DEFAULTS.po_price_tolerance_pct,
        help="A vendor-bill line whose unit price is above its purchase order line's by more than this "
        "percentage gets the OC_PRECIO finding.",
    )
    l10n_cl_ai_notify_channel_id = fields.Many2one(
        "discuss.channel",
        string="Alert channel",
        config_parameter=param_key("notify_channel_id"),
        help="Discuss channel where budget alerts and new SII publications are posted.",
    )
    l10n_cl_ai_dte_ai_review = fields.Boolean(
        string="Claude reviews DTEs",
        config_parameter=param_key("dte_ai_review"),
        default=DEFAULTS.dte_ai_review,
        help="After the deterministic SII checks, ask Claude to review the document.",
    )
    l10n_cl_ai_dte_ai_review_on_errors = fields.Boolean(
        string="Review even with blocking errors",
        config_parameter=param_key("dte_ai_review_on_errors"),
        help="Also ask Claude when the deterministic checks already found blocking errors.",
    )
    l10n_cl_ai_dte_post_policy = fields.Selection(
        [
            ("off", "Never block posting"),
            ("errors", "Refuse documents whose last validation found errors"),
            ("require", "Require a validation without errors of the document as it is"),
        ],
        string="Posting rule",
        config_parameter=param_key("dte_post_policy"),
        default=DEFAULTS.dte_post_policy,
        required=True,
        help="Applies to every way of posting (the button, the Post entries action, automatic posting). "
        "'Require': a document never validated, edited since its validation, or duplicated must be "
        "validated again, without errors, before it can be posted.",
    )
    l10n_cl_ai_minimize_personal_data = fields.Boolean(
        string="Minimise personal data",
        config_parameter=param_key("minimize_personal_data"),
        default=DEFAULTS.minimize_personal_data,
        help="Replace names, RUTs, addresses and e-mails of natural persons by placeholders before "
        "sending anything to Claude (Ley 21.719).",
    )

    l10n_cl_ai_chat_bot_enabled = fields.Boolean(
        string="Tax assistant in Discuss",
        config_parameter=param_key("chat_bot_enabled"),
        default=DEFAULTS.chat_bot_enabled,
        help="The bot answers in direct chats and when mentioned in a channel.",
    )
    l10n_cl_ai_chat_context_messages = fields.Integer(
        string="Earlier messages sent as context",
        config_parameter=param_key("chat_context_messages"),
        default=DEFAULTS.chat_context_messages,
        help="How many earlier messages of the conversation Claude reads with each question (0 to 30).",
    )
    l10n_cl_ai_chat_max_tool_rounds = fields.Integer(
        string="Data lookups per answer",
        config_parameter=param_key("chat_max_tool_rounds"),
        default=DEFAULTS.chat_max_tool_rounds,
        help="Rounds of read-only lookups in Odoo's data the bot may make for one answer (0 to 8). "
        "0: the bot answers from the knowledge base only.",
    )
    l10n_cl_ai_chat_max_open_requests = fields.Integer(
        string="Open questions per user",
        config_parameter=param_key("chat_max_open_requests"),
        default=DEFAULTS.chat_max_open_requests,
        help="Questions one user may have waiting or being answered at once (1 to 50); a further one is "
        "refused with a message until one of them is answered.",
    )
    l10n_cl_ai_chat_max_answer_tokens = fields.Integer(
        string="Answer length (tokens)",
        config_parameter=param_key("chat_max_answer_tokens"),
        default=DEFAULTS.chat_max_answer_tokens,
        help="The longest answer Claude may write, in tokens (200 to 4000; about two tokens a word). "
        "Claude is told the matching number of words; a shorter limit costs less.",
    )
    l10n_cl_ai_chat_queue_workers = fields.Integer(
        string="Workers answering questions",
        config_parameter=param_key("chat_queue_workers"),
        default=DEFAULTS.chat_queue_workers,
        help="Questions answered at the same time (1 to 4), each by its own scheduled action; the server "
        "needs as many cron threads (--max-cron-threads) for them to run together.",
    )
    l10n_cl_ai_chat_model = fields.Char(
        string="Model for the chat",
        config_parameter=param_key("chat_model"),
        help="Claude model of the Discuss bot. Empty: the main model.",
    )

    l10n_cl_ai_sii_values_urls = fields.Char(
        string="SII values pages",
        config_parameter=param_key("sii_values_urls"),
        default=DEFAULTS.sii_values_urls,
        help="The SII's yearly pages, in this order: UF, UTM/UTA, dollar, impuesto único; {year} is "
        "replaced by the year read. A page left out follows the SII's address.",
    )
    l10n_cl_ai_previred_url = fields.Char(
        string="Previred indicators page",
        config_parameter=param_key("previred_url"),
        default=DEFAULTS.previred_url,
        help="Previred's \"Indicadores Previsionales\" page, read once a month (and by \"Fetch now\").",
    )
    l10n_cl_ai_payroll_fill_uf = fields.Boolean(
        string="UF as CLF rates",
        config_parameter=param_key("payroll_fill_uf"),
        default=DEFAULTS.payroll_fill_uf,
        help="Each day, the SII's UF values become rates of the currency CLF in every company whose "
        "currency is the Chilean peso.",
    )
    l10n_cl_ai_payroll_fill_usd = fields.Boolean(
        string="Dollar as USD rates",
        config_parameter=param_key("payroll_fill_usd"),
        default=DEFAULTS.payroll_fill_usd,
        help="Each day, the SII's dólar observado becomes rates of USD in every company whose currency "
        "is the Chilean peso.",
    )
    l10n_cl_ai_payroll_mutual_rate = fields.Float(
        string="Mutual base rate (%)",
        config_parameter=param_key("payroll_mutual_rate"),
        default=DEFAULTS.payroll_mutual_rate,
        digits=(5, 3),
        help="Employer's accident insurance rate (Ley 16.744) used by the liquidación check: 0.93 % base "
        "plus the additional rate of the company's activity.",
    )
    l10n_cl_ai_reception_sii_keys = fields.Char(  # shown as text: a config parameter cannot be a Text field
        string="SII public keys (CAF)",
        config_parameter=param_key("reception_sii_keys"),
        groups="l10n_cl_ai.group_manager,base.group_system",
        help="The SII's public keys that sign the folio authorisations (CAF) of received DTEs, one block "
        "per key: the CAF's IDK (300 in production, 100 in certification), a colon, and the PEM public key "
        "or certificate. With a key, the CAF's own signature is verified: it proves the SII authorised "
        "the supplier's folios.",
    )

    @api.depends("l10n_cl_ai_model")
    def _compute_l10n_cl_ai_model_preset(self):
        known = {model_id for model_id, _label in model_catalog.KNOWN_MODELS}
        for config in self:
            config.l10n_cl_ai_model_preset = (
                config.l10n_cl_ai_model if config.l10n_cl_ai_model in known else "other"
            )

    def _inverse_l10n_cl_ai_model_preset(self):
        for config in self:
            if config.l10n_cl_ai_model_preset and config.l10n_cl_ai_model_preset != "other":
                config.l10n_cl_ai_model = config.l10n_cl_ai_model_preset

    @api.onchange("l10n_cl_ai_model_preset")
    def _onchange_l10n_cl_ai_model_preset(self):
        self._inverse_l10n_cl_ai_model_preset()

    @api.depends("l10n_cl_ai_redis_url", "l10n_cl_ai_redis_sentinels", "l10n_cl_ai_redis_sentinel_master")
    def _compute_l10n_cl_ai_redis_in_force(self):
        from ..services.redis_state.connection import redacted_url

        labels = {
            "settings": self.env._("these settings"),
            "environment": self.env._("the server's environment"),
            "server configuration": self.env._("the server's configuration file"),
        }
        for config in self:
            source, values = self.env["l10n_cl_ai.engine"]._redis_source(
                {name: config[f"l10n_cl_ai_{name}"] for name in engine_settings.REDIS_FIELDS}
            )
            if source == "none":
                config.l10n_cl_ai_redis_in_force = self.env._(
                    "None: limits, the breaker and caches are kept per worker process."
                )
                continue
            where = (
                f"Sentinel {values['redis_sentinels']} ({values['redis_sentinel_master']})"
                if values["redis_sentinels"]
                else redacted_url(values["redis_url"])
            )
            config.l10n_cl_ai_redis_in_force = self.env._(
                "%(where)s, from %(origin)s.", where=where, origin=labels[source]
            )

    @api.depends("l10n_cl_ai_model", "l10n_cl_ai_dte_model")
    def _compute_l10n_cl_ai_model_warning(self):
        for config in self:
            warnings = []
            for model in dict.fromkeys((config.l10n_cl_ai_model, config.l10n_cl_ai_dte_model)):
                deprecated, end_of_life = model_catalog.is_deprecated(model or "")
                if deprecated:
                    warnings.append(
                        self.env._(
                            "Model %(model)s is deprecated by Anthropic (end of life: %(date)s). "
                            "Choose a current model.",
                            model=model,
                            date=end_of_life or self.env._("unknown"),
                        )
                    )
            config.l10n_cl_ai_model_warning = " ".join(warnings) or False

    def _l10n_cl_ai_settings_from_form(self, overrides=None):
        raw = {}
        for name in engine_settings.FIELD_NAMES:
            field_name = f"l10n_cl_ai_{name}"
            if field_name not in self._fields or name in ("api_key", "metrics_token"):
                continue
            value = self[field_name]
            if isinstance(value, models.BaseModel):
                value = value.id
            # 0 is a value to check (it is stored as "0"), not an empty field
            raw[name] = False if value is False or value is None else str(value)
        raw.update(overrides or {})
        return engine_settings.from_params(raw)

    def _l10n_cl_ai_check_settings(self, overrides=None):
        """Raise a translated ValidationError listing every invalid value (``overrides``: raw strings)."""
        problems = engine_settings.validate(self._l10n_cl_ai_settings_from_form(overrides))
        if problems:
            messages = []
            for name, kind, details in problems:
                field = self._fields[f"l10n_cl_ai_{name}"]
                label = field._description_string(self.env)
                messages.append(
                    SETTING_PROBLEMS[kind]._translate(self.env.lang) % {"field": label, **details}
                )
            raise ValidationError("\n".join(messages))

    def _l10n_cl_ai_falsy_kept(self):
        """Our boolean and number settings whose default is not empty: Odoo deletes a parameter set
        to False or 0, which would bring the default back; these are stored explicitly instead."""
        return [
            (name, field)
            for name, field in self._fields.items()
            if name.startswith("l10n_cl_ai_")
            and getattr(field, "config_parameter", None)
            and field.type in ("boolean", "integer", "float")
            and field.default
            and field.default(self)
        ]

    @api.model
    def default_get(self, fields):
        res = super().default_get(fields)
        params = self.env["ir.config_parameter"].sudo()
        for name, field in self._l10n_cl_ai_falsy_kept():
            if field.type == "boolean" and name in res:
                raw = params.get_param(field.config_parameter)
                if raw not in (False, None):  # Odoo reads any stored string, "False" too, as True
                    res[name] = str(raw).strip().lower() in ("1", "true", "yes", "on")
        return res

    def set_values(self):
        self._l10n_cl_ai_check_settings()
        res = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for name, field in self._l10n_cl_ai_falsy_kept():
            if not self[name]:
                params.set_param(field.config_parameter, "False" if field.type == "boolean" else "0")
        self.env["l10n_cl_ai.chat.request"]._sync_queue_workers(self.l10n_cl_ai_chat_queue_workers)
        return res
