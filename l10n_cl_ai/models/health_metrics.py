"""What ``/health`` and ``/metrics`` report, computed here so the controllers stay a few lines."""

import hmac

from odoo import api, fields, models

from ..services import metrics

_BREAKER_VALUES = {"closed": 0, "half_open": 1, "open": 2}


class L10nClAiHealthMetrics(models.AbstractModel):
    _name = "l10n_cl_ai.health.metrics"
    _description = "Chilean AI: health and metrics"

    @api.model
    def _health(self):
        """``(http status, report)``. Never contains a secret: only whether they are set."""
        engine = self.env["l10n_cl_ai.engine"]
        settings = engine._read_settings()
        self.env.cr.execute("SELECT 1")
        report = {
            "status": "ok",
            "database": "ok",
            "claude": {"configured": bool(settings.api_key), "model": settings.model},
            "knowledge_version": self.env["l10n_cl_ai.knowledge.index"]._version(),
        }
        bundle = engine._services()
        redis_state = bundle.redis_health()  # cached and guarded: cheap even when Redis hangs
        if redis_state["state"] == "down":
            report["redis"] = f"down: {redis_state['error']}"
            report["status"] = "degraded"
        else:
            report["redis"] = redis_state["state"]
        state = bundle.breaker(engine._namespace()).peek()
        report["breaker"] = state.state
        if state.state == "open":
            report["status"] = "degraded"
        return 200, report

    @api.model
    def _metrics_authorized(self, authorization):
        token = self.env["l10n_cl_ai.engine"]._read_settings().metrics_token
        if not token:
            return None  # metrics disabled
        expected = f"Bearer {token}"
        return hmac.compare_digest((authorization or "").encode(), expected.encode())

    @api.model
    def _metrics_text(self):
        """Prometheus text: exact figures from the usage ledger, plus this server's process collectors."""
        lines = []

        def metric(name, kind, help_text, samples):
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            for labels, value in samples:
                label_text = ",".join(f'{key}="{_escape(val)}"' for key, val in sorted(labels.items()))
                lines.append(f"{name}{{{label_text}}} {value}")

        Usage = self.env["l10n_cl_ai.usage"].sudo()
        groups = Usage._read_group(
            [],
            ["feature", "model", "outcome"],
            [
                "__count",
                "cost_usd:sum",
                "input_tokens:sum",
                "output_tokens:sum",
                "cache_read_tokens:sum",
                "cache_write_tokens:sum",
            ],
        )
        metric(
            "l10n_cl_ai_claude_requests_total",
            "counter",
            "Claude calls by outcome (usage ledger).",
            [({"feature": f, "model": m or "", "outcome": o}, count) for f, m, o, count, *_ in groups],
        )
        metric(
            "l10n_cl_ai_claude_cost_usd_total",
            "counter",
            "Cost of Claude calls in USD (usage ledger).",
            [({"feature": f, "model": m or ""}, cost) for f, m, _o, _c, cost, *_ in groups],
        )
        token_samples = []
        for _f, model, _o, _c, _cost, tokens_in, tokens_out, cache_read, cache_write in groups:
            for kind, value in (
                ("input", tokens_in),
                ("output", tokens_out),
                ("cache_read", cache_read),
                ("cache_write", cache_write),
            ):
                token_samples.append(({"kind": kind, "model": model or ""}, value))
        metric("l10n_cl_ai_claude_tokens_total", "counter", "Tokens by kind (usage ledger).", token_samples)
        engine = self.env["l10n_cl_ai.engine"]
        settings = engine._read_settings()
        budget_samples = []
        for company in self.env["res.company"].sudo().search([]):
            today, month = Usage._spent_today_and_month(company)
            for period, spent, budget in (
                ("daily", today, settings.daily_budget_usd),
                ("monthly", month, settings.monthly_budget_usd),
            ):
                if budget:
                    budget_samples.append(({"company": company.name, "period": period}, spent / budget))
        metric("l10n_cl_ai_budget_used_ratio", "gauge", "Share of the budget spent.", budget_samples)
        state = engine._services().breaker(engine._namespace()).peek()
        metrics.BREAKER_STATE.set(_BREAKER_VALUES.get(state.state, 0))
        lines.append(f"# l10n_cl_ai scrape at {fields.Datetime.now()}")
        return "\n".join(lines) + "\n" + metrics.process_metrics_text()


def _escape(value):
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
