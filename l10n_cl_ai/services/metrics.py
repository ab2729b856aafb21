"""Prometheus collectors of the engine, safe under Odoo's prefork workers.

With ``PROMETHEUS_MULTIPROC_DIR`` set in the environment of the Odoo server (see README), every worker
writes its samples to that directory and ``/metrics`` aggregates all of them; without it, each process
exposes its own samples. Figures that must be exact across workers and restarts (requests, tokens, cost,
budget use) are computed from the usage ledger at scrape time instead (``l10n_cl_ai.metrics`` model).
"""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60)

CLAUDE_LATENCY = Histogram(
    "l10n_cl_ai_claude_latency_seconds",
    "Latency of Claude calls, retries included.",
    ["feature", "model"],
    buckets=LATENCY_BUCKETS,
)
LIMITER_REDIS_OUTAGES = Counter(
    "l10n_cl_ai_limiter_redis_outages_total", "Outages of Redis seen by the rate limiter (once per outage)."
)
RATE_LIMITED = Counter("l10n_cl_ai_rate_limited_total", "Calls refused by the rate limiter.", ["feature"])
BREAKER_STATE = Gauge(
    "l10n_cl_ai_breaker_state",
    "Claude circuit breaker: 0 closed, 1 half-open, 2 open.",
    multiprocess_mode="max",
)


def process_metrics_text():
    """The text exposition of this process' collectors, aggregated across workers in multiprocess mode."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry).decode()
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY).decode()
