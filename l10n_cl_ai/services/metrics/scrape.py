"""The figures ``/metrics`` reads at scrape time (from the database and Redis), as a Prometheus collector.

They are exact whatever process serves the scrape and survive restarts: requests, tokens and cost come from
the usage ledger, the breaker from its shared state, queues, crons and budgets from their records. The Odoo
layer (``l10n_cl_ai.metrics.scrape``) fills a ``ScrapeSnapshot`` with plain values; this module only turns
it into metric families. Names are in the ``l10n_cl_ai_`` namespace and carry their unit.
"""

from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

BREAKER_VALUES = {"closed": 0, "half_open": 1, "open": 2}
HEALTH_VALUES = {"pass": 0, "warn": 1, "fail": 2}
TOKEN_KINDS = ("input", "output", "cache_read", "cache_write")


@dataclass
class ScrapeSnapshot:
    """Plain values read at scrape time. ``usage``: one dict per (feature, model, outcome) with ``count``,
    ``cost_usd`` and the token sums; ``crons``: dicts with ``cron``, ``failures``, ``last_success`` (epoch
    seconds or None) and ``late_s``; ``budgets``: dicts with ``company``, ``period``, ``spent_usd``,
    ``budget_usd``."""

    health: str = "pass"
    problems: dict = field(default_factory=dict)
    breaker: str = "closed"
    redis: str = "not_configured"  # ok | down | not_configured
    usage: list = field(default_factory=list)
    knowledge_documents: int = 0
    knowledge_chunks: int = 0
    validations: dict = field(default_factory=dict)  # verdict -> count
    review_queue_length: int = 0
    review_queue_age_s: float = 0.0
    chat_by_state: dict = field(default_factory=dict)
    chat_queue_age_s: float = 0.0
    sii_pages_failing: int = 0
    crons: list = field(default_factory=list)
    budgets: list = field(default_factory=list)
    chat_feedback: list = field(default_factory=list)  # dicts: plugin, month ("YYYY-MM"), up, down


def _gauge(name, documentation, value=None, labels=(), samples=()):
    family = GaugeMetricFamily(name, documentation, value=value, labels=labels or None)
    for label_values, sample in samples:
        family.add_metric(label_values, sample)
    return family


