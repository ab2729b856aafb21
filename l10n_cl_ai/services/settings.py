"""Engine settings: names, defaults, parsing and validation of the values stored in ir.config_parameter.

The Odoo layer (``l10n_cl_ai.engine``) reads the raw strings and calls :func:`from_params`; the settings
form calls :func:`validate` before saving. Plain Python: no odoo import.
"""

import dataclasses
import re

from .payroll import sources as _payroll_sources
from .redis_state import connection as redis_conn

PARAM_PREFIX = "l10n_cl_ai."

DEFAULT_MODEL = "claude-sonnet-5-5"
CHEAP_MODEL = "claude-haiku-5-5"
FAIL_MODES = ("open", "closed")
# What posting a DTE requires: nothing, no errors in its last validation, or a validation without errors
# of the document exactly as it is now.
POST_POLICIES = ("off", "errors", "require")
MAX_CHAT_CONTEXT = 30
MAX_CHAT_TOOL_ROUNDS = 8
MAX_CHAT_OPEN_REQUESTS = 50
CHAT_ANSWER_TOKENS_RANGE = (200, 4000)
CHAT_QUEUE_WORKERS_RANGE = (1, 4)  # scheduled actions answering questions at once (models/chat_queue_workers)

_NUMBER_FIELDS = {
    "timeout_s": float,
    "max_cost_per_request_usd": float,
    "daily_budget_usd": float,
    "monthly_budget_usd": float,
    "validate_rate_per_minute": int,
    "chat_rate_per_minute": int,
    "notify_channel_id": int,
    "partner_history_size": int,
    "retry_max_attempts": int,
    "retry_backoff_s": float,
    "breaker_failure_threshold": int,
    "breaker_cooldown_s": float,
    "chat_context_messages": int,
    "chat_max_tool_rounds": int,
    "chat_max_open_requests": int,
    "chat_max_answer_tokens": int,
    "chat_queue_workers": int,
    "sii_priority_threshold": int,
    "payroll_mutual_rate": float,
    "bill_coding_threshold": float,
    "po_price_tolerance_pct": float,
}
_BOOL_FIELDS = (
    "budget_hard_stop",
    "dte_ai_review",
    "dte_ai_review_on_errors",
    "minimize_personal_data",
    "chat_bot_enabled",
    "sii_knowledge",
    "payroll_fill_uf",
    "payroll_fill_usd",
    "bill_coding_claude",
    "chat_streaming",
)


@dataclasses.dataclass(frozen=True)
class EngineSettings:
    """Every engine setting, already parsed. Secrets are excluded from ``repr``."""

    api_key: str = dataclasses.field(default="", repr=False)
    model: str = DEFAULT_MODEL
    dte_model: str = CHEAP_MODEL  # DTE reviews are short structured checks: the cheap model by default
    base_url: str = ""
    timeout_s: float = 60.0
    max_cost_per_request_usd: float = 0.50
    daily_budget_usd: float = 0.0
    monthly_budget_usd: float = 0.0
    budget_hard_stop: bool = False
    validate_rate_per_minute: int = 20
    chat_rate_per_minute: int = 10
    limiter_fail_mode: str = "open"
    redis_url: str = ""
    redis_sentinels: str = ""
    redis_sentinel_master: str = ""
    embedding_model: str = "intfloat/multilingual-e5-small"
    metrics_token: str = dataclasses.field(default="", repr=False)
    sii_urls: str = ""
    notify_channel_id: int = 0
    dte_ai_review: bool = True
    dte_ai_review_on_errors: bool = False
    dte_post_policy: str = "off"
    minimize_personal_data: bool = True
    partner_history_size: int = 10
    chat_bot_enabled: bool = True
    chat_context_messages: int = 6  # earlier messages of the channel sent with a question
    chat_max_tool_rounds: int = 3
    chat_max_open_requests: int = 5  # questions of one user waiting or being answered at once
    chat_model: str = ""  # empty: the general model
    chat_max_answer_tokens: int = 800  # Claude's max_tokens for an answer, told to it as a word limit
    chat_queue_workers: int = 2  # cron workers answering questions at once
    # advanced, set as system parameters only (no field in the form)
    retry_max_attempts: int = 4
    retry_backoff_s: float = 1.0
    breaker_failure_threshold: int = 5
    breaker_cooldown_s: float = 30.0
    chat_streaming: bool = True  # the bot's answer streams into its message (off: posted at the end)
    # the SII publication monitor (``sii_urls`` above: empty follows ``sii_monitor.urls.DEFAULT_URLS``)
    sii_model: str = CHEAP_MODEL  # short structured summaries: the cheap model by default
    sii_priority_threshold: int = 4  # publications at or above it are posted to the alert channel
    sii_knowledge: bool = True  # a summarized publication becomes a knowledge document
    # payroll indicators (services/payroll/sources.py): the SII's values pages (UF, UTM/UTA, dollar,
    # impuesto único, each with {year}) and Previred's page; which rates become Odoo currency rates
    sii_values_urls: str = _payroll_sources.DEFAULT_SII_VALUES_SETTING
    previred_url: str = _payroll_sources.DEFAULT_PREVIRED_URL
    payroll_fill_uf: bool = True  # UF -> res.currency.rate of CLF in CLP companies
    payroll_fill_usd: bool = True  # dólar observado -> res.currency.rate of USD in CLP companies
    payroll_mutual_rate: float = 0.93  # Ley 16.744 base rate (0,90 % + 0,03 % Ley 19.578), percent
    # received DTEs: the SII's public keys that sign CAFs, "IDK: PEM" blocks (see reception/sii_keys.py)
    reception_sii_keys: str = ""
    # vendor-bill coding: a suggestion at or above this confidence is applied to the draft line
    bill_coding_threshold: float = 0.90
    bill_coding_claude: bool = False  # Claude codes (queued) the lines no posted line is close to
    # purchase-order matching (l10n_cl_ai_purchase): OC_PRECIO above the PO's unit price by more than this
    po_price_tolerance_pct: float = 0.0

    def fingerprint(self):
        """A stable value that changes whenever any setting changes (the service cache key)."""
        return hash(dataclasses.astuple(self))


