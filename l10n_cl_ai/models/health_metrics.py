"""What ``/health`` and ``/metrics`` report, computed here so the controllers stay a few lines."""

import hmac
import time

from odoo import api, fields, models
from odoo.tools import config

from .usage_budget import budgets_in_force

STATUS_CACHE_S = 5.0
# This worker's last status, per database: name -> (HTTP status, {"status": ...}, time.monotonic()).
# Only the status: never any detail, so that nothing but pass / warn / fail reaches a caller without a token.
_STATUS_CACHE = {}


def _status(problems):
    levels = set(problems.values())
    return "fail" if "fail" in levels else "warn" if "warn" in levels else "pass"


class L10nClAiHealthMetrics(models.AbstractModel):
    _name = "l10n_cl_ai.health.metrics"
    _description = "Chilean AI: health and metrics"

    @api.model
    def _health(self, authorization=None):
        """``(http status, report)``. Everybody gets ``{"status": "pass" | "warn" | "fail"}`` (200, 200,
        503: a load balancer uses it as is); with ``Authorization: Bearer <metrics_token>``, the detail.
        Without the token the work is small: this worker's status of at most ``STATUS_CACHE_S`` seconds
        ago, else the checks that decide it (``_health_checks``: a few queries, whatever the number of
        companies or usage rows). Cheap: no Claude call, no embedding, the Redis probe cached (see
        ``ServiceBundle.redis_health``). Never a secret: whether a key is set, never the key; URLs without
        their credentials."""
        if self._metrics_authorized(authorization):
            detail, problems = self._health_detail()
            code, report, _at = self._remember_status(problems)
            return code, dict(report, **detail, problems=problems)
        cached = _STATUS_CACHE.get(self.env.cr.dbname)
        if cached is None or time.monotonic() - cached[2] > STATUS_CACHE_S:
            cached = self._remember_status(self._health_checks()[1])
        return cached[0], dict(cached[1])

    @api.model
    def _remember_status(self, problems):
        status = _status(problems)
        entry = (503 if status == "fail" else 200, {"status": status}, time.monotonic())
        _STATUS_CACHE[self.env.cr.dbname] = entry
        return entry

    @api.model
    def _health_checks(self):
        """``(checks, problems)``: the checks that decide the status, each a bounded number of queries:
        PostgreSQL, Redis, the breaker, the API key, the addon's scheduled actions, the SII pages.
        ``problems`` maps a component to ``"warn"`` or ``"fail"`` (README); ``checks`` holds the settings
        and what the detail shows of those checks."""
        engine = self.env["l10n_cl_ai.engine"]
        settings = engine._read_settings()
        problems = {}
        started = time.monotonic()
        self.env.cr.execute("SELECT 1")
        postgresql_ms = round((time.monotonic() - started) * 1000, 2)
        bundle = engine._services(settings)
        redis_state = dict(bundle.redis_health(), source=engine._redis_source()[0])
        if redis_state["state"] == "down":
            problems["redis"] = "warn"  # the limiter, the breaker and the caches fall back per process
        elif redis_state["state"] == "not_configured" and (config.get("workers") or 0) > 0:
            problems["redis"] = "warn"  # several workers, each counting on its own
            redis_state["note"] = "multi-worker server without Redis: limits are per worker"
        breaker = bundle.breaker(engine._namespace()).peek()
        if breaker.state == "open":
            problems["breaker"] = "warn"
        if not settings.api_key:
            problems["claude"] = "warn"
        crons = self._health_crons(problems)
        if self.env["l10n_cl_ai.sii.page"].sudo()._failing_count():
            problems["sii_pages"] = "warn"
        if self.env["l10n_cl_ai.payroll.source"].sudo()._failing_count():
            problems["payroll_sources"] = "warn"
        checks = {
            "settings": settings,
            "postgresql_ms": postgresql_ms,
            "redis": redis_state,
            "breaker": breaker.state,
            "crons": crons,
        }
        return checks, problems

    @api.model
    def _health_detail(self):
        """``(detail, problems)``: the checks of ``_health_checks`` and what only the detail shows (the
        last Claude calls, the knowledge base, spend against the budgets per company, the SII pages)."""
        from ..services.plugins.registry import REGISTRY

        checks, problems = self._health_checks()
        settings = checks["settings"]
        Usage = self.env["l10n_cl_ai.usage"].sudo()
        last_ok = Usage.search([("outcome", "=", "ok")], order="id desc", limit=1)
        last_failure = Usage.search([("outcome", "!=", "ok")], order="id desc", limit=1)
        index = self.env["l10n_cl_ai.knowledge.index"]
        detail = {"postgresql_ms": checks["postgresql_ms"]}
        detail.update(
            redis=checks["redis"],
            claude={
                "configured": bool(settings.api_key),
                "model": settings.model,
                "dte_model": settings.dte_model,
                "breaker": checks["breaker"],
                "last_success": fields.Datetime.to_string(last_ok.create_date) if last_ok else None,
                "last_failure": fields.Datetime.to_string(last_failure.create_date) if last_failure else None,
                "last_failure_outcome": last_failure.outcome or None,
            },
            plugins=sorted(plugin.code for plugin in REGISTRY.all()),
            knowledge={
                "documents": self.env["l10n_cl_ai.knowledge.document"].sudo().search_count([]),
                "chunks": self.env["l10n_cl_ai.knowledge.chunk"].sudo().search_count([]),
                "embedding_model": settings.embedding_model,
                "version": index._version(),
            },
            crons=checks["crons"],
            budgets=self._health_budgets(settings),
            sii_pages=self._health_sii_pages(),
            payroll_sources=self._health_payroll_sources(),
        )
        return detail, problems

    @api.model
    def _health_sii_pages(self):
        """The SII pages the monitor follows: status, last check, items, warning (``_health_checks``
        warns when one fails)."""
        Page = self.env["l10n_cl_ai.sii.page"].sudo()
        report = {
            page.url: {
                "state": page.state,
                "last_fetch": fields.Datetime.to_string(page.last_fetch) if page.last_fetch else None,
                "items": page.item_count,
                "warning": page.last_error or None,
            }
            for page in Page.search([])
        }
        return report

    @api.model
    def _health_payroll_sources(self):
        """The pages payroll numbers are read from: status, last check, values read, warning."""
        return {
            source.url: {
                "kind": source.kind,
                "state": source.state,
                "last_fetch": fields.Datetime.to_string(source.last_fetch) if source.last_fetch else None,
                "values": source.values_read,
                "warning": source.last_error or None,
            }
            for source in self.env["l10n_cl_ai.payroll.source"].sudo().search([])
        }

    @api.model
    def _health_crons(self, problems):
        """Each scheduled action of the addon: last successful run, consecutive failures since when."""
        crons = (
            self.env["ir.cron"]
            .sudo()
            .with_context(active_test=False)
            .search([("ir_actions_server_id.model_id.model", "like", "l10n_cl_ai.%")])
        )
        report = {}
        for cron in crons:
            report[cron.cron_name] = {
                "active": cron.active,
                "last_run": fields.Datetime.to_string(cron.lastcall) if cron.lastcall else None,
                "failures": cron.failure_count,
                "failing_since": fields.Datetime.to_string(cron.first_failure_date)
                if cron.first_failure_date
                else None,
            }
            if cron.failure_count:
                problems[f"cron:{cron.cron_name}"] = "warn"
        return report

    @api.model
    def _health_budgets(self, settings):
        """Spend against the budgets, per company with a budget."""
        if not budgets_in_force(settings):
            return {}
        Usage = self.env["l10n_cl_ai.usage"].sudo()
        report = {}
        for company in self.env["res.company"].sudo().search([]):
            spent = Usage._spent_by_period(company)
            report[company.name] = {
                "today_usd": round(spent["daily"], 6),
                "daily_budget_usd": settings.daily_budget_usd,
                "month_usd": round(spent["monthly"], 6),
                "monthly_budget_usd": settings.monthly_budget_usd,
            }
        return report

    @api.model
    def _metrics_authorized(self, authorization):
        token = self.env["l10n_cl_ai.engine"]._read_settings().metrics_token
        if not token:
            return None  # metrics disabled
        expected = f"Bearer {token}"
        return hmac.compare_digest((authorization or "").encode(), expected.encode())

    @api.model
    def _metrics_text(self):
        """Prometheus text: figures read at scrape time (metrics_snapshot.py), then every process' samples."""
        return self.env["l10n_cl_ai.metrics.scrape"]._exposition()
