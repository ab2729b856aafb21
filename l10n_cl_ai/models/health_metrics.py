"""What ``/health`` and ``/metrics`` report, computed here so the controllers stay a few lines."""

import hmac
import time

from odoo import api, fields, models
from odoo.tools import config


class L10nClAiHealthMetrics(models.AbstractModel):
    _name = "l10n_cl_ai.health.metrics"
    _description = "Chilean AI: health and metrics"

    @api.model
    def _health(self, authorization=None):
        """``(http status, report)``. Everybody gets ``{"status": "pass" | "warn" | "fail"}`` (200, 200,
        503: a load balancer uses it as is); with ``Authorization: Bearer <metrics_token>``, the detail.
        Cheap: no Claude call, no embedding, the Redis probe cached (see ``ServiceBundle.redis_health``).
        Never a secret: whether a key is set, never the key; URLs without their credentials."""
        detail, problems = self._health_detail()
        levels = set(problems.values())
        status = "fail" if "fail" in levels else "warn" if "warn" in levels else "pass"
        report = {"status": status}
        if self._metrics_authorized(authorization):
            report.update(detail, problems=problems)
        return (503 if status == "fail" else 200), report

    @api.model
    def _health_detail(self):
        """``(detail, problems)``; ``problems`` maps a component to ``"warn"`` or ``"fail"`` (README)."""
        from ..services.plugins.registry import REGISTRY

        engine = self.env["l10n_cl_ai.engine"]
        settings = engine._read_settings()
        problems = {}
        started = time.monotonic()
        self.env.cr.execute("SELECT 1")
        detail = {"postgresql_ms": round((time.monotonic() - started) * 1000, 2)}
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
        Usage = self.env["l10n_cl_ai.usage"].sudo()
        last_ok = Usage.search([("outcome", "=", "ok")], order="id desc", limit=1)
        last_failure = Usage.search([("outcome", "!=", "ok")], order="id desc", limit=1)
        index = self.env["l10n_cl_ai.knowledge.index"]
        detail.update(
            redis=redis_state,
            claude={
                "configured": bool(settings.api_key),
                "model": settings.model,
                "dte_model": settings.dte_model,
                "breaker": breaker.state,
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
            crons=self._health_crons(problems),
            budgets=self._health_budgets(settings),
            sii_pages=self._health_sii_pages(problems),
        )
        return detail, problems

    @api.model
    def _health_sii_pages(self, problems):
        """The SII pages the monitor follows: status, last check, items, warning (a failing page warns)."""
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
        if Page._failing_count():
            problems["sii_pages"] = "warn"
        return report

    @api.model
    def _health_crons(self, problems):
        """Each scheduled action of the addon: last successful run, consecutive failures since when."""
        crons = self.env["ir.cron"].sudo().with_context(active_test=False).search(
            [("ir_actions_server_id.model_id.model", "like", "l10n_cl_ai.%")]
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
        if not (settings.daily_budget_usd or settings.monthly_budget_usd):
            return {}
        Usage = self.env["l10n_cl_ai.usage"].sudo()
        report = {}
        for company in self.env["res.company"].sudo().search([]):
            today, month = Usage._spent_today_and_month(company)
            report[company.name] = {
                "today_usd": round(today, 6),
                "daily_budget_usd": settings.daily_budget_usd,
                "month_usd": round(month, 6),
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
        """Prometheus text: figures read at scrape time, then every process' samples (metrics_scrape.py)."""
        return self.env["l10n_cl_ai.metrics.scrape"]._exposition()