FIELD_NAMES = tuple(field.name for field in dataclasses.fields(EngineSettings))
# Where Redis is belongs to the deployment more than to one database (a copy on staging must not count
# against production's Redis): these come from the server's environment or its configuration file when
# the database's own setting is empty.
REDIS_FIELDS = ("redis_url", "redis_sentinels", "redis_sentinel_master")
REDIS_ENV = {name: f"L10N_CL_AI_{name.upper()}" for name in REDIS_FIELDS}  # L10N_CL_AI_REDIS_URL...
REDIS_CONF = {name: f"l10n_cl_ai_{name}" for name in REDIS_FIELDS}  # odoo.conf: l10n_cl_ai_redis_url...
# parameters of earlier versions still read when their successor is unset
LEGACY_NAMES = ("dte_block_post_on_error",)
DEFAULTS = EngineSettings()


def param_key(name):
    return PARAM_PREFIX + name


def from_params(raw):
    """Build :class:`EngineSettings` from ``{name: raw string or False}``; empty values take defaults.

    Unparsable numbers fall back to the default: the settings form refuses them on save, so this only
    happens when someone wrote the parameter by hand.
    """
    values = {}
    if raw.get("dte_post_policy") in (None, False, "") and str(
        raw.get("dte_block_post_on_error") or ""
    ).strip().lower() in ("1", "true", "yes", "on"):
        values["dte_post_policy"] = "errors"  # the boolean setting of version 19.0.1.0.0
    for name in FIELD_NAMES:
        value = raw.get(name)
        if value in (None, False, ""):
            continue
        if name in _BOOL_FIELDS:
            values[name] = str(value).strip().lower() in ("1", "true", "yes", "on")
        elif name in _NUMBER_FIELDS:
            try:
                values[name] = _NUMBER_FIELDS[name](str(value).strip())
            except ValueError:
                continue
        else:
            values[name] = str(value).strip()
    return EngineSettings(**values)


def redis_source(params, environ, conf):
    """Which Redis settings are in force: ``("settings" | "environment" | "server configuration" |
    "none", {redis field: value})``. The database's setting wins when an administrator set it; else the
    environment variables, else the options of the server's configuration file."""
    for source, values in (
        ("settings", {name: params.get(name) or "" for name in REDIS_FIELDS}),
        ("environment", {name: environ.get(REDIS_ENV[name]) or "" for name in REDIS_FIELDS}),
        ("server configuration", {name: conf.get(REDIS_CONF[name]) or "" for name in REDIS_FIELDS}),
    ):
        if values["redis_url"] or values["redis_sentinels"]:
            return source, {name: str(value).strip() for name, value in values.items()}
    return "none", dict.fromkeys(REDIS_FIELDS, "")


