"""What ``/metrics`` reads from the database and Redis at scrape time (``services/metrics/scrape.py``)."""

import calendar

from odoo import api, fields, models

from ..services.metrics.multiproc import exposition
from ..services.metrics.scrape import ScrapeCollector, ScrapeSnapshot
from .usage_budget import budgets_in_force

CHAT_MODEL = "l10n_cl_ai.chat.request"  # the Discuss bot's queue (another room): ``_queue_stats()``
METRIC_PERIODS = {"daily": "day", "monthly": "month"}  # the budget periods as the metrics label them
SII_PAGE_MODEL = "l10n_cl_ai.sii.page"  # the SII monitor's pages (another room): ``_failing_count()``


def _epoch(moment):
    return calendar.timegm(moment.timetuple()) if moment else None


class L10nClAiMetricsScrape(models.AbstractModel):
    _name = "l10n_cl_ai.metrics.scrape"
    _description = "Chilean AI: metrics read at scrape time"

    @api.model
    def _exposition(self):
        """The Prometheus text of ``/metrics``: this scrape's snapshot, then every process' samples.
        Counts read as superuser: callers check the metrics token first
        (``l10n_cl_ai.health.metrics._metrics_authorized``)."""
        return exposition(ScrapeCollector(self.sudo()._snapshot()))

    @api.model
    def _snapshot(self):
        detail, problems = self.env["l10n_cl_ai.health.metrics"]._health_detail()
        levels = set(problems.values())
        now = fields.Datetime.now()
        snapshot = ScrapeSnapshot(
            health="fail" if "fail" in levels else "warn" if "warn" in levels else "pass",
            problems=problems,
            breaker=detail["claude"]["breaker"],
            redis=detail["redis"]["state"],
            usage=self._usage_rows(),
            knowledge_documents=detail["knowledge"]["documents"],
            knowledge_chunks=detail["knowledge"]["chunks"],
            crons=self._cron_rows(now),
            budgets=self._budget_rows(),
        )
        self._fill_validations(snapshot, now)
        if CHAT_MODEL in self.env:
            stats = self.env[CHAT_MODEL]._queue_stats()
            snapshot.chat_by_state = dict(stats.get("by_state") or {})
            snapshot.chat_queue_age_s = float(stats.get("oldest_queued_age_s") or 0.0)
            if hasattr(self.env[CHAT_MODEL], "_feedback_rows"):
                snapshot.chat_feedback = self.env[CHAT_MODEL]._feedback_rows()
        if SII_PAGE_MODEL in self.env:
            snapshot.sii_pages_failing = int(self.env[SII_PAGE_MODEL]._failing_count())
        return snapshot

    @api.model
    def _usage_rows(self):
        groups = self.env["l10n_cl_ai.usage"]._read_group(
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
        keys = (
            "feature",
            "model",
            "outcome",
            "count",
            "cost_usd",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
        )
        return [dict(zip(keys, group, strict=True)) for group in groups]

    @api.model
    def _fill_validations(self, snapshot, now):
        Validation = self.env["l10n_cl_ai.validation"]
        done = Validation._read_group([("state", "=", "done")], ["recommendation"], ["__count"])
        snapshot.validations = {verdict or "none": count for verdict, count in done}
        snapshot.validations["failed"] = Validation.search_count([("state", "=", "failed")])
        queued = Validation.search([("state", "in", ("queued", "running"))], order="id")
        snapshot.review_queue_length = len(queued)
        oldest = min((v.create_date for v in queued if v.state == "queued"), default=None)
        snapshot.review_queue_age_s = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0

    @api.model
    def _cron_rows(self, now):
        crons = (
            self.env["ir.cron"]
            .with_context(active_test=False)
            .search([("ir_actions_server_id.model_id.model", "like", "l10n_cl_ai.%")])
        )
        triggers = self.env["ir.cron.trigger"]._read_group(
            [("cron_id", "in", crons.ids), ("call_at", "<=", now)], ["cron_id"], ["call_at:min"]
        )
        oldest_trigger = {cron.id: call_at for cron, call_at in triggers}
        rows = []
        for cron in crons:
            late = 0.0
            if cron.active:
                due = min(d for d in (cron.nextcall, oldest_trigger.get(cron.id)) if d)
                late = max(0.0, (now - due).total_seconds())
            last_success = cron.first_failure_date if cron.failure_count else cron.lastcall
            rows.append(
                {
                    "cron": cron.with_context(lang="en_US").cron_name,
                    "failures": cron.failure_count,
                    "last_success": _epoch(last_success),
                    "late_s": late,
                }
            )
        return rows

    @api.model
    def _budget_rows(self):
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        budgets = budgets_in_force(settings)
        if not budgets:
            return []
        Usage = self.env["l10n_cl_ai.usage"]
        rows = []
        for company in self.env["res.company"].search([]):
            spent = Usage._spent_by_period(company)
            for period, budget in budgets.items():
                rows.append(
                    {
                        "company": company.name,
                        "period": METRIC_PERIODS[period],
                        "spent_usd": spent[period],
                        "budget_usd": budget,
                    }
                )
        return rows
