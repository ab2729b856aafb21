"""``l10n_cl_ai.engine``: the single place that reads engine settings and builds service objects.

Service objects are cached per worker process, keyed on the database and on a fingerprint of the
settings. ``ir.config_parameter.get_param`` is an ``ormcache`` that Odoo invalidates in every worker
through its registry cache signalling when any worker calls ``set_param``: the next request of another
worker reads the new values, gets a new fingerprint and rebuilds its services. No restart needed.
"""

import json
import logging
import os

from odoo import api, models
from odoo.tools import config

from ..services import features
from ..services import settings as engine_settings
from ..services.claude import errors
from ..services.service_bundle import ServiceBundle
from ..services.worker_cache import WorkerCache
from .engine_messages import engine_error_message

_logger = logging.getLogger(__name__)

# the company-wide limit of a feature, as a multiple of the per-user limit
COMPANY_RATE_FACTOR = 10

_BUNDLES = WorkerCache(on_drop=ServiceBundle.close)  # this worker's services, per database


class L10nClAiEngine(models.AbstractModel):
    _name = "l10n_cl_ai.engine"
    _description = "Chilean AI engine (settings and services)"

    @api.model
    def _read_settings(self):
        """Engine settings from ``ir.config_parameter`` (the only reader of those parameters)."""
        params = self.env["ir.config_parameter"].sudo()
        raw = {
            name: params.get_param(engine_settings.param_key(name))
            for name in engine_settings.FIELD_NAMES + engine_settings.LEGACY_NAMES
        }
        raw.update(self._redis_source(raw)[1])
        return engine_settings.from_params(raw)

    @api.model
    def _redis_source(self, raw=None):
        """``(source, values)`` of the Redis settings in force: the database's setting, else the server's
        environment (``L10N_CL_AI_REDIS_URL``...), else its configuration file (``l10n_cl_ai_redis_url``)."""
        if raw is None:
            params = self.env["ir.config_parameter"].sudo()
            raw = {
                name: params.get_param(engine_settings.param_key(name))
                for name in engine_settings.REDIS_FIELDS
            }
        return engine_settings.redis_source(raw, os.environ, config)

    @api.model
    def _services(self, settings=None):
        """This worker's :class:`ServiceBundle` for the current settings, built on first use."""
        settings = settings or self._read_settings()
        key = (self.env.cr.dbname, settings.fingerprint())

        def build():
            _logger.info("l10n_cl_ai: engine services built for database %s", key[0])
            return ServiceBundle(settings)

        return _BUNDLES.get(key, build)

    # -- Claude calls --------------------------------------------------------------------------------
    @api.model
    def _namespace(self):
        """Prefix of every Redis key of this database (several databases may share one Redis)."""
        return f"l10n_cl_ai:{self.env.cr.dbname}"

    @api.model
    def _check_rate(self, feature, settings=None):
        """Count one ``feature`` request of the current user and company; raise ``RateLimited`` if refused."""
        from ..services import metrics
        from ..services.redis_state import limiter as limiter_module

        settings = settings or self._read_settings()
        per_user = features.rate_per_minute(feature, settings)
        rules = limiter_module.feature_rules(
            feature,
            user_id=self.env.uid,
            company_id=self.env.company.id,
            per_user=per_user,
            per_company=per_user * COMPANY_RATE_FACTOR,
            window_s=60,
            namespace=self._namespace(),
        )
        if not rules:
            return None
        result = self._services(settings).limiter(self._namespace()).check_many(rules)
        if not result.allowed:
            metrics.RATE_LIMITED.labels(feature=feature).inc()
            try:
                result.raise_if_refused()
            except errors.RateLimited as error:
                error.details["headers"] = result.headers()
                raise
        return result

    @api.model
    def _call_claude(
        self,
        feature,
        prompt,
        *,
        record=None,
        plugin=None,
        check_rate=True,
        call_key=None,
        reply_check=None,
        defer_rate_limited=False,
        settings=None,
        **options,
    ):
        """Send ``prompt`` (a ``services.claude.Prompt``) to Claude for ``feature`` and record the usage.

        Checks, in order and without any network call to Claude when one refuses: the rate limit, the
        company's budget, the model's price, then the client's own cost ceiling and circuit breaker; under
        a hard stop, each request then reserves its worst case against the budgets before it is sent
        (``budget_reservation.py``), settled by the usage row.
        Every outcome writes one ``l10n_cl_ai.usage`` row, on its own cursor, committed at once: a
        rollback of the caller never erases spend. ``call_key`` names the call (e.g. the validation it
        serves): when a successful call with that key is already in the ledger, its stored reply is
        returned and Claude is not called again (a replayed request or a retried cron); only the
        ``REPLAYED_FEATURES`` keep their reply (not the chat). ``reply_check``
        (``parsed -> [problems]``) rejects a reply that parsed but is unusable: the row then says
        ``invalid_reply``, with the tokens it cost. ``defer_rate_limited``: a queue that will try again
        later writes no row for a rate-limit refusal (no call was made; it is not counted on every pass).
        ``settings``: the caller's ``EngineSettings`` when it already read them (read once per call).
        Returns ``(result, usage)``; raises
        ``UserFacingEngineError`` (with the translated message and the usage row) on refusal or failure.
        """
        from ..services import metrics

        if call_key:
            replayed = self._replayed_call(call_key)
            if replayed is not None:
                return replayed
        settings = settings or self._read_settings()
        model = options.pop("model", None) or self._model_for(feature, settings)
        usage_values = {"feature": feature, "plugin": plugin, "model": model, "call_key": call_key}
        if record is not None:
            usage_values.update(res_model=record._name, res_id=record.id)
        usage = self.env["l10n_cl_ai.usage"]
        reservation = usage._budget_reservation(settings)
        try:
            if check_rate:
                self._check_rate(feature, settings)
            usage._check_budget(settings)
            # the client refuses a model without a price row (PriceMissing), before any request
            price = self.env["l10n_cl_ai.model.price"]._price_row(model)
            prices = {price.model: price} if price else {}
            client = self._services(settings).claude(self._namespace())
            result = client.create(prompt, model=model, prices=prices, reserve=reservation, **options)
            problems = reply_check(result.parsed) if reply_check else []
            if problems:
                raise errors.InvalidReply("; ".join(problems), **_result_details(result))
        except errors.EngineError as error:
            deferred = defer_rate_limited and isinstance(error, errors.RateLimited)
            usage = (
                None if deferred else self._record_usage(usage_values, error=error, reservation=reservation)
            )
            raise UserFacingEngineError(engine_error_message(self.env, error), error, usage) from error
        metrics.CLAUDE_LATENCY.labels(feature=feature, model=model).observe(result.latency_ms / 1000)
        return result, self._record_usage(usage_values, result=result, reservation=reservation)

    @api.model
    def _replayed_call(self, call_key):
        """``(result, usage)`` of the successful call already recorded under ``call_key``, or ``None``."""
        from ..services.claude.client import ClaudeResult
        from ..services.claude.pricing import Usage

        usage = (
            self.env["l10n_cl_ai.usage"]
            .sudo()
            .search(
                [("call_key", "=", call_key), ("outcome", "=", "ok"), ("reply", "!=", False)],
                order="id desc",
                limit=1,
            )
        )
        if not usage:
            return None
        reply = json.loads(usage.reply)
        result = ClaudeResult(
            content=reply.get("content", ""),
            parsed=reply.get("parsed"),
            tool_calls=reply.get("tool_calls") or [],
            usage=Usage(
                usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_write_tokens
            ),
            cost_usd=usage.cost_usd,
            latency_ms=usage.latency_ms,
            attempts=0,
            outcome="ok",
            model=usage.model,
            requests=0,
        )
        _logger.info(
            "l10n_cl_ai: call %s answered from the ledger (usage %s), not sent again", call_key, usage.id
        )
        return result, usage.with_env(self.env)

    @api.model
    def _model_for(self, feature, settings):
        """The Claude model of a feature: DTE reviews, SII summaries and the chat have their own settings."""
        return features.model_for(feature, settings)

    @api.model
    def _record_usage(self, values, result=None, error=None, reservation=None):
        """Write the usage row of one call outcome on its own cursor and commit it at once, so that a
        rollback of the caller (a serialization retry, an exception, a killed worker) never erases spend
        the budget must count. Users cannot write usage rows themselves (the ledger is append-only).
        The call's budget ``reservation`` is dropped in the same transaction: its real cost replaces it.

        The caller's transaction may not see the row (its snapshot is older): callers keep its id and
        never read it back in the same transaction."""
        values = dict(values, user_id=self.env.uid, company_id=self.env.company.id)
        values.update(
            self.env["l10n_cl_ai.usage"]._values_of_outcome(
                result=result, error=error, feature=values.get("feature")
            )
        )
        with self.env.registry.cursor() as cr:
            usage_id = self.env(cr=cr, su=True)["l10n_cl_ai.usage"].create(values).id
            if reservation is not None:
                reservation.settle(cr)
        return self.env["l10n_cl_ai.usage"].browse(usage_id)


def _result_details(result):
    """Failure details of a call that got an answer (its spend is real): for ``InvalidReply``."""
    return {
        "usage": result.usage,
        "cost_usd": result.cost_usd,
        "latency_ms": result.latency_ms,
        "attempts": result.attempts,
        "model": result.model,
    }


class UserFacingEngineError(Exception):
    """An engine refusal or failure, with the translated message for users and the usage row written."""

    def __init__(self, message, error, usage):
        super().__init__(message)
        self.message = message
        self.error = error
        self.usage = usage
        self.kind = error.kind
        self.headers = dict((getattr(error, "details", None) or {}).get("headers") or {})
