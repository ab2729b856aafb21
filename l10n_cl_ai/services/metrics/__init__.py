"""Prometheus collectors of the engine, safe under Odoo's prefork workers.

With ``PROMETHEUS_MULTIPROC_DIR`` set in the environment of the Odoo server (see README), every worker
writes its samples to that directory and ``/metrics`` aggregates all of them; without it, each process
exposes its own samples. Figures that must be exact across workers and restarts (requests, tokens, cost,
budget use, queues, crons, the breaker) are read at scrape time instead (``scrape.py``).
"""

from prometheus_client import Counter, Gauge, Histogram

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


def process_metrics_text():
    """The text exposition of the processes' collectors, aggregated across workers in multiprocess mode."""
    from .multiproc import exposition

    return exposition()


# The breaker state is read from its shared state at scrape time (scrape.py): a per-process gauge
# would keep the value of whichever worker saw it last.
KNOWLEDGE_SEARCH_LATENCY = Histogram(
    "l10n_cl_ai_knowledge_search_latency_seconds",
    "Latency of knowledge base searches (embedding, FAISS and BM25).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5),
)
CRON_RUNS = Counter("l10n_cl_ai_cron_runs_total", "Runs of the addon's scheduled actions.", ["cron"])
CRON_FAILURES = Counter(
    "l10n_cl_ai_cron_failures_total", "Failed runs of the addon's scheduled actions.", ["cron"]
)
HTTP_REQUESTS = Counter(
    "l10n_cl_ai_http_requests_total",
    "Requests to the addon's routes, by route and status code.",
    ["route", "code"],
)
PROCESSES = Gauge(
    "l10n_cl_ai_processes",
    "Live Odoo processes of this server that served one of the addon's routes (summed over live workers).",
    multiprocess_mode="livesum",
)
