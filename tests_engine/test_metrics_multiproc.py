"""prometheus_client's multiprocess mode as the addon wires it: real processes writing one directory."""

import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from services.metrics import multiproc as metrics_multiproc
from services.metrics.scrape import ScrapeCollector, ScrapeSnapshot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One "worker": counts requests, marks itself live, observes a knowledge search; prints its pid.
WORKER = """
import os, sys
sys.path.insert(0, {addon!r})
from services import metrics
metrics.HTTP_REQUESTS.labels(route="/health", code="200").inc({count})
metrics.PROCESSES.set(1)
metrics.KNOWLEDGE_SEARCH_LATENCY.observe(0.02)
print(os.getpid())
"""


def _samples(text):
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _run_worker(directory, count):
    code = WORKER.format(addon=os.path.join(ROOT, "l10n_cl_ai"), count=count)
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(directory))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return int(done.stdout.strip())


def _exposition_in(directory):
    """The scrape as a server process of that directory serves it (a fresh interpreter, env set first)."""
    addon = os.path.join(ROOT, "l10n_cl_ai")
    code = (
        f"import sys; sys.path.insert(0, {addon!r}); from services import metrics;"
        " print(metrics.process_metrics_text())"
    )
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(directory))
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_every_process_counts_and_a_dead_worker_keeps_its_counts_but_not_its_live_gauge(
    tmp_path, monkeypatch
):
    first, second = _run_worker(tmp_path, 3), _run_worker(tmp_path, 4)
    samples = _samples(_exposition_in(tmp_path))
    health = ("l10n_cl_ai_http_requests_total", (("code", "200"), ("route", "/health")))
    assert samples[health] == 7, "both processes' requests are summed"
    assert samples[("l10n_cl_ai_processes", ())] == 2
    assert samples[("l10n_cl_ai_knowledge_search_latency_seconds_count", ())] == 2

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    metrics_multiproc.mark_dead(first)  # what the server does when it reaps the worker
    samples = _samples(_exposition_in(tmp_path))
    assert samples[health] == 7, "a dead worker's requests still count"
    assert samples[("l10n_cl_ai_processes", ())] == 1, "only the live worker is live"
    assert not list(tmp_path.glob(f"gauge_livesum_{first}.db"))
    assert list(tmp_path.glob(f"gauge_livesum_{second}.db"))


def test_the_server_start_empties_the_directory(tmp_path, monkeypatch):
    _run_worker(tmp_path, 5)
    stale = tmp_path / "counter_1.db"
    stale.write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert metrics_multiproc.reset_dir() >= 2
    assert not list(tmp_path.glob("*.db"))
    assert "l10n_cl_ai_http_requests_total{" not in _exposition_in(tmp_path)


def test_without_the_directory_each_process_exposes_its_own_samples(monkeypatch):
    from services import metrics

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert metrics_multiproc.reset_dir() == 0
    metrics_multiproc.mark_dead(12345)  # nothing to forget
    metrics.HTTP_REQUESTS.labels(route="/engine-test", code="200").inc()
    samples = _samples(metrics_multiproc.exposition())
    assert samples[("l10n_cl_ai_http_requests_total", (("code", "200"), ("route", "/engine-test")))] >= 1


def test_scrape_collector_reads_the_snapshot_and_the_breaker_closes():
    usage = [
        {
            "feature": "chat",
            "model": "m",
            "outcome": "ok",
            "count": 3,
            "cost_usd": 0.5,
            "input_tokens": 100,
            "output_tokens": 20,
            "cache_read_tokens": 7,
            "cache_write_tokens": 0,
        },
        {
            "feature": "chat",
            "model": "m",
            "outcome": "error",
            "count": 1,
            "cost_usd": 0.0,
            "input_tokens": 0,
            "output_tokens": 0,
            "cache_read_tokens": 0,
            "cache_write_tokens": 0,
        },
    ]
    snapshot = ScrapeSnapshot(
        health="warn",
        problems={"redis": "warn"},
        breaker="open",
        redis="down",
        usage=usage,
        budgets=[{"company": "A", "period": "month", "spent_usd": 8.0, "budget_usd": 10.0}],
        crons=[{"cron": "c", "failures": 2, "last_success": 1700000000, "late_s": 30.0}],
    )
    samples = _samples(metrics_multiproc.exposition(ScrapeCollector(snapshot)))
    assert (
        samples[
            ("l10n_cl_ai_claude_requests_total", (("feature", "chat"), ("model", "m"), ("outcome", "ok")))
        ]
        == 3
    )
    assert samples[("l10n_cl_ai_claude_cost_usd_total", (("feature", "chat"), ("model", "m")))] == 0.5
    assert (
        samples[
            ("l10n_cl_ai_claude_tokens_total", (("feature", "chat"), ("kind", "cache_read"), ("model", "m")))
        ]
        == 7
    )
    assert samples[("l10n_cl_ai_breaker_state", ())] == 2
    assert samples[("l10n_cl_ai_health_status", ())] == 1
    assert samples[("l10n_cl_ai_redis_up", ())] == 0 and samples[("l10n_cl_ai_redis_configured", ())] == 1
    assert samples[("l10n_cl_ai_budget_used_ratio", (("company", "A"), ("period", "month")))] == 0.8
    assert samples[("l10n_cl_ai_cron_consecutive_failures", (("cron", "c"),))] == 2
    assert samples[("l10n_cl_ai_chat_requests", (("state", "queued"),))] == 0, "a zero series without the bot"
    assert samples[("l10n_cl_ai_sii_pages_failing", ())] == 0

    snapshot.breaker = "closed"  # read again at the next scrape: no process keeps the old value
    samples = _samples(metrics_multiproc.exposition(ScrapeCollector(snapshot)))
    assert samples[("l10n_cl_ai_breaker_state", ())] == 0