def _range_problems(settings):
    """The bounded chat settings that are out of their range."""
    problems = []
    for name, minimum, maximum in (
        ("chat_context_messages", 0, MAX_CHAT_CONTEXT),
        ("chat_max_tool_rounds", 0, MAX_CHAT_TOOL_ROUNDS),
        ("chat_max_open_requests", 1, MAX_CHAT_OPEN_REQUESTS),
        ("chat_max_answer_tokens", *CHAT_ANSWER_TOKENS_RANGE),
        ("chat_queue_workers", *CHAT_QUEUE_WORKERS_RANGE),
    ):
        if not minimum <= getattr(settings, name) <= maximum:
            problems.append((name, "range", {"min": minimum, "max": maximum}))
    return problems


def validate(settings):
    """Problems of a settings object as ``[(field name, problem kind, details)]``; empty when valid.

    Problem kinds are stable keys the Odoo layer turns into translated messages.
    """
    problems = []
    for name in ("timeout_s", "max_cost_per_request_usd", "daily_budget_usd", "monthly_budget_usd"):
        if getattr(settings, name) < 0:
            problems.append((name, "negative", {}))
    if settings.timeout_s == 0:
        problems.append(("timeout_s", "not_positive", {}))
    for name in ("validate_rate_per_minute", "chat_rate_per_minute", "partner_history_size"):
        if getattr(settings, name) < 0:
            problems.append((name, "negative", {}))
    problems += _range_problems(settings)
    if settings.dte_post_policy not in POST_POLICIES:
        problems.append(("dte_post_policy", "post_policy", {"value": settings.dte_post_policy}))
    if settings.limiter_fail_mode not in FAIL_MODES:
        problems.append(("limiter_fail_mode", "fail_mode", {"value": settings.limiter_fail_mode}))
    if settings.redis_url:
        try:
            redis_conn.validate_redis_url(settings.redis_url)
        except ValueError:
            problems.append(("redis_url", "redis_url", {"value": settings.redis_url}))
    if settings.redis_sentinels:
        try:
            redis_conn.parse_sentinels(settings.redis_sentinels)
        except ValueError as error:
            problems.append(("redis_sentinels", "sentinels", {"value": str(error)}))
        if not settings.redis_sentinel_master:
            problems.append(("redis_sentinel_master", "sentinel_master", {}))
        else:
            try:
                redis_conn.validate_sentinel_master(settings.redis_sentinel_master)
            except ValueError as error:
                problems.append(("redis_sentinel_master", "sentinels", {"value": str(error)}))
    if settings.base_url and not re.match(r"^https?://[^\s]+$", settings.base_url):
        problems.append(("base_url", "base_url", {"value": settings.base_url}))
    if not settings.model.strip():
        problems.append(("model", "model", {}))
    problems.extend(_sii_problems(settings))
    problems.extend(_payroll_problems(settings))
    problems.extend(_reception_problems(settings))
    problems.extend(_bill_coding_problems(settings))
    return problems


def _bill_coding_problems(settings):
    problems = []
    if not 0.0 <= settings.bill_coding_threshold <= 1.0:
        problems.append(("bill_coding_threshold", "range", {"min": 0, "max": 1}))
    if settings.po_price_tolerance_pct < 0:
        problems.append(("po_price_tolerance_pct", "negative", {}))
    return problems


def _sii_problems(settings):
    from .sii_monitor import urls

    problems = []
    if not 1 <= settings.sii_priority_threshold <= 5:
        problems.append(("sii_priority_threshold", "priority", {"value": settings.sii_priority_threshold}))
    bad = urls.invalid_templates(settings.sii_urls)
    if bad:
        problems.append(("sii_urls", "sii_urls", {"value": ", ".join(bad)}))
    return problems


def _payroll_problems(settings):
    problems = []
    bad = _payroll_sources.invalid_values_setting(settings.sii_values_urls)
    if bad:
        problems.append(("sii_values_urls", "sii_values_urls", {"value": ", ".join(bad)}))
    if not _payroll_sources.valid_url(settings.previred_url):
        problems.append(("previred_url", "url", {"value": settings.previred_url}))
    if not 0 <= settings.payroll_mutual_rate <= 10:
        problems.append(("payroll_mutual_rate", "range", {"min": 0, "max": 10}))
    return problems


def _reception_problems(settings):
    from .reception import sii_keys

    bad = sii_keys.problems(settings.reception_sii_keys)
    return [("reception_sii_keys", "sii_keys", {"value": "; ".join(bad)})] if bad else []