class ScrapeCollector:
    """A one-shot collector over a ``ScrapeSnapshot`` (registered in a fresh registry per scrape)."""

    def __init__(self, snapshot):
        self.snapshot = snapshot

    def collect(self):
        yield from self._claude()
        yield from self._state()
        yield from self._queues()
        yield from self._crons()
        yield from self._budgets()
        yield from self._feedback()

    def _claude(self):
        snap = self.snapshot
        requests = CounterMetricFamily(
            "l10n_cl_ai_claude_requests",
            "Claude calls by feature, model and outcome (usage ledger; local refusals included).",
            labels=["feature", "model", "outcome"],
        )
        cost = CounterMetricFamily(
            "l10n_cl_ai_claude_cost_usd",
            "Cost of Claude calls in USD (usage ledger).",
            labels=["feature", "model"],
        )
        tokens = CounterMetricFamily(
            "l10n_cl_ai_claude_tokens",
            "Tokens by kind: input, output, cache_read, cache_write (usage ledger).",
            labels=["feature", "model", "kind"],
        )
        cost_sums, token_sums = {}, {}
        for row in snap.usage:
            key = (row["feature"], row["model"] or "")
            requests.add_metric([*key, row["outcome"]], row["count"])
            cost_sums[key] = cost_sums.get(key, 0.0) + (row["cost_usd"] or 0.0)
            for kind in TOKEN_KINDS:
                token_sums[(*key, kind)] = token_sums.get((*key, kind), 0) + (row[f"{kind}_tokens"] or 0)
        for key, value in sorted(cost_sums.items()):
            cost.add_metric(list(key), value)
        for key, value in sorted(token_sums.items()):
            tokens.add_metric(list(key), value)
        yield requests
        yield cost
        yield tokens

    def _state(self):
        snap = self.snapshot
        yield _gauge(
            "l10n_cl_ai_health_status",
            "What /health answers: 0 pass, 1 warn, 2 fail.",
            HEALTH_VALUES.get(snap.health, 2),
        )
        yield _gauge(
            "l10n_cl_ai_health_problem",
            "1 for each component /health reports a problem with, by level (warn or fail).",
            labels=["component", "level"],
            samples=[([component, level], 1) for component, level in sorted(snap.problems.items())],
        )
        yield _gauge(
            "l10n_cl_ai_breaker_state",
            "Claude circuit breaker, read at scrape time: 0 closed, 1 half-open, 2 open.",
            BREAKER_VALUES.get(snap.breaker, 0),
        )
        yield _gauge(
            "l10n_cl_ai_redis_configured",
            "1 when a Redis is configured for the engine.",
            int(snap.redis != "not_configured"),
        )
        yield _gauge(
            "l10n_cl_ai_redis_up",
            "1 when the configured Redis answers (cached probe), else 0.",
            int(snap.redis == "ok"),
        )
        yield _gauge(
            "l10n_cl_ai_knowledge_documents", "Knowledge documents (index size).", snap.knowledge_documents
        )
        yield _gauge(
            "l10n_cl_ai_knowledge_chunks", "Knowledge chunks indexed (index size).", snap.knowledge_chunks
        )

    def _queues(self):
        snap = self.snapshot
        yield _gauge(
            "l10n_cl_ai_validations",
            "DTE validations done, by verdict (send, review, reject; none: no verdict), and failed.",
            labels=["verdict"],
            samples=[([verdict], count) for verdict, count in sorted(snap.validations.items())],
        )
        yield _gauge(
            "l10n_cl_ai_review_queue_length",
            "DTE validations queued or running (Claude's reviews).",
            snap.review_queue_length,
        )
        yield _gauge(
            "l10n_cl_ai_review_queue_age_seconds",
            "Age of the oldest queued DTE validation (0: none).",
            snap.review_queue_age_s,
        )
        by_state = snap.chat_by_state or {"queued": 0}
        yield _gauge(
            "l10n_cl_ai_chat_requests",
            "Discuss bot requests by state.",
            labels=["state"],
            samples=[([state], count) for state, count in sorted(by_state.items())],
        )
        yield _gauge(
            "l10n_cl_ai_chat_queue_age_seconds",
            "Age of the oldest queued bot request (0: none).",
            snap.chat_queue_age_s,
        )
        yield _gauge(
            "l10n_cl_ai_sii_pages_failing",
            "SII pages the monitor could not fetch or parse.",
            snap.sii_pages_failing,
        )

    def _crons(self):
        crons = self.snapshot.crons
        yield _gauge(
            "l10n_cl_ai_cron_consecutive_failures",
            "Consecutive failures of each scheduled action (0: healthy).",
            labels=["cron"],
            samples=[([c["cron"]], c["failures"]) for c in crons],
        )
        yield _gauge(
            "l10n_cl_ai_cron_last_success_timestamp_seconds",
            "Last run of each scheduled action that did not fail (Unix time; while it fails, the first "
            "failure's time, an upper bound).",
            labels=["cron"],
            samples=[([c["cron"]], c["last_success"]) for c in crons if c["last_success"]],
        )
        yield _gauge(
            "l10n_cl_ai_cron_late_seconds",
            "How long an active scheduled action is overdue (its next call or oldest trigger passed; 0: on"
            " time).",
            labels=["cron"],
            samples=[([c["cron"]], c["late_s"]) for c in crons],
        )

    def _budgets(self):
        budgets = self.snapshot.budgets
        for name, documentation, key in (
            ("l10n_cl_ai_budget_spent_usd", "Spend of the company in the period (USD).", "spent_usd"),
            ("l10n_cl_ai_budget_usd", "Budget of the company for the period (USD).", "budget_usd"),
        ):
            yield _gauge(
                name,
                documentation,
                labels=["company", "period"],
                samples=[([b["company"], b["period"]], b[key]) for b in budgets],
            )
        yield _gauge(
            "l10n_cl_ai_budget_used_ratio",
            "Share of the budget spent (1: spent).",
            labels=["company", "period"],
            samples=[([b["company"], b["period"]], b["spent_usd"] / b["budget_usd"]) for b in budgets],
        )

    def _feedback(self):
        rows = self.snapshot.chat_feedback
        yield _gauge(
            "l10n_cl_ai_chat_feedback",
            "Reactions on the Discuss bot's answers by expert (plugin), month of the question (YYYY-MM) and "
            "reaction (up: thumbs up, down: thumbs down).",
            labels=["plugin", "month", "reaction"],
            samples=[
                ([row["plugin"], row["month"], reaction], row[reaction])
                for row in rows
                for reaction in ("up", "down")
            ],
        )
